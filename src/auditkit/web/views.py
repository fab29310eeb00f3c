"""What the pages show, as plain data: the verdict panel from an audit result, problems by field.

Both only rearrange what ``engine.audit`` and ``validate_document`` returned;
verdicts, scores and messages are theirs, word for word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from auditkit.errors import Problem
from auditkit.model.catalog import catalogue
from auditkit.model.result import AuditResult, Status
from auditkit.render.labels import grade_sentence, grade_text, score_text, status_label, verdict_label
from auditkit.web.questions import anchor


def fact_link(doc_id: str, path: str) -> dict[str, str]:
    """A link to the question that states the fact at ``path``."""
    info = catalogue().get(path)
    if info is None:
        return {"href": "", "label": path, "path": path}
    return {"href": f"/d/{doc_id}/s/{info.section}#{anchor(path)}", "label": info.label, "path": path}


DASH = "\u2013"


def panel(doc_id: str, result: AuditResult) -> dict[str, Any]:
    """The live verdict panel: every principle's verdict and score range, what decided it, what would settle it.

    The order of 'what would settle it' is the audit's own (``to_settle``: the facts that narrow the range
    most first); the panel only links each fact to its question.
    """
    principles = []
    for p in result.principles:
        findings = [f for f in result.findings if f.principle == p.id and f.framework == p.framework]
        rows = []
        for f in findings:
            deciding = [fact_link(doc_id, u.path) for u in f.facts] or [fact_link(doc_id, m) for m in f.missing]
            rows.append(
                {
                    "rule": f.rule,
                    "title": f.title,
                    "status": f.status.value,
                    "status_label": status_label(f.status),
                    "red_line": f.red_line,
                    "decided": f.status is not Status.UNKNOWN,
                    "facts": deciding,
                    "href": deciding[0]["href"] if deciding else "",
                }
            )
        settle = [{**fact_link(doc_id, s.fact), "changes_verdict": s.changes_verdict} for s in p.to_settle]
        principles.append(
            {
                "id": p.id,
                "title": p.title,
                "verdict": p.verdict.value,
                "verdict_label": verdict_label(p.verdict),
                "reason": p.verdict_reason,
                "score": score_text(p.score, DASH),
                "open": p.score is not None and p.score.low != p.score.high,
                "coverage": f"{p.coverage * 100:.0f}%",
                "findings": rows,
                "settle": settle,
            }
        )
    grade = grade_text(result, DASH)
    note = grade_sentence(result, DASH)[len(grade) :].strip(" ,()")  # what qualifies it, in the report's words
    return {
        "grade": grade,
        "grade_note": note,
        "score": score_text(result.score, DASH),
        "red_lines": list(result.red_lines_crossed),
        "principles": principles,
        "gaps": len(result.information_gaps),
    }


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
