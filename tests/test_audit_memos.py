"""The audit's memos change nothing: every description audits the same with each memo bypassed.

The audit works some things out once and shares them (a fact's rows under every finding that shows it, a
set of possible statuses ranked once); here the same audit is run with each of those worked out afresh at
every use, and findings showing no fact and principles' bounds and results built afresh instead of shared
across descriptions (and the facts' states and the rules' statuses worked out afresh), on the bundled descriptions and on weakened ones (facts hidden or weakened, law and practice
apart), and the results must be equal.
"""

from __future__ import annotations

import itertools
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import given
from test_bounds_soundness import DESCRIPTIONS, EVIDENCE, SETTINGS, audited, framework, load, original, weakened

from auditkit import attribution, engine, scoring
from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.deployment import Deployment
from auditkit.model.facts import STANDING_RANK, Missing, Standing
from auditkit.model.result import Status
from auditkit.rules.bounds import possible, sided
from auditkit.rules.bounds import states as bounds_states
from auditkit.rules.lint import case_deployment
from auditkit.rules.logic import Outcome, lookup_for


def _ranked_afresh(can: frozenset[Status]) -> tuple[Status, Status, tuple[Status, ...]]:
    ordered = tuple(sorted(can, key=engine.RANK.__getitem__))
    return ordered[0], ordered[-1], ordered


class _Forgets(dict[Any, Any]):
    """A memo that keeps nothing."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


@contextmanager
def memos_bypassed() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine._Shown, "known", lambda self, path: engine._known(self.deployment, path))
        patch.setattr(
            engine._Shown,
            "rows",
            lambda self, path, counted: engine._rows(path, self.deployment, self.evidence, counted),
        )
        patch.setattr(engine, "_ranked", _ranked_afresh)
        patch.setattr(engine, "_BARE", _Forgets())
        patch.setattr(engine, "_JUDGED", _Forgets())
        patch.setattr(engine, "_DECIDED", _Forgets())
        patch.setattr(scoring, "narrowing", scoring.narrowing.__wrapped__)
        patch.setattr(Deployment, "standing", _standing_afresh)
        patch.setattr(attribution, "_WEAKEST", _Forgets())
        yield


def _standing_afresh(self: Deployment, fact: Any) -> Standing | None:
    """``Deployment.standing`` worked out from the sources at every call (nothing remembered)."""
    if fact.standing is not None:
        return fact.standing
    by_id = {s.id: s for s in self.sources}
    found = [by_id[c.id].standing for c in fact.sources if c.id in by_id]
    return max(found, key=STANDING_RANK.__getitem__) if found else None


def _weakest_afresh(standings: list[str | None]) -> str | None:
    """The weakest standing, by its rank, disputed before alleged (they rank equal)."""
    order = [Standing.DISPUTED, Standing.ALLEGED, Standing.REPORTED, Standing.ESTABLISHED]
    known = sorted((Standing(s) for s in standings if s is not None), key=lambda s: (STANDING_RANK[s], order.index(s)))
    return known[0].value if known else None


def plain_fact_states(deployment: Any, evidence: str) -> dict[str, Any]:
    """Each fact's states worked out from its value at the threshold every time (no states kept)."""
    lookup = lookup_for(deployment, evidence)
    out = {}
    for path, values in engine._candidates((framework(),))[0].items():
        fact = get_fact(deployment, path)
        if fact is not None and fact.side("law") is not fact.side("practice"):
            out[path] = sided(
                bounds_states(lookup(path, "law"), values), bounds_states(lookup(path, "practice"), values)
            )
        else:
            out[path] = bounds_states(lookup(path), values)
    return out


def check_same(doc: dict[str, Any], evidence: str) -> None:
    """The audit, and its facts' states, as with every memo bypassed and every state worked out afresh."""
    deployment, fast = audited(doc, evidence)
    with memos_bypassed():
        _, plain = audited(doc, evidence)
    assert fast.model_dump(mode="json") == plain.model_dump(mode="json")
    states, _ = engine._fact_states(deployment, [framework()], lookup_for(deployment, evidence))
    assert states == plain_fact_states(deployment, evidence)


@pytest.mark.parametrize("evidence", EVIDENCE)
@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_each_bundled_description_audits_the_same_without_memos(name: str, evidence: str) -> None:
    check_same(original(name), evidence)


