"""What the unknown facts could still make of a rule: its possible statuses, computed exactly.

Three-valued logic says whether the known facts decide a rule. When they do
not, this module says what the rule *could* turn out to be, by trying every
answer the open facts could have. Each fact is modelled as a pair (value,
disclosed):

- a known fact is its value, disclosed;
- an ``undisclosed`` fact is any value, not disclosed (the operator keeps it
  secret: the ``disclosed`` tests of the transparency rules are decided, the
  value is not);
- an ``unknown`` (or left out) fact, or one below the evidence threshold, is
  any value, disclosed or not, or ``not_applicable``;
- a fact answered ``not_applicable`` is that answer only: every test of it is
  open, and a rule left open only by such answers does not apply, as the
  engine decides (``logic.decide``);
- a fact stating law and practice apart is a pair of such states, one per
  side; the rule is read on each side and the worse status wins, as the
  engine does. An unknown fact could be answered with law and practice
  apart too: where that can matter (the rule names a side, or reads another
  fact stating both), it is tried with every pair of its states.

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
from auditkit.rules.logic import _SEVERITY, holds
from auditkit.rules.model import AllOf, AnyOf, Condition, Leaf, Not, Operator, Rule

# One statement's state: (value, disclosed). Known: [(v, True)]. Undisclosed: [(x, False) for each x].
# Unknown: both, and NOT_APPLICABLE. Answered not_applicable: [NOT_APPLICABLE].
Plain = tuple[Any, bool]
NOT_APPLICABLE: Plain = (Missing.NOT_APPLICABLE, False)


@dataclass(frozen=True)
class Sides:
    """The state of a fact stating law and practice apart: one plain state for each side."""

    law: Plain
    practice: Plain


# A fact's state: one plain state, or one per side.
State = Plain | Sides


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


def states(value: Any, candidates: Sequence[Any]) -> tuple[Plain, ...]:
    """The states one statement with this recorded value could be in.

    A number known within bounds (format 2) could be any candidate inside them, or its bounds themselves;
    a period is compared in hours. An open answer could also turn out not_applicable.
    """
    if value is Missing.NOT_APPLICABLE:
        return (NOT_APPLICABLE,)
    if value is None or value is Missing.UNKNOWN:
        return (*((v, d) for d in (True, False) for v in candidates), NOT_APPLICABLE)
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


def sided(law: tuple[Plain, ...], practice: tuple[Plain, ...]) -> tuple[State, ...]:
    """The states of a fact whose law and practice are two statements: every pair of their states."""
    return tuple(Sides(a, b) for a in law for b in practice)


def truth(cond: Condition, state: dict[str, State], view: str) -> bool | None:
    """A condition's value when every fact it reads has one state: True, False, or None (open).

    Facts stating law and practice are read on the side ``view`` (a leaf naming its own side reads that
    one). Open means open on facts answered not_applicable: three-valued, as ``logic.evaluate``.
    """
    match cond:
        case AllOf(parts) | AnyOf(parts):
            decisive = isinstance(cond, AnyOf)  # one true part decides an 'any', one false part an 'all'
            found: bool | None = not decisive
            for part in parts:
                value = truth(part, state, view)
                if value is decisive:
                    return decisive
                if value is None:
                    found = None
            return found
        case Not(part):
            inner = truth(part, state, view)
            return None if inner is None else not inner
        case Leaf():
            return _leaf(cond, _read(state[cond.fact], cond.aspect or view))
        case _:
            assert_never(cond)


def _read(state: State, side: str) -> Plain:
    """The plain state a test reads on one side."""
    if isinstance(state, Sides):
        return state.law if side == "law" else state.practice
    return state


def _leaf(leaf: Leaf, fact: Plain) -> bool | None:
    """A leaf's value for a fact in one state, or None (open) on a fact answered not_applicable.

    ``disclosed`` reads the state's disclosure, the other tests its value.
    """
    if fact[0] is Missing.NOT_APPLICABLE:
        return None
    value, disclosed = fact
    return disclosed if leaf.op is Operator.DISCLOSED else holds(leaf, value)


# The worse of the two sides decides, as in logic.decide.
_SIDES = ("law", "practice")


def status_of(rule: Rule, state: dict[str, State]) -> Status:
    """The rule's status when every fact it reads has one state (the same steps as ``logic.decide``)."""
    split = any(isinstance(state[p], Sides) for p in rule.facts)
    views = [_view_status(rule, state, view) for view in (_SIDES if split else _SIDES[1:])]
    return min(views, key=_SEVERITY.__getitem__)


