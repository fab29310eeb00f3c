"""The amendments annex: every clause an audit (or a plan) proposes, in one document, definitions first.

Legislative staff draft in Word, so the annex is written as Markdown, HTML,
PDF and DOCX from one document model (auditkit.document). Its first clause
defines the terms the other clauses use: the rule set's own definitions
clause when it has one, otherwise a short clause naming the system and the
operator, marked as auditkit's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from auditkit.model.result import AuditResult, Finding, Status
from auditkit.render.labels import status_label
from auditkit.rules.model import Framework

if TYPE_CHECKING:
    from auditkit.document import Block, Document
    from auditkit.plan import Plan

PROPOSED = (Status.NOT_MET, Status.PARTIAL)


@dataclass(frozen=True)
class Clause:
    """One proposed clause: a rule's remedy, and why the annex proposes it."""

    rule: str
    title: str
    text: str
    red_line: bool
    group: Literal["plan", "proposed", "if_unknown"]  # a plan's step; not met or partly met; undecided
    why: str


def definitions(frameworks: list[Framework], result: AuditResult) -> tuple[str, list[tuple[str, str]], bool]:
    """(opening words, [(term, meaning)], from the rule set?) for the definitions clause."""
    for framework in frameworks:
        terms = getattr(framework, "definitions", ()) or ()
        opening = getattr(framework, "definitions_clause", None)
        if terms:
            return (opening or "In these clauses:"), [(t.term, t.means) for t in terms], True
    d = result.deployment
    system = d.name + (f" ({d.technology})" if d.technology else "")
    operator = d.operator or "the public body that runs the system, and any body acting on its behalf"
    return (
        "In these clauses:",
        [("the system", f"the programme audited here: {system}"), ("the operator", operator)],
        False,
    )


def clauses(result: AuditResult, plan: Plan | None = None) -> list[Clause]:
    """The clauses to propose: a plan's steps in order, or every rule the audit finds not met or partly met.

    Without a plan, red lines come first, then the rule set's order; the rules left undecided follow,
    in a group of their own.
    """
    by_rule = {f.rule: f for f in result.findings}
    if plan is not None:
        return [
            Clause(
                rule=s.rule,
                title=s.title,
                text=s.clause,
                red_line=s.red_line,
                group="plan",
                why=f"step {i} of the plan to reach {plan.target.describe()}; the audit finds it "
                f"{status_label(by_rule[s.rule].status).lower() if s.rule in by_rule else 'absent'}",
            )
            for i, s in enumerate(plan.steps, start=1)
        ]
    decided = [f for f in result.findings if f.status in PROPOSED and f.remedy]
    decided.sort(key=lambda f: not f.red_line)  # sort is stable: rule-set order within each group
    undecided = [f for f in result.findings if f.status is Status.UNKNOWN and f.remedy]
    return [_clause(f, "proposed") for f in decided] + [_clause(f, "if_unknown") for f in undecided]


def _clause(f: Finding, group: Literal["proposed", "if_unknown"]) -> Clause:
    """A finding's remedy as a clause of ``group``."""
    return Clause(
        rule=f.rule,
        title=f.title,
        text=f.remedy,
        red_line=f.red_line,
        group=group,
        why=f"the audit finds it {status_label(f.status).lower()}",
    )


def document(result: AuditResult, frameworks: list[Framework], plan: Plan | None = None) -> Document:
    """The annex: the definitions clause, then each proposed clause numbered, then the undecided ones."""
    from auditkit.document import Bullets, Document, Heading, Para

    name = result.deployment.name
    rule_set = "; ".join(f"{f.title} ({f.id}, version {f.version})" for f in result.frameworks)
    opening, terms, own = definitions(frameworks, result)
    items = clauses(result, plan)
    source = (
        f"the plan to reach {plan.target.describe()}"
        if plan is not None
        else f"the audit of {result.input_file} (SHA-256 {result.input_sha256[:12]})"
    )
    blocks: list[Block] = [
        Para(
            f"Proposed clauses for {name}, drawn from {source} against {rule_set}. Each clause is the remedy "
            "of a rule; the rule and the audit's finding are named after it. These are drafting proposals, "
            "not adopted text."
        ),
        Heading("Clause 1. Definitions"),
        Para(opening),
        Bullets(tuple(f"\u201c{term}\u201d means {means.rstrip('.')}." for term, means in terms)),
    ]
    if not own:
        blocks.append(
            Para(
                "The rule set defines no terms; this clause is auditkit's, to be adapted by the drafter.",
                strong="Note:",
            )
        )
    number = 1
    later = [c for c in items if c.group == "if_unknown"]
    for clause in (c for c in items if c.group != "if_unknown"):
        number += 1
        blocks += _clause_blocks(number, clause)
    if later:
        blocks += [
            Heading("Clauses to consider once the facts are known"),
            Para(
                "The audit could not decide these rules from the facts; propose each one should the "
                "facts show the rule is not met."
            ),
        ]
        for clause in later:
            number += 1
            blocks += _clause_blocks(number, clause)
    if number == 1:
        blocks.append(Para("The audit proposes no clause: every rule is met, not applicable or undecided."))
    return Document(
        title=f"Amendments annex: {name}",
        blocks=blocks,
        date=result.deployment.audit_date,
        subject=f"Proposed clauses for {name}",
    )


def _clause_blocks(number: int, clause: Clause) -> list[Block]:
    """A clause as its numbered heading, its text and where it comes from."""
    from auditkit.document import Heading, Para

    red = ", a red line" if clause.red_line else ""
    return [
        Heading(f"Clause {number}. {clause.title}"),
        Para(clause.text),
        Para(f"Proposed for rule {clause.rule}{red}: {clause.why}.", strong="Source:"),
    ]
