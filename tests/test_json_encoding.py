"""The fast JSON path writes exactly the bytes of the json module, for results and for awkward values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.batch import json_pieces, nest  # nest: the re-indenting pass dumps_entry saves
from auditkit.render import jsonout


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