@SETTINGS
@given(weakened())
def test_weakened_descriptions_audit_the_same_without_memos(case: tuple[str, dict[str, Any], str]) -> None:
    _, doc, evidence = case
    check_same(doc, evidence)


@pytest.mark.parametrize("evidence", EVIDENCE)
@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_a_facts_rows_are_remembered_apart_counted_or_not(name: str, evidence: str) -> None:
    """Asked for in either order, the rows of a fact counted and not counted are each as worked out afresh."""
    deployment, _ = audited(original(name), evidence)
    shown = engine._Shown(deployment, evidence)
    known = [path for path in catalogue() if engine._known(deployment, path)]
    assert known
    for path in known:
        for counted in (True, False, True, False):
            assert shown.rows(path, counted) == engine._rows(path, deployment, evidence, counted), (path, counted)


def test_a_shared_finding_is_shared_only_for_the_same_rule_status_statuses_missing_facts_and_orders() -> None:
    """Findings showing no fact, built for every mix of the values their sharing is keyed by, each as built afresh."""
    rule = next(r for r in framework().rules if r.id == "P1-05")  # three facts; references bound to two orders
    assert len({ref.legal_order for ref in rule.references}) > 1
    shown = engine._Shown(case_deployment({}), "reported")  # nothing known, so no finding shows a fact
    mixes = list(
        itertools.product(
            ("a", "b"),
            (Status.UNKNOWN, Status.NOT_MET),
            (frozenset({Status.MET, Status.NOT_MET}), frozenset({Status.NOT_MET})),
            ((), rule.facts[:1], rule.facts[1:], rule.facts),
            (None, frozenset({"council_of_europe"})),
        )
    )
    shared = []
    for name, status, can, missing, bound in mixes:
        shown.bound = bound
        shared.append(engine._finding(rule, name, status, Outcome(None, missing=frozenset(missing)), shown, can))
    assert all(not f.facts for f in shared)
    with memos_bypassed():
        for (name, status, can, missing, bound), finding in zip(mixes, shared, strict=True):
            shown.bound = bound
            afresh = engine._finding(rule, name, status, Outcome(None, missing=frozenset(missing)), shown, can)
            assert finding == afresh, (name, status, can, missing, bound)


def _judge(principle: Any, key: str, statuses: list[Status], missing: list[str], known: dict[str, Any]) -> Any:
    """engine._judged for a principle whose rules have these statuses, its other facts open (as audit calls it)."""
    candidates = engine._candidates((framework(),))[0]
    states = {path: bounds_states(known.get(path, Missing.UNKNOWN), values) for path, values in candidates.items()}
    chances = [
        possible(r, states) if s is Status.UNKNOWN else None for r, s in zip(principle.rules, statuses, strict=True)
    ]
    views = [
        (r.weight, c.statuses if c else frozenset({s}), r.red_line or r.decisive)
        for r, s, c in zip(principle.rules, statuses, chances, strict=True)
    ]
    item, result = engine._judged(framework(), principle, key, views, chances, statuses, missing, states)
    answered = {path: item.answered(path) for path in item.read()}
    return item.principle, item.bounds, item.missing, answered, result


def test_a_shared_principle_is_shared_only_for_the_same_key_statuses_missing_facts_and_fact_states() -> None:
    """A principle judged for every mix of the values its sharing is keyed by, each as judged afresh."""
    principle = next(p for p in framework().principles if p.id == "P3")
    first, second = principle.rules[0], principle.rules[1]
    opened = [Status.UNKNOWN] * (len(principle.rules) - 1)
    answer = engine._candidates((framework(),))[0][second.facts[0]][0]  # one of the answers the rules tell apart
    mixes = list(
        itertools.product(
            ("P3", "framework:P3"),
            ([Status.MET, *opened], [Status.NOT_MET, *opened]),
            ([], [second.facts[0]]),
            ({}, {second.facts[0]: answer}),
        )
    )
    assert first.facts[0] not in second.facts
    shared = [_judge(principle, key, statuses, missing, known) for key, statuses, missing, known in mixes]
    with memos_bypassed():
        for (key, statuses, missing, known), judged in zip(mixes, shared, strict=True):
            assert judged == _judge(principle, key, statuses, missing, known), (key, statuses, missing, known)


