"""The rule model: one list of condition operators, and conditions parsed once into typed nodes."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from auditkit.model.facts import Duration
from auditkit.rules.model import AllOf, AnyOf, Leaf, Not, Operator, facts_read, leaves, parse_condition


def _schema_leaf_forms() -> list[dict[str, Any]]:
    text = resources.files("auditkit").joinpath("schemas", "rule.schema.json").read_text(encoding="utf-8")
    forms: list[dict[str, Any]] = json.loads(text)["$defs"]["condition"]["oneOf"]
    return [form for form in forms if "fact" in form["required"]]


def test_the_schema_allows_exactly_the_operators_of_the_enum() -> None:
    operators = [next(k for k in form["required"] if k != "fact") for form in _schema_leaf_forms()]
    assert sorted(operators) == sorted(op.value for op in Operator)
    assert len(operators) == len(set(operators)), "an operator has two leaf forms in the schema"


def test_a_condition_is_parsed_into_frozen_nodes() -> None:
    cond = parse_condition(
        {
            "all": [
                {"fact": "retention.sunset_clause", "is": "yes"},
                {
                    "any": [
                        {"fact": "scope.scanning", "in": ["targeted"]},
                        {"fact": "retention.max_days", "at_most": 30},
                    ]
                },
                {"not": {"fact": "security.known_leaks", "disclosed": True}},
            ]
        }
    )
    assert cond == AllOf(
        (
            Leaf(fact="retention.sunset_clause", op=Operator.IS, values=(True,)),  # 'yes' read once, as a yes/no answer
            AnyOf(
                (
                    Leaf(fact="scope.scanning", op=Operator.IN, values=("targeted",)),
                    Leaf(fact="retention.max_days", op=Operator.AT_MOST, limit=30),
                )
            ),
            Not(Leaf(fact="security.known_leaks", op=Operator.DISCLOSED)),
        )
    )
    assert [leaf.fact for leaf in leaves(cond)] == [
        "retention.sunset_clause",
        "scope.scanning",
        "retention.max_days",
        "security.known_leaks",
    ]
    assert facts_read(cond, parse_condition({"fact": "scope.scanning", "is": "targeted"})) == (
        "retention.sunset_clause",
        "scope.scanning",
        "retention.max_days",
        "security.known_leaks",
    )


def test_yes_no_words_are_read_only_for_yes_no_facts() -> None:
    assert parse_condition({"fact": "scope.scanning", "is": "yes"}) == Leaf(
        fact="scope.scanning", op=Operator.IS, values=("yes",)
    )
    assert parse_condition({"fact": "retention.sunset_clause", "in": ["No", True]}) == Leaf(
        fact="retention.sunset_clause", op=Operator.IN, values=(False, True)
    )


def test_a_period_limit_is_compared_in_hours_and_kept_as_written() -> None:
    leaf = parse_condition({"fact": "retention.max_days", "at_least": {"days": 2}})
    assert leaf == Leaf(fact="retention.max_days", op=Operator.AT_LEAST, limit=Duration(48))
    assert isinstance(leaf, Leaf) and leaf.bound == 48 and leaf.written_limit == {"days": 2}
