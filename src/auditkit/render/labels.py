"""Words (and colours) for statuses and verdicts, shared by every renderer."""

from __future__ import annotations

from typing import assert_never

from auditkit.model.result import Finding, Status, Verdict


def status_label(status: Status) -> str:
    if status is Status.MET:
        return "Met"
    if status is Status.PARTIAL:
        return "Partly met"
    if status is Status.NOT_MET:
        return "Not met"
    if status is Status.UNKNOWN:
        return "Unknown"
    if status is Status.NOT_APPLICABLE:
        return "Not applicable"
    assert_never(status)


def verdict_label(verdict: Verdict) -> str:
    if verdict is Verdict.MET:
        return "Met"
    if verdict is Verdict.PARTIALLY_MET:
        return "Partially met"
    if verdict is Verdict.NOT_MET:
        return "Not met"
    if verdict is Verdict.INSUFFICIENT_INFORMATION:
        return "Insufficient information"
    if verdict is Verdict.NOT_APPLICABLE:
        return "Not applicable"
    assert_never(verdict)


def verdict_colour(verdict: Verdict) -> str:
    """A CSS colour for a verdict (also used for the SVG chart)."""
    if verdict is Verdict.MET:
        return "#1b7837"
    if verdict is Verdict.PARTIALLY_MET:
        return "#b8860b"
    if verdict is Verdict.NOT_MET:
        return "#b2182b"
    if verdict is Verdict.INSUFFICIENT_INFORMATION:
        return "#6a6a6a"
    if verdict is Verdict.NOT_APPLICABLE:
        return "#9e9e9e"
    assert_never(verdict)


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def worst_gaps(findings: list[Finding], limit: int | None = None) -> list[Finding]:
    """Findings not met or partly met, red lines first, then by severity and weight."""
    gaps = [f for f in findings if f.status in (Status.NOT_MET, Status.PARTIAL)]
    gaps.sort(key=lambda f: (not f.red_line, f.status is Status.PARTIAL, SEVERITY_ORDER.get(f.severity, 9),
                             -f.weight, f.rule))
    return gaps if limit is None else gaps[:limit]
