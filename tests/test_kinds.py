"""Fact kinds own their behaviour: what each accepts, what it expects, how it reads, what rules may compare."""

from __future__ import annotations

import math

import pytest
from pydantic_core import PydanticCustomError

from auditkit.engine import _rows
from auditkit.model.catalog import catalogue
from auditkit.model.facts import Amount, Duration, Fact
from auditkit.model.kinds import Choice, Count, Period, Tally, YesNo
from auditkit.rules.lint import case_deployment


def test_every_fact_has_one_of_the_kinds() -> None:
    kinds = {info.kind for info in catalogue().values()}
    assert YesNo in kinds and Count in kinds and Tally in kinds
    assert all(k in (YesNo, Count, Tally, Period) or issubclass(k, Choice) for k in kinds)


def test_a_tally_is_a_count_that_says_what_period_it_covers() -> None:
    assert issubclass(Tally, Count) and Tally.expected == Count.expected  # rules compare it as a count
    month = Tally.model_validate({"value": {"at_least": 40000}, "per": "month", "sources": ["a"]})
    assert (month.value, month.period_words()) == (Amount(40000, None), " a month")
    assert Tally.model_validate({"value": 5, "sources": ["a"]}).period_words() == ""
    assert "per" not in Count.model_fields  # a camera count or a database size is not over a period


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        (YesNo, [True, "yes", " No ", "TRUE"], ["maybe", 1, None]),
        (Count, [0, 30, {"at_least": 10}, {"about": 400}], [-1, True, "thirty", 2.5]),
        (Period, [{"days": 30}, {"hours": 1}, "indefinite", "Immediately"], [30, {"weeks": 2}, "never"]),
    ],
)
def test_a_kind_accepts_its_answers_and_names_what_it_expects(
    kind: type[Fact], good: list[object], bad: list[object]
) -> None:
    assert all(kind.accepts(value) for value in good)
    assert not any(kind.accepts(value) for value in bad)
    with pytest.raises(PydanticCustomError) as refused:
        kind.coerce(bad[0])
    assert str(refused.value).endswith(f"expected {kind.expected}, or unknown or undisclosed")


def test_a_choice_expects_its_own_list() -> None:
    info = catalogue()["scope.scanning"]
    assert info.kind.expected == "one of: " + ", ".join(k for k, _ in info.choices)
    assert info.kind.accepts("targeted") and not info.kind.accepts("everyone")
    assert info.kind.finite_answers() == tuple(k for k, _ in info.choices)


def test_yes_no_words_are_read_in_one_place() -> None:
    assert [YesNo.read_answer(w) for w in ("yes", " No", "TRUE", "false", "maybe", 1)] == [
        True,
        False,
        True,
        False,
        "maybe",
        1,
    ]
    assert Count.read_answer("yes") == "yes"  # only yes/no facts read yes/no words


def test_what_a_rule_may_compare_each_kind_with() -> None:
    assert YesNo.comparable(True) and not YesNo.comparable("yes")
    assert Count.comparable(30) and not Count.comparable(True)
    assert not Period.comparable(30) and Period.ordered  # compared with {days: N} or {hours: N}
    assert Count.ordered and not YesNo.ordered


def test_known_values_in_plain_words() -> None:
    assert [YesNo.describe(True), YesNo.describe(False)] == ["yes", "no"]
    assert Count.describe(Amount(10, 20)) == "between 10 and 20" and Count.describe(7) == "7"
    assert Period.describe(Duration(48)) == "2 days"
    assert catalogue()["scope.scanning"].describe("targeted") == dict(catalogue()["scope.scanning"].choices)["targeted"]


def test_representative_answers_for_the_bounds() -> None:
    assert YesNo.candidates([5]) == (True, False)
    assert Count.candidates([30, 0, 31]) == (0, 30, 31)
    assert Period.candidates([24]) == (24, math.inf)


def test_an_unknown_side_of_a_yes_no_fact_reads_unknown_not_yes() -> None:
    deployment = case_deployment({"retention.sunset_clause": {"law": True, "practice": "unknown"}})
    rows = _rows("retention.sunset_clause", deployment, "reported", counted=True)
    assert [(r.aspect, r.display) for r in rows] == [("law", "yes"), ("practice", "unknown")]
