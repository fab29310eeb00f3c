"""The headline gaps: the one list every format shows at the top of a report.

Computed once here and rendered as it is by the text, Markdown, HTML and PDF
reports (and so by every report a batch writes), so that they cannot disagree
about which gaps lead or how many there are: first every red line crossed,
then the next most serious gaps (not met before partly met, then by severity
and weight), at most ``LIMIT`` of them, with the count of all.
"""

from __future__ import annotations

from dataclasses import dataclass

from auditkit.model.result import AuditResult, Finding
from auditkit.render.labels import status_label, weight_flag, worst_gaps

LIMIT = 6
RED_LINES_TITLE = "Red lines crossed"
NO_RED_LINE = "None of the red-line rules is shown to be broken."
NO_GAP = "No rule is shown to be unmet on established facts."
ATTRIBUTED_NOTE = "These rest on facts that are reported or alleged, not established; each says whose account it is."


@dataclass(frozen=True)
class Gap:
    """One headline gap: a finding not met or partly met."""

    finding: Finding

    @property
    def rule(self) -> str:
        """The rule id of the gap's finding ('P3-01')."""
        return self.finding.rule

    @property
    def tags(self) -> str:
        """'Not met, critical, red line': the status, the severity, and whether it is a red line or decisive."""
        f = self.finding
        weak = f", {f.standing}" if not established(f) else ""
        return (
            f"{status_label(f.status)}, {f.severity}"
            + (f", {flag}" if (flag := weight_flag(f.red_line, f.decisive)) else "")
            + weak
        )


@dataclass(frozen=True)
class Headline:
    """Red lines crossed, other gaps (at most ``LIMIT`` of ``others_total``), then those on weaker facts."""

    red_lines: tuple[Gap, ...]
    others: tuple[Gap, ...]
    others_total: int
    attributed: tuple[Gap, ...] = ()
    attributed_total: int = 0

    @property
    def others_title(self) -> str:
        """'Other serious gaps (6 of 22)' after red lines, 'Most serious gaps' when there are none."""
        title = ("Other serious gaps" if self.red_lines else "Most serious gaps") + " on established facts"
        return title + (f" ({len(self.others)} of {self.others_total})" if self.others_total > len(self.others) else "")

    @property
    def attributed_title(self) -> str:
        """The gaps that rest on reported or alleged facts, listed apart from the established ones."""
        title = "Gaps resting on reported or alleged facts"
        return title + (
            f" ({len(self.attributed)} of {self.attributed_total})"
            if self.attributed_total > len(self.attributed)
            else ""
        )

    @property
    def rules(self) -> list[str]:
        """The rule ids in the order every format lists them."""
        return [g.rule for g in (*self.red_lines, *self.others, *self.attributed)]


def headline(result: AuditResult, limit: int = LIMIT) -> Headline:
    """The red lines crossed, then the next most serious gaps of an audit."""
    by_rule = {f.rule: f for f in result.findings}
    crossed = [by_rule[r] for r in result.red_lines_crossed if r in by_rule]
    rest = [f for f in worst_gaps(result.findings) if f.rule not in set(result.red_lines_crossed)]
    sure = [f for f in rest if established(f)]
    weak = [f for f in rest if not established(f)]
    # One page holds both lists: attributed sentences are longer, so together they show two gaps fewer.
    shown = sure[:limit]
    return Headline(
        red_lines=tuple(map(Gap, crossed)),
        others=tuple(map(Gap, shown)),
        others_total=len(sure),
        attributed=tuple(map(Gap, weak[: max(0, limit - 2 - len(shown))])),
        attributed_total=len(weak),
    )


def established(finding: Finding) -> bool:
    """True when a finding rests on established facts (or on the operator's own secrecy), not on reports."""
    return finding.standing in (None, "established")