def _view_status(rule: Rule, state: dict[str, State], view: str) -> Status:
    """The status on one side: every open test here is open on not_applicable answers, so it does not apply."""
    if rule.applies_when is not None:
        applies = truth(rule.applies_when, state, view)
        if applies is not True:
            return Status.NOT_APPLICABLE
    met = truth(rule.met_when, state, view)
    if met is None:
        return Status.NOT_APPLICABLE
    if met:
        return Status.MET
    if rule.partial_when is not None:
        partial = truth(rule.partial_when, state, view)
        if partial is None:
            return Status.NOT_APPLICABLE
        if partial:
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


def _signature(tests: list[Leaf], state: State) -> tuple[bool | None, ...]:
    """What the rule's tests of one fact say of one of its states (on each side): states alike are tried once."""
    if not isinstance(state, Sides):
        return tuple(_leaf(leaf, state) for leaf in tests)
    return tuple(_leaf(leaf, _read(state, leaf.aspect or side)) for side in _SIDES for leaf in tests)


def _inapplicable(state: State) -> bool:
    """Whether a state answers not_applicable (on either side)."""
    sides = (state.law, state.practice) if isinstance(state, Sides) else (state,)
    return any(side[0] is Missing.NOT_APPLICABLE for side in sides)


def _apart(rule: Rule, fact_states: dict[str, tuple[State, ...]]) -> set[str]:
    """The open facts of the rule that must also be tried with law and practice answered apart.

    A fact nobody has answered (its states include not_applicable) could be answered with law and practice
    apart. Each side is then one answer for the whole rule, so that adds nothing unless the rule also reads
    a fact stating both sides, or names a side itself: then such a fact is tried with every pair of states.
    """
    if not any(leaf.aspect for leaf in rule.leaves) and not any(
        isinstance(st, Sides) for p in rule.facts for st in fact_states[p]
    ):
        return set()
    return {p for p in rule.facts if any(not isinstance(st, Sides) and _inapplicable(st) for st in fact_states[p])}


def _answer(state: State, apart: bool) -> State | None:
    """The state of the fact that a tried state stands for (None when no single answer gives it).

    Itself; or, for a pair tried apart, the one answer it gives both sides.
    """
    if not apart:
        return state
    assert isinstance(state, Sides)
    return state.law if state.law == state.practice else None


def _enumerate(rule: Rule, fact_states: dict[str, tuple[State, ...]]) -> Possible:
    tests = {p: [leaf for leaf in rule.leaves if leaf.fact == p] for p in rule.facts}
    apart = _apart(rule, fact_states)
    # Group each fact's states by what the rule's tests say of them: one try per group.
    groups: dict[str, dict[tuple[bool | None, ...], list[State]]] = {}
    for path in rule.facts:
        grouped: dict[tuple[bool | None, ...], list[State]] = {}
        tried = fact_states[path]
        if path in apart:
            plain = tuple(st for st in tried if not isinstance(st, Sides))
            tried = sided(plain, plain)
        for st in tried:
            grouped.setdefault(_signature(tests[path], st), []).append(st)
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
                    answer = _answer(st, path in apart)
                    if answer is not None and not _inapplicable(answer):  # an answer, not 'does not arise'
                        by_fact[path].setdefault(answer, set()).add(status)
    return Possible(frozenset(seen), {p: {s: frozenset(v) for s, v in d.items()} for p, d in by_fact.items()})
