"""Compare two audits: before and after an amendment, or last year's description and this year's.

For each principle the verdict and score before and after; every rule whose
status changed, with the facts it reads whose values changed and the sources
of both values; what still caps the grade; and the facts added, removed or
changed. The two descriptions may be in different format versions and may
be audited against different versions of a rule set: the comparison says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditkit import summary
from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.deployment import Deployment
from auditkit.model.facts import Missing
from auditkit.model.result import AuditResult, Status
from auditkit.render.labels import status_label, verdict_label
from auditkit.rules.model import Framework

if TYPE_CHECKING:
    from auditkit.document import Block, Document

NOT_STATED = "not stated"


@dataclass(frozen=True)
class FactValue:
    """One fact as a description states it: its value in words and its sources."""

    display: str
    sources: tuple[str, ...] = ()
    known: bool = False  # an answer, rather than unknown, undisclosed or not stated
    stated: bool = False  # anything but 'not stated' and 'unknown'


@dataclass(frozen=True)
class FactChange:
    """A fact that was added, removed or changed between the two descriptions."""

    path: str
    label: str
    kind: str  # "added" | "removed" | "changed"
    before: FactValue
    after: FactValue


@dataclass(frozen=True)
class RuleChange:
    """A rule whose status changed, with the fact changes it reads."""

    rule: str
    title: str
    principle: str
    red_line: bool
    before: str  # status value, or "absent" when the rule is not in that rule set
    after: str
    facts: tuple[FactChange, ...]


@dataclass(frozen=True)
class PrincipleChange:
    """A principle's verdict and score, before and after (already worded for the reader)."""

    key: str
    title: str
    before_verdict: str
    after_verdict: str
    before_score: str
    after_score: str


@dataclass(frozen=True)
class Comparison:
    """Everything a comparison shows: both audits, and what changed between them."""

    before: AuditResult
    after: AuditResult
    principles: list[PrincipleChange]
    rules: list[RuleChange]
    caps: list[str]
    facts: list[FactChange]
    notes: list[str] = field(default_factory=list)

    @property
    def grade_line(self) -> str:
        """The grade and score, before -> after, in one line."""
        b, a = self.before, self.after
        return (
            f"grade {summary.grade_text(b)} -> {summary.grade_text(a)}, score {summary.score_text(b)} -> "
            f"{summary.score_text(a)}"
        )


def fact_value(deployment: Deployment, path: str) -> FactValue:
    """The fact at ``path`` as the comparison shows it: worded, with its sources, and whether it is known."""
    fact = get_fact(deployment, path)
    if fact is None:
        return FactValue(NOT_STATED)
    statement = fact.side(None) or fact  # a fact stating law and practice compares on its practice
    value, sources = statement.value, tuple(statement.source_ids)
    if value is Missing.UNKNOWN:
        return FactValue("unknown", sources)
    if value is Missing.UNDISCLOSED:
        return FactValue("undisclosed (kept secret by the operator)", sources, stated=True)
    return FactValue(catalogue()[path].state(statement), sources, known=True, stated=True)


def fact_changes(before: Deployment, after: Deployment) -> list[FactChange]:
    """Facts added (not stated or unknown before), removed (the reverse) or changed, in the format's order."""
    out = []
    for path, info in catalogue().items():
        old, new = fact_value(before, path), fact_value(after, path)
        if old.display == new.display:
            continue
        if not old.stated and new.stated:
            kind = "added"
        elif old.stated and not new.stated:
            kind = "removed"
        else:
            kind = "changed"
        out.append(FactChange(path=path, label=info.label, kind=kind, before=old, after=new))
    return out


def _rule_facts(frameworks: list[Framework]) -> dict[str, tuple[str, ...]]:
    return {rule.id: rule.facts for fw in frameworks for rule in fw.rules}


def _ruleset(frameworks: list[Framework]) -> str:
    return ", ".join(f"{f.id} {f.version}" for f in frameworks)


