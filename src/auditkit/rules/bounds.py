"""What the unknown facts could still make of a rule: its possible statuses, computed exactly.

Three-valued logic says whether the known facts decide a rule. When they do
not, this module says what the rule *could* turn out to be, by trying every
answer the open facts could have. Each fact is modelled as a pair (value,
disclosed):

- a known fact is its value, disclosed;
- an ``undisclosed`` fact is any value, not disclosed (the operator keeps it
  secret: the ``disclosed`` tests of the transparency rules are decided, the
  value is not);
- an ``unknown`` (or left out) fact is any value, disclosed or not.

Counts (whole numbers) take one value from each stretch between the numbers
the rules compare them with, so trying finitely many answers covers every
possible one. Tests that cannot tell two answers apart are tried once. The
result is exact for each rule taken alone: a status is listed if and only if
some answer to the open facts gives it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, assert_never

from auditkit.model.catalog import catalogue
from auditkit.model.facts import Amount, Duration, Missing
from auditkit.model.result import Status
from auditkit.rules.logic import holds
from auditkit.rules.model import AllOf, AnyOf, Condition, Leaf, Not, Operator, Rule

# A fact's state: (value, disclosed). Known: [(v, True)]. Undisclosed: [(x, False) for each x]. Unknown: both.
State = tuple[Any, bool]


@dataclass(frozen=True)
class Possible:
    """A rule's possible statuses, overall and with one open fact fixed to each of its states."""

    statuses: frozenset[Status]
    by_fact: dict[str, dict[State, frozenset[Status]]]


def answers(rules: Iterable[Rule]) -> dict[str, tuple[Any, ...]]:
    """Representative values of every fact the rules read.

    Each choice, both yes/no answers, or one count per stretch between the
    numbers the rules compare it with.
    """
    numbers: dict[str, set[int]] = {}
    for leaf in (leaf for rule in rules for leaf in rule.leaves):
        found = numbers.setdefault(leaf.fact, {0})
        for n in _compared_numbers(leaf):
            found.update(m for m in (n - 1, n, n + 1) if m >= 0)
    facts = catalogue()
    return {path: facts[path].kind.candidates(found) for path, found in numbers.items()}


def _compared_numbers(leaf: Leaf) -> list[int]:
    """The numbers a leaf compares its fact with (none for yes/no answers, choices or disclosure)."""
    match leaf.op:
        case Operator.IS | Operator.IN:
            return [v for v in leaf.values if isinstance(v, int) and not isinstance(v, bool)]
        case Operator.AT_MOST | Operator.AT_LEAST:
            return [leaf.bound]
        case Operator.DISCLOSED:
            return []
        case _:
            assert_never(leaf.op)


def states(value: Any, candidates: Sequence[Any]) -> tuple[State, ...]:
    """The states a fact with this recorded value could be in.

    A number known within bounds (format 2) could be any candidate inside them, or its bounds themselves;
    a period is compared in hours; an answer of not_applicable is left as open as an unknown one (the
    engine, not this enumeration, turns a rule open only on such facts into not applicable).
    """
    if value is None or value is Missing.UNKNOWN or value is Missing.NOT_APPLICABLE:
        return tuple((v, d) for d in (True, False) for v in candidates)
    if value is Missing.UNDISCLOSED:
        return tuple((v, False) for v in candidates)
    if isinstance(value, Amount):
        low, high = value.low or 0, math.inf if value.high is None else value.high
        inside = {v for v in candidates if isinstance(v, int) and not isinstance(v, bool) and low <= v <= high}
        inside |= {n for n in (value.low, value.high) if n is not None}
        return tuple((v, True) for v in sorted(inside))
    if isinstance(value, Duration):
        return ((math.inf if value.hours is None else value.hours, True),)
    return ((value, True),)


def truth(cond: Condition, state: dict[str, State]) -> bool:
    """A condition's value when every fact it reads has one state (two-valued)."""
    match cond:
        case AllOf(parts):
            return all(truth(c, state) for c in parts)
        case AnyOf(parts):
            return any(truth(c, state) for c in parts)
        case Not(part):
            return not truth(part, state)
        case Leaf():
            return _leaf(cond, state[cond.fact])
        case _:
            assert_never(cond)


def _leaf(leaf: Leaf, fact: State) -> bool:
    """A leaf's value for a fact in one state: ``disclosed`` reads the state's disclosure, the others its value."""
    value, disclosed = fact
    return disclosed if leaf.op is Operator.DISCLOSED else holds(leaf, value)


def status_of(rule: Rule, state: dict[str, State]) -> Status:
    """The rule's status when every fact it reads has one state (the same steps as the engine's)."""
    if rule.applies_when is not None and not truth(rule.applies_when, state):
        return Status.NOT_APPLICABLE
    if truth(rule.met_when, state):
        return Status.MET
    if rule.partial_when is not None and truth(rule.partial_when, state):
        return Status.PARTIAL
    return Status.NOT_MET


_CACHE: dict[tuple[int, tuple[tuple[State, ...], ...]], tuple[Rule, Possible]] = {}


def possible(rule: Rule, fact_states: dict[str, tuple[State, ...]]) -> Possible:
    """Every status the rule can take over all combinations of its facts' states (memoised)."""
    key = (id(rule), tuple(fact_states[p] for p in rule.facts))
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is rule:
        return hit[1]
    result = _enumerate(rule, fact_states)
    if len(_CACHE) > 200_000:
        _CACHE.clear()
    _CACHE[key] = (rule, result)  # keeping the rule alive keeps its id from being reused
    return result


def _enumerate(rule: Rule, fact_states: dict[str, tuple[State, ...]]) -> Possible:
    tests = {p: [leaf for leaf in rule.leaves if leaf.fact == p] for p in rule.facts}
    # Group each fact's states by what the rule's tests say of them: one try per group.
    groups: dict[str, dict[tuple[bool, ...], list[State]]] = {}
    for path in rule.facts:
        grouped: dict[tuple[bool, ...], list[State]] = {}
        for st in fact_states[path]:
            grouped.setdefault(tuple(_leaf(leaf, st) for leaf in tests[path]), []).append(st)
        groups[path] = grouped
    open_facts = [p for p in rule.facts if len(fact_states[p]) > 1]
    seen: set[Status] = set()
    by_fact: dict[str, dict[State, set[Status]]] = {p: {} for p in open_facts}
    choices = [list(groups[p].values()) for p in rule.facts]
    for combo in itertools.product(*choices):
        status = status_of(rule, {p: group[0] for p, group in zip(rule.facts, combo, strict=True)})
        seen.add(status)
        for path, group in zip(rule.facts, combo, strict=True):
            if path in by_fact:
                for st in group:
                    by_fact[path].setdefault(st, set()).add(status)
    return Possible(frozenset(seen), {p: {s: frozenset(v) for s, v in d.items()} for p, d in by_fact.items()})
