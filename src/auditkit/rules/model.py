"""What a rule is: its condition tree, its references, and the frameworks that hold rules.

A condition is ``all``, ``any`` or ``not`` over conditions, or a leaf that
tests one fact with one :class:`Operator`. The loader checks each rule file
against the published JSON Schema, then parses its conditions once into the
frozen nodes below; everything after that (evaluation, bounds, plain words,
lint) reads nodes, never the file's dictionaries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Any, assert_never

from auditkit.model.catalog import catalogue
from auditkit.model.facts import Duration, duration_of
from auditkit.model.result import Status
from auditkit.model.scoring import Scoring


class Operator(StrEnum):
    """The tests a leaf can make of one fact, spelt as rule files write them.

    This is the one list of operators: the rule schema's leaf forms are
    checked against it (tests/test_rule_model.py), and every function that
    acts on an operator matches each member and ends in ``assert_never``.
    The Rego translation in benchmarks/rego.py is a second implementation,
    kept on purpose for the differential test; a new operator needs a line
    there too.
    """

    IS = "is"
    IN = "in"
    AT_MOST = "at_most"
    AT_LEAST = "at_least"
    DISCLOSED = "disclosed"


#: A value a rule compares a fact with: a yes/no answer, a number or a choice.
Scalar = bool | int | str
#: What ``at_most`` / ``at_least`` compares with: a count, or a period (compared in hours).
Limit = int | Duration


@dataclass(frozen=True, slots=True, kw_only=True)
class Leaf:
    """One test of one fact: ``{fact: retention.max_days, at_most: 30}``."""

    fact: str
    op: Operator
    values: tuple[Scalar, ...] = ()  # what `is` (one value) or `in` (one or more) accepts
    limit: Limit = 0  # what `at_most` / `at_least` compares with
    aspect: str | None = None  # 'law' or 'practice': read that side of a fact stating both

    @property
    def bound(self) -> int:
        """The limit as a number: a count, or a period in hours."""
        if isinstance(self.limit, Duration):
            assert self.limit.hours is not None  # parse_condition reads only {days: N} or {hours: N}
            return self.limit.hours
        return self.limit

    @property
    def written_limit(self) -> int | str | dict[str, int]:
        """The limit as a rule file writes it: 30, or {days: 30}."""
        return self.limit.as_data() if isinstance(self.limit, Duration) else self.limit


@dataclass(frozen=True, slots=True)
class AllOf:
    """True when every part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """True when at least one part is true."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """True when its part is false."""

    part: Condition


Condition = AllOf | AnyOf | Not | Leaf


def parse_condition(data: Mapping[str, Any]) -> Condition:
    """A schema-valid condition as frozen nodes.

    Rule files may answer yes/no facts with ``yes`` and ``no`` as deployment
    files do; those words are read as true and false here, once.
    """
    if "all" in data:
        return AllOf(tuple(parse_condition(c) for c in data["all"]))
    if "any" in data:
        return AnyOf(tuple(parse_condition(c) for c in data["any"]))
    if "not" in data:
        return Not(parse_condition(data["not"]))
    op = next(op for op in Operator if op in data)  # the schema allows exactly one
    fact, operand, aspect = data["fact"], data[op], data.get("aspect")
    match op:
        case Operator.IS | Operator.IN:
            values = tuple(operand) if op is Operator.IN else (operand,)
            return Leaf(fact=fact, op=op, values=_read_answers(fact, values), aspect=aspect)
        case Operator.AT_MOST | Operator.AT_LEAST:
            period = duration_of(operand) if isinstance(operand, dict) else None
            return Leaf(fact=fact, op=op, limit=operand if period is None else period, aspect=aspect)
        case Operator.DISCLOSED:
            return Leaf(fact=fact, op=op, aspect=aspect)
        case _:
            assert_never(op)


def _read_answers(fact: str, values: tuple[Any, ...]) -> tuple[Scalar, ...]:
    """Values a leaf compares its fact with, read by the fact's kind (yes/no words as booleans)."""
    info = catalogue().get(fact)
    return values if info is None else tuple(info.kind.read_answer(v) for v in values)


def leaves(cond: Condition) -> list[Leaf]:
    """Every leaf of a condition, in order."""
    match cond:
        case AllOf(parts) | AnyOf(parts):
            return [leaf for part in parts for leaf in leaves(part)]
        case Not(part):
            return leaves(part)
        case Leaf():
            return [cond]
        case _:
            assert_never(cond)


