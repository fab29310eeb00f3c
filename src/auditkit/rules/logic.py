"""Verdict logic: a small closed condition tree evaluated in three-valued logic.

A condition is ``all``, ``any`` or ``not`` over conditions, or a leaf that
tests one fact. A leaf over a fact nobody could establish is *unknown*, and
unknown spreads only as far as it must: an ``any`` with one true branch is
true whatever the others are. Each result carries the facts that decided it
and, when undecided, exactly the facts whose absence left it open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditkit.model.catalog import catalogue
from auditkit.model.facts import Missing

# A fact lookup: path -> value, a Missing marker, or None when left out.
Lookup = Callable[[str], Any]


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
    value = lookup(path)
    if "disclosed" in cond:
        if value is None or value is Missing.UNKNOWN:
            return Outcome(None, missing=frozenset({path}))
        return Outcome(value is not Missing.UNDISCLOSED, used=frozenset({path}))
    if value is None or isinstance(value, Missing):
        return Outcome(None, missing=frozenset({path}))
    used = frozenset({path})
    if "is" in cond:
        return Outcome(value == cond["is"], used)
    if "in" in cond:
        return Outcome(value in cond["in"], used)
    if "at_most" in cond:
        return Outcome(value <= cond["at_most"], used)
    if "at_least" in cond:
        return Outcome(value >= cond["at_least"], used)
    raise ValueError(f"unknown condition {cond!r}")  # the schema makes this unreachable


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
    if "is" in leaf:
        return f"{info.label}: {info.describe(leaf['is'])}"
    if "in" in leaf:
        return f"{info.label}: {' or '.join(info.describe(v) for v in leaf['in'])}"
    if "at_most" in leaf:
        return f"{info.label}: {leaf['at_most']} or less"
    return f"{info.label}: {leaf['at_least']} or more"


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
