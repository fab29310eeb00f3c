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
