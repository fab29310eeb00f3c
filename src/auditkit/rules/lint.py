"""Checks on a framework beyond its schema: the rule-set lint.

Loading already guarantees that every file matches the schema, that ids are
unique, that principles exist and that every fact a rule reads is in the
deployment format. This adds what only running the rules can show: each
rule carries a case that meets it and one that breaks it, and every case
gives the status it promises (and, when unknown, names the missing facts).
It also holds the content rules a reader relies on: every figure a rule uses
says where it comes from (auditkit's own threshold or an instrument's), and
no remedy clause uses a term of art that the framework's definitions clause
does not define.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, assert_never

from pydantic import ValidationError

from auditkit.model.catalog import catalogue
from auditkit.model.deployment import Deployment
from auditkit.model.facts import Duration
from auditkit.model.result import Status
from auditkit.rules.logic import decide
from auditkit.rules.model import Case, Framework, Leaf, Operator, Rule

#: Terms of art a remedy clause may only use when the framework's definitions clause defines them:
#: each is a regular expression matching the term's forms. A clause using one undefined would not
#: bind, or would bind differently, depending on the technology and the jurisdiction.
TERMS_OF_ART: dict[str, str] = {
    "this Act": r"\bthis (?:Act|Law|Statute|Regulation|Decree)\b",
    "operator": r"\boperators?\b",
    "system": r"\bsystems?\b",
    "data": r"\bdata\b",
    "biometric data": r"\bbiometric data\b",
    "supervisory body": r"\bsupervisory (?:body|authority)\b",
    "data protection authority": r"\bdata protection authorit(?:y|ies)\b",
    "court": r"\bcourts?\b",
    "identify": r"(?<!de-)\bidentif(?:y|ies|ied|ying|ication)\b",
    "track": r"\btrack(?:s|ed|ing)?\b",
    "search": r"\bsearch(?:es|ed|ing)?\b",
    "watch-list": r"\bwatch-lists?\b",
    "match": r"\bmatch(?:es|ed)?\b",
    "publicly accessible place": r"\bpublicly accessible places?\b",
    "de-identified data": r"\b(?:de-identified|anonymised|aggregated) data\b",
}
_NUMBER = (
    r"(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|"
    r"fifteen|twenty|thirty|sixty|ninety)"
)
#: A figure in a remedy: a number with a unit of time, or a frequency (once a year, every quarter).
FIGURE = re.compile(
    rf"\b{_NUMBER}\s+(?:hours?|days?|weeks?|months?|years?)\b"
    r"|\bonce a (?:year|month|week)\b|\b(?:each|every) (?:year|quarter|month)\b",
    re.IGNORECASE,
)

CASE_SOURCE = "rule-case"


def case_deployment(facts: Mapping[str, Any]) -> Deployment:
    """A minimal Deployment holding the given facts (path -> value), each citing one dummy source."""
    doc: dict[str, Any] = {
        "format_version": 2,
        "deployment": {"name": "rule case"},
        "sources": [
            {
                "id": CASE_SOURCE,
                "kind": "official_record",
                "publisher": "auditkit",
                "title": "rule case",
                "date": "2020",
            }
        ],
    }
    for path, value in facts.items():
        section, name = path.split(".", 1)
        doc.setdefault(section, {})[name] = _case_fact(value)
    return Deployment.model_validate(doc)


def _case_fact(value: Any) -> Any:
    """A rule case's fact: a bare answer, or {law: ..., practice: ...} with a bare answer on each side."""
    if value in ("unknown", "undisclosed"):
        return value
    if value == "not_applicable":
        return {"value": value, "reason": "rule case"}
    if isinstance(value, dict) and set(value) & {"law", "practice"}:
        return {side: _case_fact(v) for side, v in value.items()}
    return {"value": value, "sources": [CASE_SOURCE]}


def check_case(rule: Rule, case: Case) -> str | None:
    """None when the case gives its expected status (and missing facts), else what went wrong."""
    try:
        deployment = case_deployment(case.facts)
    except ValidationError as exc:
        return f"case '{case.name}' has facts the deployment format refuses: {exc.errors()[0]['msg']}"
    status, outcome = decide(rule, deployment, None)
    if status is not case.expect:
        return f"case '{case.name}' expects {case.expect.value} but gives {status.value}"
    if case.missing is not None and sorted(outcome.missing) != sorted(case.missing):
        return (
            f"case '{case.name}' expects missing {sorted(case.missing)} but the rule reports {sorted(outcome.missing)}"
        )
    return None