def facts_read(*conds: Condition | None) -> tuple[str, ...]:
    """The fact paths the given conditions read, first-seen order, no repeats."""
    return tuple(dict.fromkeys(leaf.fact for cond in conds if cond is not None for leaf in leaves(cond)))


#: Legal orders shown in every report, whatever binds the deployment.
ALWAYS_SHOWN = frozenset({"international", "civil_society"})


@dataclass(frozen=True, kw_only=True)
class Reference:
    """An instrument a rule cites, with an optional pinpoint, quote and address."""

    instrument: str
    legal_order: str
    locator: str | None = None
    quote: str | None = None
    url: str | None = None

    def __str__(self) -> str:
        return self.instrument + (f", {self.locator}" if self.locator else "")

    def binds(self, legal_orders: frozenset[str] | None) -> bool:
        """Whether a report on a deployment bound by these legal orders shows this reference.

        International and civil-society references are always shown; a regional or national
        one only where the deployment says that order binds it (None: not stated, so none does).
        """
        return self.legal_order in ALWAYS_SHOWN or self.legal_order in (legal_orders or ())


@dataclass(frozen=True, kw_only=True)
class Origin:
    """Where a rule's requirement comes from."""

    requirement: str  # principle | instrument | auditkit
    instrument: str | None = None
    note: str | None = None

    def __str__(self) -> str:
        return {
            "principle": "The principle's own text",
            "instrument": f"An instrument: {self.instrument}",
            "auditkit": "auditkit's own policy choice, beyond the principle",
        }[self.requirement]


@dataclass(frozen=True, kw_only=True)
class Threshold:
    """A figure a rule uses (in its conditions or its remedy) and where it comes from."""

    figure: str
    origin: str  # auditkit | instrument
    value: int | None = None
    instrument: str | None = None

    def __str__(self) -> str:
        if self.origin == "auditkit":
            return f"auditkit's threshold: {self.figure} (a policy choice, not a legal limit)"
        return f"threshold from {self.instrument}: {self.figure}"


@dataclass(frozen=True, kw_only=True)
class Term:
    """One defined term of a framework's definitions clause."""

    term: str
    means: str
    forms: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class ChangelogEntry:
    """One version of a framework in its changelog: what changed, in the rule set's own words."""

    version: str
    date: str
    changes: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Case:
    """A rule's worked example, run by 'auditkit principles --check' and the tests: facts and the status they give."""

    name: str
    facts: Mapping[str, Any]  # fact path -> the answer as a description writes it; validated when the case runs
    expect: Status
    missing: tuple[str, ...] | None = None  # the facts the rule must name as missing, when the case says


@dataclass(frozen=True, kw_only=True)
class Rule:
    """One rule of a framework, as its file states it, with its conditions parsed."""

    id: str
    title: str
    principle: str
    severity: str
    weight: int
    red_line: bool
    decisive: bool
    rationale: str
    failure_reason: str
    remedy: str
    references: tuple[Reference, ...]
    origin: Origin
    thresholds: tuple[Threshold, ...]
    met_when: Condition
    applies_when: Condition | None
    partial_when: Condition | None
    cases: tuple[Case, ...]
    aliases: tuple[str, ...]
    file: str

    @cached_property
    def leaves(self) -> tuple[Leaf, ...]:
        """Every leaf of the rule's conditions, in the order they are decided: applies, met, partial."""
        conditions = (self.applies_when, self.met_when, self.partial_when)
        return tuple(leaf for cond in conditions if cond is not None for leaf in leaves(cond))

    @cached_property
    def facts(self) -> tuple[str, ...]:
        """The facts this rule reads, derived from its conditions."""
        return tuple(dict.fromkeys(leaf.fact for leaf in self.leaves))


@dataclass(frozen=True, kw_only=True)
class Principle:
    """A principle of a framework and the rules that serve it."""

    id: str
    title: str
    demand: str
    source_locator: str | None
    rules: tuple[Rule, ...]


@dataclass(frozen=True, kw_only=True)
class Framework:
    """A loaded rule set: its manifest and its principles with their rules."""

    id: str
    title: str
    version: str
    description: str | None
    source: dict[str, str]
    scoring: Scoring
    principles: tuple[Principle, ...]
    folder: str
    definitions_clause: str | None = None
    definitions: tuple[Term, ...] = ()
    changelog: tuple[ChangelogEntry, ...] = ()

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule, principle by principle."""
        return tuple(rule for p in self.principles for rule in p.rules)
