"""Verdict logic: conditions evaluated in three-valued logic, a rule's status, and both in plain words.

A leaf over a fact nobody could establish is *unknown*, and unknown spreads
only as far as it must: an ``any`` with one true branch is true whatever the
others are. Each result carries the facts that decided it and, when
undecided, exactly the facts whose absence left it open.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, assert_never

from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.deployment import Deployment
from auditkit.model.facts import Amount, Duration, Missing
from auditkit.model.result import Status
from auditkit.rules.model import AllOf, AnyOf, Condition, Leaf, Not, Operator, Rule

# A fact lookup: (path, optional aspect 'law' or 'practice') -> value, a Missing marker, or None when left out.
Lookup = Callable[..., Any]


@dataclass(frozen=True)
class Outcome:
    """The value of a condition (True, False or None for unknown) and why.

    ``inapplicable``: open only because facts were answered not_applicable (at the evidence threshold).
    """

    value: bool | None
    used: frozenset[str] = frozenset()
    missing: frozenset[str] = frozenset()
    inapplicable: bool = False


def evaluate(cond: Condition, lookup: Lookup) -> Outcome:
    """Evaluate a condition tree against facts given by ``lookup``."""
    match cond:
        case AllOf(parts):
            return _combine([evaluate(c, lookup) for c in parts], decisive=False)
        case AnyOf(parts):
            return _combine([evaluate(c, lookup) for c in parts], decisive=True)
        case Not(part):
            inner = evaluate(part, lookup)
            return Outcome(
                None if inner.value is None else not inner.value, inner.used, inner.missing, inner.inapplicable
            )
        case Leaf():
            return _leaf(cond, lookup)
        case _:
            assert_never(cond)


def _combine(parts: list[Outcome], *, decisive: bool) -> Outcome:
    """``all`` (decisive=False) or ``any`` (decisive=True) over evaluated parts."""
    deciding = [p for p in parts if p.value is decisive]
    if deciding:
        return Outcome(decisive, frozenset().union(*(p.used for p in deciding)))
    open_parts = [p for p in parts if p.value is None]
    used = frozenset().union(*(p.used for p in parts))
    if open_parts:
        missing = frozenset().union(*(p.missing for p in open_parts))
        return Outcome(None, used, missing, all(p.inapplicable for p in open_parts))
    return Outcome(not decisive, used)


def _leaf(leaf: Leaf, lookup: Lookup) -> Outcome:
    path = leaf.fact
    value = lookup(path) if leaf.aspect is None else lookup(path, leaf.aspect)
    if value is Missing.NOT_APPLICABLE:
        return Outcome(None, missing=frozenset({path}), inapplicable=True)
    if leaf.op is Operator.DISCLOSED:
        if value is None or value in (Missing.UNKNOWN, Missing.NOT_APPLICABLE):
            return Outcome(None, missing=frozenset({path}))
        return Outcome(value is not Missing.UNDISCLOSED, used=frozenset({path}))
    if value is None or isinstance(value, Missing):
        return Outcome(None, missing=frozenset({path}))
    used = frozenset({path})
    if isinstance(value, Amount | Duration):
        decided = _bounded(leaf, value)
        return Outcome(decided, used) if decided is not None else Outcome(None, used, frozenset({path}))
    return Outcome(holds(leaf, value), used)


def holds(leaf: Leaf, value: Any) -> bool:
    """Whether a known plain value (a yes/no answer, a number, a choice) passes the leaf's test.

    ``disclosed`` holds of any value: the value is known, so it was disclosed.
    """
    match leaf.op:
        case Operator.IS | Operator.IN:
            return value in leaf.values
        case Operator.AT_MOST:
            return bool(value <= leaf.bound)
        case Operator.AT_LEAST:
            return bool(value >= leaf.bound)
        case Operator.DISCLOSED:
            return True
        case _:
            assert_never(leaf.op)


def _bounded(leaf: Leaf, value: Amount | Duration) -> bool | None:
    """A test on a number known within bounds (or a period): True, False, or None when the bounds straddle it."""
    if isinstance(value, Duration):
        low: float | None = value.hours if value.hours is not None else math.inf
        high: float | None = low
    else:
        low, high = value.low, value.high
    low = 0 if low is None else low
    high = math.inf if high is None else high
    match leaf.op:
        case Operator.AT_MOST:
            return True if high <= leaf.bound else False if low > leaf.bound else None
        case Operator.AT_LEAST:
            return True if low >= leaf.bound else False if high < leaf.bound else None
        case Operator.IS | Operator.IN:
            numbers = [t for t in leaf.values if isinstance(t, int) and not isinstance(t, bool)]
            if low == high:
                return low in numbers
            return None if any(low <= t <= high for t in numbers) else False
        case Operator.DISCLOSED:
            return True
        case _:
            assert_never(leaf.op)


def rule_status(rule: Rule, lookup: Lookup) -> tuple[Status, Outcome]:
    """A rule's status and the outcome (facts used or missing) that decided it."""
    if rule.applies_when is not None:
        applies = evaluate(rule.applies_when, lookup)
        if applies.value is False:
            return Status.NOT_APPLICABLE, applies
        if applies.value is None:
            return Status.UNKNOWN, applies
    met = evaluate(rule.met_when, lookup)
    if met.value is True:
        return Status.MET, met
    if met.value is None:
        return Status.UNKNOWN, met
    if rule.partial_when is not None:
        partial = evaluate(rule.partial_when, lookup)
        if partial.value is True:
            return Status.PARTIAL, partial
        if partial.value is None:
            return Status.UNKNOWN, partial
    return Status.NOT_MET, met