def lint(framework: Framework) -> list[str]:
    """Every lint failure of a framework, as 'file: rule: message' lines."""
    out = [
        f"{rule.file}: {rule.id}: {problem}" for rule in framework.rules for problem in _rule_problems(framework, rule)
    ]
    return out + _unused_terms(framework)


def _rule_problems(framework: Framework, rule: Rule) -> list[str]:
    """What is wrong with one rule: cases both ways, a remedy, known facts, passing cases, thresholds, terms."""
    out = []
    expects = {case.expect for case in rule.cases}
    if Status.MET not in expects:
        out.append("no case that meets the rule (expect: met)")
    if not expects & {Status.NOT_MET, Status.PARTIAL}:
        out.append("no case that breaks the rule (expect: not_met)")
    if not rule.remedy.strip():
        out.append("no remedy")
    known = catalogue()
    out += [f"reads unknown fact {path}" for path in rule.facts if path not in known]
    out += [problem for case in rule.cases if (problem := check_case(rule, case))]
    return out + threshold_problems(rule) + term_problems(framework, rule)


def _unused_terms(framework: Framework) -> list[str]:
    """Terms the definitions clause defines that no remedy clause uses."""
    used = " ".join(rule.remedy for rule in framework.rules)
    return [
        f"{framework.folder}/framework.yaml: definitions: '{term.term}' is defined but no "
        "remedy clause uses it; remove it or use it"
        for term in framework.definitions
        if not any(re.search(rf"\b{re.escape(form)}\b", used, re.IGNORECASE) for form in (term.term, *term.forms))
    ]


def threshold_problems(rule: Rule) -> list[str]:
    """Figures a rule uses without saying where they come from, and declared figures it does not use."""
    out = []
    numbers = {limit for leaf in rule.leaves if (limit := _limit(leaf)) is not None}
    periods = {hours for leaf in rule.leaves if (hours := _period_hours(leaf)) is not None}
    declared_values = {t.value for t in rule.thresholds if t.value is not None}
    for number in sorted(numbers - declared_values):
        out.append(
            f"the condition compares with {number} but no threshold (with value: {number}) says where "
            "that figure comes from (origin: auditkit or instrument)"
        )
    for hours in sorted(periods):
        if not any(v in (hours, hours / 24) for v in declared_values):
            value = hours // 24 if hours % 24 == 0 else hours
            out.append(
                f"the condition compares with {Duration(hours).text()} but no threshold (with value: {value}) "
                "says where that figure comes from (origin: auditkit or instrument)"
            )
    figures = {m.group(0).lower() for m in FIGURE.finditer(rule.remedy)}
    declared = {t.figure.lower() for t in rule.thresholds}
    for figure in sorted(figures - declared):
        out.append(
            f"the remedy uses the figure '{figure}' but no threshold says where it comes from "
            "(origin: auditkit or instrument)"
        )
    for t in rule.thresholds:
        in_periods = t.value is not None and bool({t.value, t.value * 24} & periods)
        if t.figure.lower() not in figures and t.value not in numbers and not in_periods:
            out.append(f"the threshold '{t.figure}' is used neither in the remedy nor in a condition")
    return out


def _period_hours(leaf: Leaf) -> int | None:
    """The period a leaf compares its fact with, in hours, when it compares with a period."""
    if leaf.op in (Operator.AT_MOST, Operator.AT_LEAST) and isinstance(leaf.limit, Duration):
        return leaf.bound
    return None


def _limit(leaf: Leaf) -> int | None:
    """The number a leaf compares its fact with, when it compares with a number (at_most, at_least)."""
    match leaf.op:
        case Operator.AT_MOST | Operator.AT_LEAST:
            return leaf.limit if isinstance(leaf.limit, int) else None
        case Operator.IS | Operator.IN | Operator.DISCLOSED:
            return None
        case _:
            assert_never(leaf.op)


def term_problems(framework: Framework, rule: Rule) -> list[str]:
    """Terms of art the rule's remedy uses that the framework's definitions clause does not define."""
    defined = {form.lower() for term in framework.definitions for form in (term.term, *term.forms)}
    return [
        f"the remedy uses the term '{term}', which the framework's definitions clause does not define"
        for term, pattern in TERMS_OF_ART.items()
        if term.lower() not in defined and re.search(pattern, rule.remedy, re.IGNORECASE)
    ]
