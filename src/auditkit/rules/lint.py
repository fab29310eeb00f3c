"""Checks on a framework beyond its schema: the rule-set lint.

Loading already guarantees that every file matches the schema, that ids are
unique, that principles exist and that every fact a rule reads is in the
deployment format. This adds what only running the rules can show: each
rule carries a case that meets it and one that breaks it, and every case
gives the status it promises (and, when unknown, names the missing facts).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from auditkit.engine import decide
from auditkit.model.catalog import catalogue
from auditkit.model.deployment import Deployment
from auditkit.rules.loader import Framework, Rule

CASE_SOURCE = "rule-case"


def case_deployment(facts: dict[str, Any]) -> Deployment:
    """A minimal Deployment holding the given facts (path -> value), each citing one dummy source."""
    doc: dict[str, Any] = {"format_version": 2, "deployment": {"name": "rule case"},
                           "sources": [{"id": CASE_SOURCE, "kind": "official_record", "publisher": "auditkit",
                                        "title": "rule case", "date": "2020"}]}
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


def check_case(rule: Rule, case: dict[str, Any]) -> str | None:
    """None when the case gives its expected status (and missing facts), else what went wrong."""
    try:
        deployment = case_deployment(case["facts"])
    except ValidationError as exc:
        return f"case '{case['name']}' has facts the deployment format refuses: {exc.errors()[0]['msg']}"
    status, outcome = decide(rule, deployment, None)
    if status.value != case["expect"]:
        return f"case '{case['name']}' expects {case['expect']} but gives {status.value}"
    if "missing" in case and sorted(outcome.missing) != sorted(case["missing"]):
        return (f"case '{case['name']}' expects missing {sorted(case['missing'])} "
                f"but the rule reports {sorted(outcome.missing)}")
    return None


def lint(framework: Framework) -> list[str]:
    """Every lint failure of a framework, as 'file: rule: message' lines."""
    out = []
    known = catalogue()
    for rule in framework.rules:
        expects = {case["expect"] for case in rule.cases}
        if "met" not in expects:
            out.append(f"{rule.file}: {rule.id}: no case that meets the rule (expect: met)")
        if not expects & {"not_met", "partial"}:
            out.append(f"{rule.file}: {rule.id}: no case that breaks the rule (expect: not_met)")
        if not rule.remedy.strip():
            out.append(f"{rule.file}: {rule.id}: no remedy")
        for path in rule.facts:
            if path not in known:
                out.append(f"{rule.file}: {rule.id}: reads unknown fact {path}")
        for case in rule.cases:
            problem = check_case(rule, case)
            if problem:
                out.append(f"{rule.file}: {rule.id}: {problem}")
    return out
