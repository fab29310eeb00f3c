"""Small accessors over an AuditResult that the batch, compare and plan outputs share.

They are the one place those outputs read a score, a grade or a verdict, so
that a change in how the result carries them (a score with bounds, a grade
range) is absorbed here rather than in every table.
"""

from __future__ import annotations

from typing import Any

from auditkit.model.result import AuditResult, PrincipleResult, Status, Verdict
from auditkit.model.result import principle_key as key
from auditkit.render.labels import number

GRADE_ORDER = ("A", "B", "C", "D", "E", "F", "incomplete")
# Best first: insufficient information could still be met; falls short cannot, but could be partly met.
VERDICT_RANK = {
    Verdict.MET: 0,
    Verdict.PARTIALLY_MET: 1,
    Verdict.INSUFFICIENT_INFORMATION: 2,
    Verdict.FALLS_SHORT: 3,
    Verdict.NOT_MET: 4,
    Verdict.NOT_APPLICABLE: 5,
}
SHORT_VERDICT = {
    Verdict.MET: "met",
    Verdict.PARTIALLY_MET: "part",
    Verdict.NOT_MET: "NOT",
    Verdict.FALLS_SHORT: "short",
    Verdict.INSUFFICIENT_INFORMATION: "?",
    Verdict.NOT_APPLICABLE: "n/a",
}


def _bounds(value: Any) -> tuple[float | None, float | None]:
    """(low, high) of a score that is a number, None, or an object/dict with low and high."""
    if value is None or isinstance(value, int | float):
        return value, value
    if isinstance(value, dict):
        return value.get("low"), value.get("high")
    return getattr(value, "low", None), getattr(value, "high", None)


def score_bounds(result: AuditResult) -> tuple[float | None, float | None]:
    """The overall score as (low, high); equal when the result carries one number."""
    return _bounds(result.score)


def principle_bounds(principle: PrincipleResult) -> tuple[float | None, float | None]:
    """A principle's score as (low, high); equal when it is one number, both None without a score."""
    return _bounds(principle.score)


def bounds_text(low: float | None, high: float | None) -> str:
    """'36', '36-64.5', or '-' when there is no score (a range is never shown as one number)."""
    if low is None and high is None:
        return "-"
    if low is None or high is None or low == high:
        return number(low if low is not None else high or 0.0)
    return f"{number(low)}-{number(high)}"


def score_text(result: AuditResult) -> str:
    """The overall score as a table cell: '36', '36-64.5' or '-'."""
    return bounds_text(*score_bounds(result))


def principle_score_text(principle: PrincipleResult) -> str:
    """A principle's score as a table cell: '36', '36-64.5' or '-'."""
    return bounds_text(*principle_bounds(principle))


def grades(result: AuditResult) -> tuple[str, str]:
    """(worst, best) grade the audit can have: equal when the facts settle it."""
    return result.grade.low, result.grade.high


def grade_text(result: AuditResult) -> str:
    """'F', or 'C-F' when the grade is a range (best first)."""
    low, high = grades(result)
    return low if low == high else f"{high}-{low}"


def grade_rank(grade: str) -> int:
    """0 for A (best) upwards; unknown grades sort last."""
    return GRADE_ORDER.index(grade) if grade in GRADE_ORDER else len(GRADE_ORDER)


def coverage(result: AuditResult) -> float:
    """Share (0-1) of the applicable rule weight the facts could decide, over the whole audit."""
    applicable = [f for f in result.findings if f.status is not Status.NOT_APPLICABLE]
    total = sum(f.weight for f in applicable)
    decided = sum(f.weight for f in applicable if f.status is not Status.UNKNOWN)
    return decided / total if total else 0.0


def red_lines(result: AuditResult) -> list[str]:
    """The rule ids of the red lines the audit finds crossed."""
    return list(result.red_lines_crossed)


def principle_key(principle: PrincipleResult, several_frameworks: bool) -> str:
    """A principle's column name: its id, prefixed by its framework when several frameworks are audited."""
    return key(principle.framework, principle.id, several=several_frameworks)
