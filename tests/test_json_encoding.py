"""The fast JSON path writes exactly the bytes of the json module, for results and for awkward values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.batch import json_pieces, nest  # nest: the re-indenting pass dumps_entry saves
from auditkit.render import RenderOptions, jsonout


def reference(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    "value",
    [
        "\x00\x1f\x7f",
        "\u2028",
        "é漢字🙂",
        '"\\/',
        "\t\n\r\b\f",
        0.1,
        16.65,
        1e16,
        1e-7,
        1e-05,
        5e-324,
        1.5e300,
        -0.0,
        2**63,
        2**70,
        -(2**70),
        True,
        None,
        {},
        [],
        [[]],
        {"b": 1, "a": {}},
    ],
)
def test_awkward_values(value: Any) -> None:
    assert jsonout.dumps({"k": value, "list": [value]}) == reference({"k": value, "list": [value]})
    assert jsonout.dumps_entry({"k": value}) == nest(reference({"k": value}))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=1000, deadline=None)
@given(json_values)
def test_any_json_value(value: Any) -> None:
    assert jsonout.dumps(value) == reference(value)
    assert jsonout.dumps_entry(value) == nest(reference(value))


def test_an_audit_result() -> None:
    from pathlib import Path

    from auditkit.engine import audit
    from auditkit.model.load import load_deployment
    from auditkit.rules.loader import load_framework

    root = Path(__file__).resolve().parents[1] / "examples"
    result = audit(load_deployment(root / "moscow-safe-city-frt.yaml"), [load_framework("agora-2020")])
    data = result.model_dump(mode="json")
    assert jsonout.dumps(data) == reference(data)
    assert jsonout.dumps_entry(data) == nest(reference(data))
    batch = {"results": [data, data], "schema_version": 3}
    assert b"".join(json_pieces([jsonout.dumps_entry(data)] * 2)) == reference(batch)


def moscow() -> Any:
    from pathlib import Path

    from auditkit.engine import audit
    from auditkit.model.load import load_deployment
    from auditkit.rules.loader import load_framework

    root = Path(__file__).resolve().parents[1] / "examples"
    return audit(load_deployment(root / "moscow-safe-city-frt.yaml"), [load_framework("agora-2020")])


def test_the_float_plan_of_a_result_names_every_float_field() -> None:
    """The result's floats are looked for only where its models' types allow them: these fields."""
    from auditkit.model.result import AuditResult

    plan = jsonout.float_plan(AuditResult)
    assert plan["score"] == ("model", {"low": "float", "high": "float"})
    principles = plan["principles"][1]
    assert principles["coverage"] == "float" and principles["to_settle"] == ("items", {"narrows": "float"})
    assert plan["information_gaps"] == ("items", {"narrows": "float"})
    assert plan["scoring"][1]["met_at"] == "float" and plan["scoring"][1]["grades"] == "walk"
    assert "findings" not in plan and "deployment" not in plan  # text, whole numbers, yes/no only


@pytest.mark.parametrize(
    "where",
    ["score", "principle score", "coverage", "settling", "gap", "threshold", "grade threshold"],
)
@pytest.mark.parametrize("value", [1e-05, 1e16, float("inf"), float("nan")])
def test_a_float_orjson_writes_differently_anywhere_in_a_result_is_written_as_json_does(
    where: str, value: float
) -> None:
    """A result with one float that orjson would write otherwise is caught by the plan and written by json."""
    result = moscow()
    data = result.model_dump(mode="json")
    target = {
        "score": lambda d: d["score"],
        "principle score": lambda d: d["principles"][2]["score"],
        "coverage": lambda d: d["principles"][3],
        "settling": lambda d: next(s for p in d["principles"] for s in p["to_settle"]),
        "gap": lambda d: d["information_gaps"][-1],
        "threshold": lambda d: d["scoring"],
        "grade threshold": lambda d: d["scoring"]["grades"],
    }[where](data)
    key = {"score": "low", "principle score": "high", "coverage": "coverage", "settling": "narrows"}.get(
        where, "narrows" if where == "gap" else "met_at" if where == "threshold" else "C"
    )
    assert key in target
    target[key] = value
    assert not jsonout._result_floats_ok(data)
    assert jsonout.dumps(data, floats_checked=jsonout._result_floats_ok(data)) == reference(data)


def test_a_result_through_the_plan_is_the_json_module_s_bytes() -> None:
    result = moscow()
    data = result.model_dump(mode="json")
    assert jsonout._result_floats_ok(data) and jsonout._floats_as_python_writes_them(data)
    assert jsonout.render(result, RenderOptions()) == reference(data)
    assert jsonout.result_entry(result) == nest(reference(data))


# --- parts encoded once and reused (jsonout._encoded) ---------------------------------------------------------


def _audits() -> list[Any]:
    """Every bundled example and valid fixture, at three evidence levels, with the default and the mini rule sets."""
    from pathlib import Path

    from auditkit.engine import audit
    from auditkit.errors import InputError
    from auditkit.model.load import load_deployment
    from auditkit.rules.loader import load_framework

    root = Path(__file__).resolve().parents[1]
    frameworks = [load_framework("agora-2020"), load_framework(str(root / "tests/fixtures/frameworks/mini"))]
    results = []
    for path in sorted((root / "examples").glob("*.yaml")) + sorted((root / "tests/fixtures").glob("*.yaml")):
        try:
            loaded = load_deployment(path)
        except InputError:
            continue
        results += [audit(loaded, [f], evidence) for f in frameworks for evidence in ("established", "alleged")]
    return results


def _both_ways(result: Any) -> None:
    """render and result_entry of ``result`` are the json module's bytes of its JSON-mode dump."""
    expected = reference(result.model_dump(mode="json"))
    assert jsonout.render(result, RenderOptions()) == expected
    assert jsonout.result_entry(result) == nest(expected)


