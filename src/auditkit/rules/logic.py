"""Verdict logic: a small closed condition tree evaluated in three-valued logic.

A condition is ``all``, ``any`` or ``not`` over conditions, or a leaf that
tests one fact. A leaf over a fact nobody could establish is *unknown*, and
unknown spreads only as far as it must: an ``any`` with one true branch is
true whatever the others are. Each result carries the facts that decided it
and, when undecided, exactly the facts whose absence left it open.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditkit.model.catalog import catalogue
from auditkit.model.facts import Amount, Duration, Missing, duration_of

# A fact lookup: (path, optional aspect 'law' or 'practice') -> value, a Missing marker, or None when left out.
Lookup = Callable[..., Any]


@dataclass(frozen=True)
class Outcome:
    """The value of a condition (True, False or None for unknown) and why."""

    value: bool | None
    used: frozenset[str] = frozenset()
    missing: frozenset[str] = frozenset()


def evaluate(cond: dict[str, Any], lookup: Lookup) -> Outcome:
    """Evaluate a condition tree against facts given by ``lookup``."""
    if "all" in cond:
        return _combine([evaluate(c, lookup) for c in cond["all"]], decisive=False)
    if "any" in cond:
        return _combine([evaluate(c, lookup) for c in cond["any"]], decisive=True)
    if "not" in cond:
        inner = evaluate(cond["not"], lookup)
        return Outcome(None if inner.value is None else not inner.value, inner.used, inner.missing)
    return _leaf(cond, lookup)


def _combine(parts: list[Outcome], *, decisive: bool) -> Outcome:
    """``all`` (decisive=False) or ``any`` (decisive=True) over evaluated parts."""
    deciding = [p for p in parts if p.value is decisive]
    if deciding:
        return Outcome(decisive, frozenset().union(*(p.used for p in deciding)))
    open_parts = [p for p in parts if p.value is None]
    used = frozenset().union(*(p.used for p in parts))
    if open_parts:
        return Outcome(None, used, frozenset().union(*(p.missing for p in open_parts)))
    return Outcome(not decisive, used)


def _leaf(cond: dict[str, Any], lookup: Lookup) -> Outcome:
    path = cond["fact"]
    value = lookup(path, cond["aspect"]) if "aspect" in cond else lookup(path)
    if "disclosed" in cond:
        if value is None or value in (Missing.UNKNOWN, Missing.NOT_APPLICABLE):
            return Outcome(None, missing=frozenset({path}))
        return Outcome(value is not Missing.UNDISCLOSED, used=frozenset({path}))
    if value is None or isinstance(value, Missing):
        return Outcome(None, missing=frozenset({path}))
    used = frozenset({path})
    if isinstance(value, Amount | Duration):
        decided = _bounded(cond, value)
        return Outcome(decided, used) if decided is not None else Outcome(None, used, frozenset({path}))
    if "is" in cond:
        return Outcome(value == cond["is"], used)
    if "in" in cond:
        return Outcome(value in cond["in"], used)
    if "at_most" in cond:
        return Outcome(value <= cond["at_most"], used)
    if "at_least" in cond:
        return Outcome(value >= cond["at_least"], used)
    raise ValueError(f"unknown condition {cond!r}")  # the schema makes this unreachable


def threshold(limit: Any) -> int:
    """A rule's threshold as a number: a count, or a period {days: N} / {hours: N} in hours."""
    if isinstance(limit, dict):
        found = duration_of(limit)
        assert found is not None and found.hours is not None  # the loader checked the form
        return found.hours
    return int(limit)


def _bounded(cond: dict[str, Any], value: Amount | Duration) -> bool | None:
    """A test on a number known within bounds (or a period): True, False, or None when the bounds straddle it."""
    if isinstance(value, Duration):
        low: float | None = value.hours if value.hours is not None else math.inf
        high: float | None = low
    else:
        low, high = value.low, value.high
    low = 0 if low is None else low
    high = math.inf if high is None else high
    if "at_most" in cond:
        t = threshold(cond["at_most"])
        return True if high <= t else False if low > t else None
    if "at_least" in cond:
        t = threshold(cond["at_least"])
        return True if low >= t else False if high < t else None
    targets = [cond["is"]] if "is" in cond else list(cond["in"])
    numbers = [t for t in targets if isinstance(t, int) and not isinstance(t, bool)]
    if low == high:
        return low in numbers
    return None if any(low <= t <= high for t in numbers) else False


def leaves(cond: dict[str, Any]) -> list[dict[str, Any]]:
    """Every leaf of a condition, in order."""
    if "all" in cond or "any" in cond:
        return [leaf for c in cond.get("all", cond.get("any", [])) for leaf in leaves(c)]
    if "not" in cond:
        return leaves(cond["not"])
    return [cond]


def facts_read(*conds: dict[str, Any] | None) -> tuple[str, ...]:
    """The fact paths the given conditions read, first-seen order, no repeats."""
    seen: dict[str, None] = {}
    for cond in conds:
        if cond is not None:
            for leaf in leaves(cond):
                seen.setdefault(leaf["fact"], None)
    return tuple(seen)


def leaf_words(leaf: dict[str, Any]) -> str:
    """One leaf in plain words, e.g. 'the retention period in days: 30 or less'."""
    info = catalogue()[leaf["fact"]]
    if "disclosed" in leaf:
        return f"{info.label}: made public (not kept secret)"
    side = f" ({leaf['aspect']} only)" if "aspect" in leaf else ""
    if "is" in leaf:
        return f"{info.label}{side}: {info.describe(leaf['is'])}"
    if "in" in leaf:
        return f"{info.label}{side}: {' or '.join(info.describe(v) for v in leaf['in'])}"
    key = "at_most" if "at_most" in leaf else "at_least"
    limit = leaf[key]
    period = duration_of(limit) if isinstance(limit, dict) else None
    shown = period.text() if period is not None else str(limit)
    return f"{info.label}{side}: {shown} or {'less' if key == 'at_most' else 'more'}"


def words(cond: dict[str, Any], indent: int = 0) -> list[str]:
    """A condition as indented plain-words lines."""
    pad = "  " * indent
    if "all" in cond or "any" in cond:
        key = "all" if "all" in cond else "any"
        children = cond[key]
        if len(children) == 1:
            return words(children[0], indent)
        head = "all of these:" if key == "all" else "at least one of these:"
        return [pad + head] + [line for c in children for line in words(c, indent + 1)]
    if "not" in cond:
        inner = cond["not"]
        if "fact" in inner:
            return [pad + "not so: " + leaf_words(inner)]
        return [pad + "it is not the case that:"] + words(inner, indent + 1)
    return [pad + leaf_words(cond)]