def test_a_kept_rule_status_is_kept_only_for_the_same_values_of_the_same_type_on_the_same_sides() -> None:
    """A rule decided for every mix of the values its tests read and of the sides read, each as decided afresh.

    Missing.UNKNOWN equals the text 'unknown' (a StrEnum), but a test reads one as open and the other as an
    answer: the memo must tell them apart.
    """
    rule = next(r for r in framework().rules if r.id == "P1-01")  # one choice: statute, decree, agency order
    path = rule.facts[0]
    assert Missing.UNKNOWN == "unknown"
    mixes = list(
        itertools.product(
            (Missing.UNKNOWN, "unknown", "statute", Missing.NOT_APPLICABLE),  # the fact as written
            ("agency_order", Missing.UNDISCLOSED),  # its law side, when it states law and practice apart
            (frozenset(), frozenset({path})),  # whether it does
        )
    )

    def decided(written: Any, law: Any, split: frozenset[str]) -> Any:
        lookups = {
            None: lambda p, a=None: written,
            "law": lambda p, a=None: law,
            "practice": lambda p, a=None: written,
        }
        return engine._decide(rule, case_deployment({}), "reported", lookups, split)

    kept = [decided(*mix) for mix in mixes]
    with memos_bypassed():
        for mix, status in zip(mixes, kept, strict=True):
            assert status == decided(*mix), mix


def test_the_memos_that_outlive_a_description_stay_within_their_limits() -> None:
    """Audits of several descriptions at every evidence level with tiny limits: no memo grows past its limit."""
    memos = {"_JUDGED": "JUDGED_LIMIT", "_DECIDED": "DECIDED_LIMIT", "_BARE": "BARE_LIMIT"}
    with pytest.MonkeyPatch.context() as patch:
        for memo, limit in memos.items():
            patch.setattr(engine, memo, {})
            patch.setattr(engine, limit, 5)
        seen = dict.fromkeys(memos, 0)
        for name in DESCRIPTIONS[:3]:
            for evidence in EVIDENCE:
                audited(original(name), evidence)
                for memo in memos:
                    assert len(getattr(engine, memo)) <= 5, memo
                    seen[memo] = max(seen[memo], len(getattr(engine, memo)))
        assert all(most == 5 for most in seen.values()), seen  # each filled up, so each was emptied on the way


def test_a_kept_weakest_standing_is_the_one_worked_out_for_every_mix_of_standings() -> None:
    """Every list of standings (each value once or twice, in every order): the kept answer is the plain one."""
    values: list[str | None] = [None, *(s.value for s in Standing)]
    for size in range(len(values) + 2):
        for mix in itertools.product(values, repeat=size) if size <= 3 else itertools.combinations(values * 2, size):
            assert attribution.weakest(list(mix)) == _weakest_afresh(list(mix)), mix
    assert attribution.weakest(["reported", "disputed", "alleged"]) == "disputed"
    assert attribution.weakest(["alleged", "disputed"]) == "disputed"  # equal rank: disputed first
    assert attribution.weakest([None, None]) is None


def _statements(deployment: Deployment) -> list[Any]:
    """Every statement of a description (a fact, and each side of one stating law and practice apart)."""
    out = []
    for path in catalogue():
        fact = get_fact(deployment, path)
        if fact is not None:
            out += [s for s in (fact, fact.law, fact.practice) if s is not None]
    return out


@pytest.mark.parametrize("name", DESCRIPTIONS)
def test_a_remembered_standing_is_the_statements_own_under_its_descriptions_sources(name: str) -> None:
    """A statement's standing, remembered for one tuple of sources, never answers for other sources."""
    deployment = load(original(name))
    statements = _statements(deployment)
    assert any(s.standing is None and s.sources for s in statements)  # some standings come from the sources
    first = [deployment.standing(s) for s in statements]
    assert first == [_standing_afresh(deployment, s) for s in statements]
    assert [deployment.standing(s) for s in statements] == first  # asked again (remembered): the same
    # The same statements under other sources: every source a party's claim, or the description's without kinds.
    kinds = type(deployment.sources[0]).model_fields["kind"].annotation
    claim = next(k for k in typing.get_args(kinds) if k is not type(None))("party_claim")
    for sources, differs in (
        (tuple(s.model_copy(update={"kind": claim}) for s in deployment.sources), True),
        (tuple(s.model_copy(update={"kind": None}) for s in deployment.sources), False),
        ((), True),
    ):
        other = deployment.model_copy(update={"sources": sources})
        again = [other.standing(s) for s in statements]
        assert again == [_standing_afresh(other, s) for s in statements]
        assert again != first or not differs
    assert [deployment.standing(s) for s in statements] == first