def test_every_result_is_the_json_module_s_bytes_when_parts_are_reused() -> None:
    """Each result twice: once encoding its parts, once reusing them (or parts left by the result before)."""
    results = _audits()
    assert len(results) >= 20 and any(not f.facts for r in results for f in r.findings)
    for result in results + results[::-1]:
        _both_ways(result)


def test_a_rule_whose_text_differs_is_encoded_anew() -> None:
    """The same framework and rule id with other text (another copy of a pack): never the earlier bytes."""
    from auditkit.model.result import RequirementLine

    result = moscow()
    _both_ways(result)  # the rule text of every finding is now known
    awkward = [
        {"title": 'A "title"\nacross lines \u2028 \x00 é漢字🙂'},
        {"rationale": ""},
        {"references": []},
        {"references": [{"instrument": "Law", "locator": "s. 1", "url": "https://example.org", "extra": "\t"}]},
        {"requirement": [RequirementLine(depth=0, text="one"), RequirementLine(depth=3, text="deep\\line")]},
        {"remedy": "\\/"},
    ]
    for change in awkward:
        findings = [f.model_copy(update=change) if i % 3 == 0 else f for i, f in enumerate(result.findings)]
        _both_ways(result.model_copy(update={"findings": findings}))
        _both_ways(result)  # and back


def test_a_finding_encoded_whole_is_reused_for_that_very_object_only() -> None:
    from auditkit.model.result import Status

    result = moscow()
    _both_ways(result)
    bare = [i for i, f in enumerate(result.findings) if not f.facts]
    assert bare  # findings showing no fact are encoded whole, for the next result sharing them
    for key in [(f.framework, f.rule, 5) for f in result.findings if not f.facts]:
        assert jsonout._FINDING_CACHE[key][0] in result.findings
    # Equal in its rule and rule text but another object, with another explanation and status: encoded anew.
    changed = [
        f.model_copy(update={"explanation": "Changed.", "status": Status.MET}) if i in bare else f
        for i, f in enumerate(result.findings)
    ]
    _both_ways(result.model_copy(update={"findings": changed}))
    _both_ways(result)


def test_a_whole_number_put_unvalidated_into_a_float_field_is_written_as_pydantic_writes_it() -> None:
    """model_copy(update=...) does not validate: 3 in a float field is 3.0 in pydantic's JSON mode, so here too.

    A threshold typed int | float keeps a whole number whole (85 stays 85), on both paths.
    """
    result = moscow()
    principles = [p.model_copy(update={"coverage": 1}) if i == 2 else p for i, p in enumerate(result.principles)]
    for changed in (
        result.model_copy(update={"score": result.score.model_copy(update={"low": 3})}),  # type: ignore[union-attr]
        result.model_copy(update={"principles": principles}),
    ):
        assert jsonout._encoded(changed, depth=3, wrap=lambda data: data) is None
        _both_ways(changed)
    assert isinstance(result.scoring.met_at, int)
    assert jsonout._encoded(result, depth=3, wrap=lambda data: data) is not None