def compare(
    before: AuditResult,
    after: AuditResult,
    before_deployment: Deployment,
    after_deployment: Deployment,
    before_frameworks: list[Framework],
    after_frameworks: list[Framework],
) -> Comparison:
    """The comparison of two audits, from their results, descriptions and rule sets."""
    notes = []
    if before_deployment.format_version != after_deployment.format_version:
        notes.append(
            f"The two descriptions are in different format versions ({before_deployment.format_version} "
            f"and {after_deployment.format_version}); facts are compared by their meaning."
        )
    old_rules, new_rules = _rule_facts(before_frameworks), _rule_facts(after_frameworks)
    if _ruleset(before_frameworks) != _ruleset(after_frameworks) or set(old_rules) != set(new_rules):
        only_old, only_new = sorted(set(old_rules) - set(new_rules)), sorted(set(new_rules) - set(old_rules))
        text = f"The rule sets differ: before {_ruleset(before_frameworks)}, after {_ruleset(after_frameworks)}."
        if only_old:
            text += f" Only before: {', '.join(only_old)}."
        if only_new:
            text += f" Only after: {', '.join(only_new)}."
        notes.append(text + " A change in a status may come from the rules rather than the facts.")
    facts = fact_changes(before_deployment, after_deployment)
    by_path = {c.path: c for c in facts}
    old_findings = {f.rule: f for f in before.findings}
    new_findings = {f.rule: f for f in after.findings}
    rules = []
    for rule_id in [*new_findings, *(r for r in old_findings if r not in new_findings)]:
        old, new = old_findings.get(rule_id), new_findings.get(rule_id)
        old_status = old.status.value if old else "absent"
        new_status = new.status.value if new else "absent"
        if old_status == new_status:
            continue
        paths = dict.fromkeys([*old_rules.get(rule_id, ()), *new_rules.get(rule_id, ())])
        shown = new or old
        assert shown is not None
        rules.append(
            RuleChange(
                rule=rule_id,
                title=shown.title,
                principle=shown.principle,
                red_line=shown.red_line,
                before=old_status,
                after=new_status,
                facts=tuple(by_path[p] for p in paths if p in by_path),
            )
        )
    return Comparison(
        before=before,
        after=after,
        principles=_principles(before, after),
        rules=rules,
        caps=caps(before, after),
        facts=facts,
        notes=notes,
    )


def _principles(before: AuditResult, after: AuditResult) -> list[PrincipleChange]:
    old = {(p.framework, p.id): p for p in before.principles}
    new = {(p.framework, p.id): p for p in after.principles}
    several = len({k[0] for k in [*old, *new]}) > 1
    out = []
    for key in [*new, *(k for k in old if k not in new)]:
        o, n = old.get(key), new.get(key)
        shown = n or o
        assert shown is not None
        out.append(
            PrincipleChange(
                key=summary.principle_key(shown, several),
                title=shown.title,
                before_verdict=verdict_label(o.verdict) if o else "absent",
                after_verdict=verdict_label(n.verdict) if n else "absent",
                before_score=summary.principle_score_text(o) if o else "-",
                after_score=summary.principle_score_text(n) if n else "-",
            )
        )
    return out


def caps(before: AuditResult, after: AuditResult) -> list[str]:
    """Sentences on the red lines: still crossed, newly crossed, no longer crossed; and whether one caps the grade."""
    old, new = set(before.red_lines_crossed), set(after.red_lines_crossed)
    out = [f"red line {r} still crossed" for r in after.red_lines_crossed if r in old]
    out += [f"red line {r} newly crossed" for r in after.red_lines_crossed if r not in old]
    out += [f"red line {r} no longer crossed" for r in before.red_lines_crossed if r not in new]
    if after.grade_capped:
        out.append(
            f"the grade after is capped at {summary.grade_text(after)} by the red line{'s' if len(new) > 1 else ''} "
            f"crossed, whatever the score"
        )
    elif before.grade_capped:
        out.append("the grade after is no longer capped by a red line")
    return out


# --- the comparison as plain data, for every renderer ----------------------------------------------------


def _status(value: str) -> str:
    return "not in this rule set" if value == "absent" else status_label(Status(value))


def _sources(value: FactValue) -> str:
    return ", ".join(value.sources)


