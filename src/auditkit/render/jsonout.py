"""The canonical JSON form of an AuditResult (and of a batch of them)."""

from __future__ import annotations

import json
from typing import Any

from auditkit.model.result import AuditResult, BatchResult
from auditkit.render import RenderOptions


def _floats_as_python_writes_them(data: Any) -> bool:
    """True when orjson writes every float in ``data`` as Python's repr does.

    They can only differ on the floats repr writes with an exponent (below 1e-4 or from 1e16 on, such as
    1e-05, which orjson writes 0.00001), and on infinities and NaN. A walk over the data is faster than a
    scan of the text it becomes.
    """
    stack = [data]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is float and item and not 1e-4 <= abs(item) < 1e16:
            return False
    return True


def dumps(data: Any, *, floats_checked: bool | None = None) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline.

    The bytes are those of ``json.dumps(data, indent=2, sort_keys=True,
    ensure_ascii=False)``; orjson writes them about fifteen times faster
    (with an indent, the json module falls back to pure Python), which is
    most of the time a batch of a thousand results takes to encode. Where
    orjson would differ (integers beyond 64 bits, some float forms) or is
    not installed, the json module writes them. ``floats_checked``: the
    caller has already found whether every float is one orjson writes as
    the json module does (``_result_floats_ok``, for an audit result).
    """
    fast = None
    if floats_checked if floats_checked is not None else _floats_as_python_writes_them(data):
        try:
            import orjson

            fast = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        except (ImportError, TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            fast = None
    if fast is not None:
        return fast + b"\n"
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


_ENTRY_HEAD, _ENTRY_TAIL = b'{\n  "results": [\n', b"\n  ]\n}\n"


def dumps_entry(data: Any, *, floats_checked: bool | None = None) -> bytes:
    """``data`` as one entry of a batch document's results (what ``batch.json_pieces`` joins).

    The bytes of ``dumps(data)`` indented two levels deeper, without the final newline. The encoder
    writes the deeper indentation itself, as part of a one-entry batch whose opening and closing lines
    are then cut off, instead of a second pass over a result's 200-odd kilobytes to re-indent them.
    """
    whole = dumps({"results": [data]}, floats_checked=floats_checked)
    return whole[len(_ENTRY_HEAD) : -len(_ENTRY_TAIL)]


def result_entry(result: AuditResult) -> bytes:
    """An audit result as one entry of a batch document's results (``dumps_entry`` of its dump)."""
    data = result.model_dump(mode="json")
    return dumps_entry(data, floats_checked=_result_floats_ok(data))


# Where a dumped AuditResult can hold a float, read from the models' field types: field name -> "float" (the
# value may be a float), "walk" (look through the whole value), or ("model" | "items" | "values", plan) for a
# nested model, a list of them, or a dict of them. Fields that cannot hold a float are left out.
_PLAN: dict[str, Any] = {}


def _result_floats_ok(data: dict[str, Any]) -> bool:
    """``_floats_as_python_writes_them`` for the dump of an AuditResult, looking only where floats can be."""
    if not _PLAN:
        _PLAN.update(float_plan(AuditResult))
    return _planned(data, _PLAN)


def _planned(data: dict[str, Any], plan: dict[str, Any]) -> bool:
    for name, where in plan.items():
        value = data.get(name)
        if value is None:
            continue
        if where == "float":
            if type(value) is float and value and not 1e-4 <= abs(value) < 1e16:
                return False
        elif where == "walk":
            if not _floats_as_python_writes_them(value):
                return False
        else:
            shape, inner = where
            items = [value] if shape == "model" else value if shape == "items" else list(value.values())
            if not all(type(item) is dict and _planned(item, inner) for item in items if item is not None):
                return False
    return True


def float_plan(model: type[Any]) -> dict[str, Any]:
    """The fields of a pydantic model (computed ones too) whose dump can hold a float, and where."""
    from pydantic import BaseModel

    assert issubclass(model, BaseModel)
    decorators = model.__pydantic_decorators__
    if decorators.field_serializers or decorators.model_serializers:  # the dump's shape is the serializer's
        return {name: "walk" for name in [*model.model_fields, *model.model_computed_fields]}
    types = {name: info.annotation for name, info in model.model_fields.items()}
    types.update({name: info.return_type for name, info in model.model_computed_fields.items()})
    return {name: where for name, tp in types.items() if (where := _where(tp)) is not None}


def _where(tp: Any) -> Any:
    """How a value of type ``tp`` can hold a float (see _PLAN), or None when it cannot."""
    import enum
    import types
    import typing

    from pydantic import BaseModel

    if tp is float:
        return "float"
    if tp in (str, int, bool, type(None)) or (isinstance(tp, type) and issubclass(tp, enum.Enum)):
        return None  # an enum is dumped as its value; auditkit's enums are all text
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        plan = float_plan(tp)
        return ("model", plan) if plan else None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        found = [w for w in map(_where, args) if w is not None]
        return None if not found else found[0] if len(found) == 1 else "walk"
    if origin in (list, tuple) and args and (origin is list or args[-1] is Ellipsis):
        inner = _where(args[0])
        return None if inner is None else ("items", inner[1]) if inner[0] == "model" else "walk"
    if origin is dict and len(args) == 2:
        inner = _where(args[1])
        return None if inner is None else ("values", inner[1]) if inner[0] == "model" else "walk"
    return "walk"  # Any, or a type this reading does not know: look through the whole value


def render(result: AuditResult, options: RenderOptions) -> bytes:
    """The result as indented JSON with sorted keys (the options change nothing)."""
    data = result.model_dump(mode="json")
    return dumps(data, floats_checked=_result_floats_ok(data))


def render_batch(results: list[AuditResult]) -> bytes:
    """Several results as one JSON document (``auditkit audit`` given several files, ``--format json``)."""
    return dumps(BatchResult(results=results).model_dump(mode="json"))