def test_odd_floats_in_a_result_are_written_as_the_json_module_writes_them() -> None:
    from auditkit.model.result import ScoreRange

    result = moscow()
    for value in (1e-05, 1e16, float("inf")):
        _both_ways(result.model_copy(update={"score": ScoreRange(low=value, high=100.0)}))


def test_a_result_holds_only_types_orjson_writes_as_their_json_form() -> None:
    """The fast path dumps in pydantic's Python mode: its values must encode exactly as the JSON mode's.

    That holds for text, numbers, yes/no, null, lists, tuples, dicts with text keys, models without custom
    serializers, and enums whose values are text. A field of any other type (a date, a set, a Decimal) fails here.
    """
    import enum
    import types
    import typing

    from pydantic import BaseModel

    from auditkit.model.result import AuditResult

    def leaves(tp: Any, seen: set[Any]) -> set[Any]:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                return set()
            seen.add(tp)
            decorators = tp.__pydantic_decorators__
            assert not decorators.field_serializers and not decorators.model_serializers, tp
            hints = [f.annotation for f in tp.model_fields.values()]
            hints += [f.return_type for f in tp.model_computed_fields.values()]
            return set().union(*(leaves(h, seen) for h in hints))
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin in (typing.Union, types.UnionType, list, tuple):
            return set().union(*(leaves(a, seen) for a in args if a is not Ellipsis))
        if origin is dict:
            assert args[0] is str, tp
            return leaves(args[1], seen)
        return {tp}

    found = leaves(AuditResult, set())
    plain = {str, int, float, bool, type(None)}
    assert all(t in plain or (issubclass(t, enum.Enum) and issubclass(t, str)) for t in found), found - plain


def test_every_result_takes_the_fast_encoding_and_its_entry_is_a_view() -> None:
    """No result of the examples and fixtures falls back to the slow path unnoticed, nor copies its entry."""
    for result in _audits():
        assert jsonout._encoded(result, depth=3, wrap=lambda data: data) is not None
        entry = jsonout.result_entry(result)
        assert isinstance(entry, memoryview) and entry.tobytes() == nest(reference(result.model_dump(mode="json")))


def test_a_model_whose_dump_is_not_its_fields_is_refused() -> None:
    """The fast path writes a model's fields as they are: a class whose dump is something else is refused."""
    from functools import cached_property

    from pydantic import BaseModel, ConfigDict, Field, computed_field, field_serializer

    class Serialized(BaseModel):
        x: int

        @field_serializer("x")
        def _twice(self, x: int) -> int:
            return 2 * x

    class Aliased(BaseModel):
        x: int = Field(serialization_alias="y")

    class Excluded(BaseModel):
        x: int = Field(exclude=True)

    class Extra(BaseModel):
        model_config = ConfigDict(extra="allow")

    class Cached(BaseModel):
        x: int

        @cached_property
        def double(self) -> int:
            return 2 * self.x

    class Computed(BaseModel):
        x: float

        @computed_field  # type: ignore[prop-decorator]
        @property
        def half(self) -> float:
            return self.x / 2

    for refused in (Serialized, Aliased, Excluded, Extra, Cached, int, dict):
        assert jsonout._shape(refused) is None, refused
    shape = jsonout._shape(Computed)
    assert shape is not None and shape.computed == ("half",) and set(shape.floats) == {"x", "half"}
    assert shape.only_floats == {"x", "half"}
    fields = jsonout._fields(3, lambda data: data)
    assert fields(Computed(x=3.0)) == {"x": 3.0, "half": 1.5}
    for odd in (Computed(x=1.5e-4), Computed.model_construct()):  # a computed float orjson writes otherwise; no x
        with pytest.raises(TypeError):
            fields(odd)


@pytest.mark.parametrize("model", ["DeploymentInfo", "Finding", "ScoreRange", "AuditResult"])
def test_a_refused_model_anywhere_in_a_result_is_encoded_as_before(model: str, monkeypatch: Any) -> None:
    """When one model is refused, the whole result is encoded the old way, to the same bytes."""
    from auditkit.model import result as models

    result = moscow()
    monkeypatch.setitem(jsonout._SHAPES, getattr(models, model), None)
    assert jsonout._encoded(result, depth=3, wrap=lambda data: data) is None
    _both_ways(result)
    assert isinstance(jsonout.result_entry(result), bytes)