def view(c: Comparison) -> dict[str, Any]:
    """Everything the comparison says, as plain data (JSON and every document format use it)."""
    b, a = c.before, c.after
    return {
        "before": {
            "file": b.input_file,
            "name": b.deployment.name,
            "grade": summary.grade_text(b),
            "score": summary.score_text(b),
            "red_lines": list(b.red_lines_crossed),
            "frameworks": [f"{f.id} {f.version}" for f in b.frameworks],
        },
        "after": {
            "file": a.input_file,
            "name": a.deployment.name,
            "grade": summary.grade_text(a),
            "score": summary.score_text(a),
            "red_lines": list(a.red_lines_crossed),
            "frameworks": [f"{f.id} {f.version}" for f in a.frameworks],
        },
        "notes": c.notes,
        "caps": c.caps,
        "principles": [vars(p) for p in c.principles],
        "rules": [
            {
                "rule": r.rule,
                "title": r.title,
                "principle": r.principle,
                "red_line": r.red_line,
                "before": r.before,
                "after": r.after,
                "before_label": _status(r.before),
                "after_label": _status(r.after),
                "facts": [_fact(f) for f in r.facts],
            }
            for r in c.rules
        ],
        "facts": {kind: [_fact(f) for f in c.facts if f.kind == kind] for kind in ("added", "removed", "changed")},
    }


def _fact(f: FactChange) -> dict[str, Any]:
    return {
        "path": f.path,
        "label": f.label,
        "kind": f.kind,
        "before": f.before.display,
        "before_sources": list(f.before.sources),
        "after": f.after.display,
        "after_sources": list(f.after.sources),
    }


def document(c: Comparison) -> Document:
    """The comparison as a Document (text, Markdown, HTML, PDF), read from the typed comparison."""
    from auditkit.document import Bullets, Document, Heading, Para, Table

    b, a = c.before, c.after
    blocks: list[Block] = [
        Para(
            f"Before: {b.deployment.name} ({b.input_file}), grade {summary.grade_text(b)}, "
            f"score {summary.score_text(b)}. "
            f"After: {a.deployment.name} ({a.input_file}), grade {summary.grade_text(a)}, "
            f"score {summary.score_text(a)}."
        )
    ]
    blocks += [Para(note, strong="Note.") for note in c.notes]
    if c.caps:
        blocks += [Heading("What caps the grade"), Bullets(tuple(s[:1].upper() + s[1:] + "." for s in c.caps))]
    blocks += [
        Heading("Principles"),
        Table(
            ("Principle", "Verdict before", "Verdict after", "Score before", "Score after"),
            tuple(
                (f"{p.key} {p.title}", p.before_verdict, p.after_verdict, p.before_score, p.after_score)
                for p in c.principles
            ),
        ),
    ]
    blocks.append(Heading(f"Rules whose status changed ({len(c.rules)})"))
    if not c.rules:
        blocks.append(Para("No rule changed status."))
    for r in c.rules:
        red = ", red line" if r.red_line else ""
        blocks.append(Para(f"{r.title}{red}: {_status(r.before)} -> {_status(r.after)}.", strong=r.rule))
        if r.facts:
            blocks.append(Bullets(tuple(_fact_words(f) for f in r.facts)))
        else:
            blocks.append(Para("None of the facts it reads changed: the rule itself differs between the rule sets."))
    for kind, title in (("added", "Facts added"), ("removed", "Facts removed"), ("changed", "Facts changed")):
        facts = [f for f in c.facts if f.kind == kind]
        blocks.append(Heading(f"{title} ({len(facts)})"))
        blocks.append(Bullets(tuple(_fact_words(f) for f in facts)) if facts else Para("None."))
    return Document(
        title=f"Comparison: {b.deployment.name}",
        blocks=blocks,
        date=a.deployment.audit_date or b.deployment.audit_date,
        subject=f"What changes between {b.input_file} and {a.input_file}",
    )


def _fact_words(f: FactChange) -> str:
    """One changed fact in words: its label and path, then each side's value and sources."""

    def side(value: FactValue) -> str:
        return value.display + (f" [{_sources(value)}]" if value.sources else "")

    return f"{f.label[:1].upper()}{f.label[1:]} ({f.path}): {side(f.before)} -> {side(f.after)}"