def lookup_for(deployment: Deployment, evidence: str | None = None, aspect: str | None = None) -> Lookup:
    """A fact lookup (path, optional aspect -> value, Missing or None) over a deployment.

    ``aspect`` ('law' or 'practice') picks that side of facts that state both;
    a condition may ask for one side itself. With ``evidence`` (established,
    reported or alleged), a statement weaker than that reads as unknown.
    """

    def lookup(path: str, side: str | None = None) -> Any:
        fact = get_fact(deployment, path)
        statement = None if fact is None else fact.side(side or aspect)
        if statement is None:
            return None
        if evidence is not None and not deployment.meets(statement, evidence):
            return Missing.UNKNOWN
        return statement.value

    return lookup


# The side of a fact stating law and practice that decides a rule: the worse status wins.
_SEVERITY = {Status.NOT_MET: 0, Status.PARTIAL: 1, Status.UNKNOWN: 2, Status.MET: 3, Status.NOT_APPLICABLE: 4}


def decide(
    rule: Rule,
    deployment: Deployment,
    evidence: str | None,
    lookups: dict[str | None, Lookup] | None = None,
    split: frozenset[str] | None = None,
) -> tuple[Status, Outcome]:
    """A rule's status over both sides of facts stating law and practice: the worse one wins.

    On each side, a rule left open only by facts answered not_applicable does not apply (``settled``).
    ``lookups`` (aspect -> lookup_for(deployment, evidence, aspect)) saves making them again for every
    rule of an audit, and ``split`` (the paths of the deployment's facts stating law and practice apart)
    saves looking up each fact the rule reads to find them.
    """
    if split is None:
        twofold = any(f is not None and f.split for f in (get_fact(deployment, p) for p in rule.facts))
    else:
        twofold = not split.isdisjoint(rule.facts)
    sides = ("law", "practice") if twofold else (None,)
    views = [
        settled(*rule_status(rule, lookups[side] if lookups is not None else lookup_for(deployment, evidence, side)))
        for side in sides
    ]
    return views[0] if len(views) == 1 else min(views, key=lambda v: _SEVERITY[v[0]])


def settled(status: Status, outcome: Outcome) -> tuple[Status, Outcome]:
    """A rule's status as an audit gives it: left open only by facts answered not_applicable, it does not apply.

    An answer of not_applicable below the evidence threshold reads as unknown, so it does not count here.
    """
    if status is Status.UNKNOWN and outcome.inapplicable:
        return Status.NOT_APPLICABLE, outcome
    return status, outcome


def not_applicable(deployment: Deployment, path: str, evidence: str | None = None) -> bool:
    """True when the deployment answers this fact not_applicable (at the evidence threshold, if given)."""
    fact = get_fact(deployment, path)
    side = None if fact is None else fact.side(None)
    return (
        side is not None
        and side.value is Missing.NOT_APPLICABLE
        and (evidence is None or deployment.meets(side, evidence))
    )


def explanation(rule: Rule, status: Status) -> str:
    """The sentence a finding gives for its status."""
    match status:
        case Status.MET:
            return "The facts show the requirement is met."
        case Status.PARTIAL:
            assert rule.partial_when is not None  # only partial_when gives this status
            shown = "; ".join(line.strip() for line in words(rule.partial_when))
            return f"Partly met: {shown}; the full requirement is not reached."
        case Status.NOT_MET:
            return rule.failure_reason
        case Status.UNKNOWN:
            return "The facts needed to decide this rule could not be established."
        case Status.NOT_APPLICABLE:
            return "The rule does not apply to this deployment."
        case _:
            assert_never(status)


def leaf_words(leaf: Leaf) -> str:
    """One leaf in plain words, e.g. 'the retention period in days: 30 or less'."""
    info = catalogue()[leaf.fact]
    side = f" ({leaf.aspect} only)" if leaf.aspect is not None else ""
    match leaf.op:
        case Operator.DISCLOSED:
            return f"{info.label}: made public (not kept secret)"
        case Operator.IS | Operator.IN:
            return f"{info.label}{side}: {' or '.join(info.describe(v) for v in leaf.values)}"
        case Operator.AT_MOST | Operator.AT_LEAST:
            shown = leaf.limit.text() if isinstance(leaf.limit, Duration) else str(leaf.limit)
            return f"{info.label}{side}: {shown} or {'less' if leaf.op is Operator.AT_MOST else 'more'}"
        case _:
            assert_never(leaf.op)


def word_lines(cond: Condition, depth: int = 0) -> list[tuple[int, str]]:
    """A condition in plain words, one (depth, text) pair a line.

    The parts of an 'all', an 'any' or a 'not' sit one level deeper than their head line.
    """
    match cond:
        case AllOf(parts) | AnyOf(parts):
            if len(parts) == 1:
                return word_lines(parts[0], depth)
            head = "all of these:" if isinstance(cond, AllOf) else "at least one of these:"
            return [(depth, head)] + [line for c in parts for line in word_lines(c, depth + 1)]
        case Not(Leaf() as inner):
            return [(depth, "not so: " + leaf_words(inner))]
        case Not(inner):
            return [(depth, "it is not the case that:"), *word_lines(inner, depth + 1)]
        case Leaf():
            return [(depth, leaf_words(cond))]
        case _:
            assert_never(cond)


def words(cond: Condition, indent: int = 0) -> list[str]:
    """A condition as plain-words lines, indented two spaces a level (for terminals)."""
    return ["  " * depth + text for depth, text in word_lines(cond, indent)]
