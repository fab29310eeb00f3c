"""What the pages show, as plain data: the verdict panel from an audit result, problems by field.

Both only rearrange what ``engine.audit`` and ``validate_document`` returned;
verdicts, scores and messages are theirs, word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditkit.errors import Problem
from auditkit.model.catalog import catalogue
from auditkit.model.result import AuditResult, Finding, Status
from auditkit.render.labels import grade_sentence, grade_text, score_text, status_label, verdict_label
from auditkit.web.questions import anchor


@dataclass(frozen=True)
class FactLink:
    """A fact named in the panel, linked to the question that states it (no link for a fact no question asks)."""

    href: str
    label: str
    path: str


def fact_link(doc_id: str, path: str) -> FactLink:
    """A link to the question that states the fact at ``path``."""
    info = catalogue().get(path)
    if info is None:
        return FactLink(href="", label=path, path=path)
    return FactLink(href=f"/d/{doc_id}/s/{info.section}#{anchor(path)}", label=info.label, path=path)


@dataclass(frozen=True)
class SettleLink:
    """An unknown fact that would narrow a principle's score range, and whether it could change the verdict."""

    href: str
    label: str
    changes_verdict: bool


def _settle(doc_id: str, path: str, changes_verdict: bool) -> SettleLink:
    link = fact_link(doc_id, path)
    return SettleLink(href=link.href, label=link.label, changes_verdict=changes_verdict)


@dataclass(frozen=True, kw_only=True)
class PanelFinding:
    """A rule's line in the panel: its status, and the facts that decided it (or that it still needs)."""

    rule: str
    title: str
    status: str
    status_label: str
    red_line: bool
    decided: bool
    facts: tuple[FactLink, ...]
    href: str  # the question of its first fact


@dataclass(frozen=True, kw_only=True)
class PanelPrinciple:
    """A principle's row in the panel: verdict and score, why, what would settle it, and its rules."""

    id: str
    title: str
    verdict: str
    verdict_label: str
    reason: str
    score_phrase: str  # 'score 31–96', or 'no score'
    settle: tuple[SettleLink, ...]
    findings: tuple[PanelFinding, ...]


@dataclass(frozen=True, kw_only=True)
class Panel:
    """The live verdict panel of a description's pages."""

    grade: str
    grade_note: str  # what qualifies the grade, in the report's words ('' when nothing does)
    score: str
    scored: bool
    principles: tuple[PanelPrinciple, ...]


DASH = "\u2013"


def _finding(doc_id: str, f: Finding) -> PanelFinding:
    deciding = tuple(fact_link(doc_id, u.path) for u in f.facts) or tuple(fact_link(doc_id, m) for m in f.missing)
    return PanelFinding(
        rule=f.rule,
        title=f.title,
        status=f.status.value,
        status_label=status_label(f.status),
        red_line=f.red_line,
        decided=f.status is not Status.UNKNOWN,
        facts=deciding,
        href=deciding[0].href if deciding else "",
    )


def panel(doc_id: str, result: AuditResult) -> Panel:
    """The live verdict panel: every principle's verdict and score range, what decided it, what would settle it.

    The order of 'what would settle it' is the audit's own (``to_settle``: the facts that narrow the range
    most first); the panel only links each fact to its question.
    """
    principles = []
    for p in result.principles:
        findings = [f for f in result.findings if f.principle == p.id and f.framework == p.framework]
        score = score_text(p.score, DASH)
        principles.append(
            PanelPrinciple(
                id=p.id,
                title=p.title,
                verdict=p.verdict.value,
                verdict_label=verdict_label(p.verdict),
                reason=p.verdict_reason,
                score_phrase=f"score {score}" if p.score is not None else score,
                settle=tuple(_settle(doc_id, s.fact, s.changes_verdict) for s in p.to_settle),
                findings=tuple(_finding(doc_id, f) for f in findings),
            )
        )
    grade = grade_text(result, DASH)
    note = grade_sentence(result, DASH)[len(grade) :].strip(" ,()")  # what qualifies it, in the report's words
    return Panel(
        grade=grade,
        grade_note=note,
        score=score_text(result.score, DASH),
        scored=result.score is not None,
        principles=tuple(principles),
    )


_INDEX = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class Placed:
    """Problems sorted by where a page shows them."""

    facts: dict[str, list[str]]  # fact path -> messages
    about: dict[str, list[str]]  # deployment field -> messages
    sources: dict[int, dict[str, list[str]]]  # source position (0-based) -> field ('' for the whole) -> messages
    other: list[str]  # everything else, shown in full (file:line: field: message)

    def count(self) -> int:
        """How many problems, in all places."""
        return (
            sum(map(len, self.facts.values()))
            + sum(map(len, self.about.values()))
            + sum(len(m) for s in self.sources.values() for m in s.values())
            + len(self.other)
        )

    def sections(self) -> dict[str, int]:
        """How many problems each section page holds (for the navigation)."""
        out: dict[str, int] = {}
        for path, messages in self.facts.items():
            key = path.split(".", 1)[0]
            out[key] = out.get(key, 0) + len(messages)
        return out


def place(problems: tuple[Problem, ...] | list[Problem]) -> Placed:
    """Each problem beside the field it is about (by its field path), or in a general list."""
    facts: dict[str, list[str]] = {}
    about: dict[str, list[str]] = {}
    sources: dict[int, dict[str, list[str]]] = {}
    other: list[str] = []
    known = catalogue()
    for problem in problems:
        parts = problem.path.split(".")
        if len(parts) >= 2 and f"{parts[0]}.{_INDEX.sub('', parts[1])}" in known:
            facts.setdefault(f"{parts[0]}.{_INDEX.sub('', parts[1])}", []).append(problem.message)
        elif parts[0] == "deployment" and len(parts) == 2:
            about.setdefault(parts[1], []).append(problem.message)
        elif (match := re.fullmatch(r"sources\[(\d+)\](?:\.(\w+))?", problem.path)) is not None:
            sources.setdefault(int(match[1]) - 1, {}).setdefault(match[2] or "", []).append(problem.message)
        else:
            other.append(str(problem))
    return Placed(facts=facts, about=about, sources=sources, other=other)
