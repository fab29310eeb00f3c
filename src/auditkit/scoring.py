"""Scores, verdicts and grades, from rule statuses. The method, in short:

- A rule that is met earns its full weight, a partial one half, a rule not
  met nothing. Unknown and not-applicable rules are left out of the sum.
- A principle's score is the weight earned over the weight decided, 0-100.
  Its coverage is the weight decided over the weight of applicable rules.
- Verdict: not_applicable when every rule is; insufficient_information when
  coverage is below ``min_coverage``; not_met when a red-line rule of the
  principle is not met; otherwise met, partially_met or not_met by the
  ``met_at`` and ``partially_met_at`` thresholds.
- The overall score is the plain mean of the principles that have a score,
  so each principle counts the same. The grade follows the ``grades``
  thresholds; a crossed red line caps it at ``red_line_grade``.

Each framework sets its own thresholds; those used in an audit are listed
beside this text in its report.
"""

from __future__ import annotations

from typing import Any

from auditkit.model.result import Status, Verdict

POINTS = {Status.MET: 1.0, Status.PARTIAL: 0.5, Status.NOT_MET: 0.0}


def principle_score(statuses: list[tuple[Status, int, bool]], scoring: dict[str, Any]
                    ) -> tuple[float | None, Verdict, float]:
    """(score, verdict, coverage) for one principle from (status, weight, red_line) triples."""
    applicable = [(s, w, r) for s, w, r in statuses if s is not Status.NOT_APPLICABLE]
    if not applicable:
        return None, Verdict.NOT_APPLICABLE, 0.0
    decided = [(s, w) for s, w, _ in applicable if s in POINTS]
    total = sum(w for _, w, _ in applicable)
    decided_weight = sum(w for _, w in decided)
    coverage = round(decided_weight / total, 4)
    score = round(100 * sum(POINTS[s] * w for s, w in decided) / decided_weight, 1) if decided else None
    if any(s is Status.NOT_MET and red for s, _, red in applicable):
        return score, Verdict.NOT_MET, coverage
    if score is None or coverage < scoring["min_coverage"]:
        return score, Verdict.INSUFFICIENT_INFORMATION, coverage
    if score >= scoring["met_at"]:
        return score, Verdict.MET, coverage
    if score >= scoring["partially_met_at"]:
        return score, Verdict.PARTIALLY_MET, coverage
    return score, Verdict.NOT_MET, coverage


def overall(scores: list[float | None], red_line_crossed: bool, scoring: dict[str, Any]
            ) -> tuple[float | None, str, bool]:
    """(score, grade, capped) for the whole audit."""
    known = [s for s in scores if s is not None]
    if not known:
        return None, "incomplete", False
    score = round(sum(known) / len(known), 1)
    grade = grade_for(score, scoring["grades"])
    if red_line_crossed:
        cap = scoring["red_line_grade"]
        order = [*scoring["grades"], "F"]
        if cap in order and order.index(grade) < order.index(cap):
            return score, cap, True
    return score, grade, False


def grade_for(score: float, grades: dict[str, float]) -> str:
    """The first grade (best first) whose threshold the score reaches, else F."""
    for grade, threshold in grades.items():
        if score >= threshold:
            return grade
    return "F"
