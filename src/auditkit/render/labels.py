"""Words (and colours) for statuses and verdicts, shared by every renderer."""

from __future__ import annotations

from typing import assert_never

from auditkit.model.result import AuditResult, Finding, ScoreRange, Status, Verdict

RED_LINE = "red line"
DECISIVE = "decisive"
UNDETERMINED = "undetermined"


def weight_flag(red_line: bool, decisive: bool) -> str | None:
    """'red line' or 'decisive' when not meeting the rule fails its principle; None otherwise."""
    return RED_LINE if red_line else DECISIVE if decisive else None


def status_label(status: Status) -> str:
    """A rule's status as the reports print it ('Partly met')."""
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
    """A principle's verdict as the reports print it ('Falls short')."""
    if verdict is Verdict.MET:
        return "Met"
    if verdict is Verdict.PARTIALLY_MET:
        return "Partially met"
    if verdict is Verdict.NOT_MET:
        return "Not met"
    if verdict is Verdict.FALLS_SHORT:
        return "Falls short"
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
    if verdict is Verdict.FALLS_SHORT:
        return "#c2571a"
    if verdict is Verdict.INSUFFICIENT_INFORMATION:
        return "#6a6a6a"
    if verdict is Verdict.NOT_APPLICABLE:
        return "#9e9e9e"
    assert_never(verdict)


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def worst_gaps(findings: list[Finding], limit: int | None = None) -> list[Finding]:
    """Findings not met or partly met, red lines first, then by severity and weight."""
    gaps = [f for f in findings if f.status in (Status.NOT_MET, Status.PARTIAL)]
    gaps.sort(
        key=lambda f: (not f.red_line, f.status is Status.PARTIAL, SEVERITY_ORDER.get(f.severity, 9), -f.weight, f.rule)
    )
    return gaps if limit is None else gaps[:limit]


def number(value: float) -> str:
    """A score for print: '72', or '84.6' when the decimal matters (so that 84.6 never reads as 85)."""
    return f"{value:.1f}".removesuffix(".0")


def score_text(score: ScoreRange | None, dash: str = "-") -> str:
    """A score range for print: '72' when settled, '31-96' when not, 'no score' when nothing can be scored."""
    if score is None:
        return "no score"
    if score.low == score.high:
        return number(score.low)
    return f"{number(score.low)}{dash}{number(score.high)}"


def grade_text(result: AuditResult, dash: str = "-") -> str:
    """The grade, best end first: 'A', or 'B-F' when the unknown facts leave it open."""
    low, high = result.grade.low, result.grade.high
    return high if low == high else f"{high}{dash}{low}"


def undecided_text(result: AuditResult) -> str:
    """'52 of 60 rules undecided'."""
    total = sum(result.counts.values())
    return f"{result.counts.get('unknown', 0)} of {total} rules undecided"


def cap_text(result: AuditResult) -> str | None:
    """'capped at F: red line P3-01 crossed on reported facts [1][5]', when a red line is crossed; else None.

    The cap says as strongly as its facts, and no more strongly, why it applies: the standing of the facts
    that crossed each red line (the weakest among them) and their sources, numbered as in the report.
    """
    if not result.red_lines_crossed:
        return None
    cap = result.scoring.red_line_grade
    numbers = {s.id: s.number for s in result.sources}
    findings = {f.rule: f for f in result.findings}
    groups: dict[str, list[str]] = {}  # "on reported facts [1][5]" -> red lines crossed on them
    for rule in result.red_lines_crossed:
        finding = findings.get(rule)
        basis = ""
        if finding is not None and finding.standing:
            cited = sorted({numbers[s] for u in finding.facts if u.counted for s in u.sources if s in numbers})
            refs = "".join(f"[{n}]" for n in cited)
            basis = f" on {finding.standing} facts" + (f" {refs}" if refs else "")
        groups.setdefault(basis, []).append(rule)
    parts = [
        f"red line{'s' if len(rules) > 1 else ''} {', '.join(rules)} crossed{basis}" for basis, rules in groups.items()
    ]
    return f"capped at {cap}: {'; '.join(parts)}"


def open_red_lines_text(result: AuditResult) -> str | None:
    """'red lines P3-01, P4-02 could still be crossed', when the facts leave red lines open; else None."""
    lines = result.red_lines_open
    if not lines:
        return None
    return f"red line{'s' if len(lines) > 1 else ''} {', '.join(lines)} could still be crossed"


def grade_sentence(result: AuditResult, dash: str = "-") -> str:
    """The grade with what qualifies it.

    For example 'B-F, undetermined: 52 of 60 rules undecided', or 'F (capped at F: red line P3-01 crossed
    on reported facts [1][5])'.
    """
    out = grade_text(result, dash)
    grade_open = result.grade.low != result.grade.high
    notes = [f"{UNDETERMINED}: {undecided_text(result)}"] if grade_open else []
    qualifier = cap_text(result) or (open_red_lines_text(result) if grade_open else None)
    notes += [qualifier] if qualifier else []
    if not notes:
        return out
    if grade_open:
        return f"{out}, {'; '.join(notes)}"
    return f"{out} ({'; '.join(notes)})"
