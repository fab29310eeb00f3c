"""What an audit with open facts promises about any audit with more of them answered (shared by property tests)."""

from __future__ import annotations

from typing import Any

# What each verdict leaves possible once every open fact is answered.
OUTCOMES = {
    "met": {"met"},
    "partially_met": {"partially_met"},
    "not_met": {"not_met"},
    "falls_short": {"partially_met", "not_met"},
    "not_applicable": {"not_applicable"},
    "insufficient_information": {"met", "partially_met", "not_met", "not_applicable"},
}
GRADES = ["A", "B", "C", "D", "F"]


def assert_within(narrow: Any, wide: Any) -> None:
    """Everything ``narrow`` (more facts) says is allowed by ``wide`` (fewer facts)."""
    if wide.score is None:
        assert narrow.score is None
    elif narrow.score is not None:
        assert wide.score.low <= narrow.score.low <= narrow.score.high <= wide.score.high
    if narrow.grade.low != "incomplete" and wide.grade.low != "incomplete":
        assert GRADES.index(wide.grade.high) <= GRADES.index(narrow.grade.high)
        assert GRADES.index(narrow.grade.low) <= GRADES.index(wide.grade.low)
    for n, w in zip(narrow.principles, wide.principles, strict=True):
        assert OUTCOMES[n.verdict.value] <= OUTCOMES[w.verdict.value], (n.id, w.verdict, n.verdict)
        if w.score is None:
            assert n.score is None
        elif n.score is not None:
            assert w.score.low <= n.score.low <= n.score.high <= w.score.high, (n.id, w.score, n.score)
    for n, w in zip(narrow.findings, wide.findings, strict=True):
        assert set(n.possible) <= set(w.possible), (n.rule, w.possible, n.possible)
