"""The canonical JSON form of an AuditResult (and of a batch of them)."""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from auditkit.model.result import AuditResult, BatchResult, Finding
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


def result_entry(result: AuditResult) -> bytes | memoryview:
    """An audit result as one entry of a batch document's results (``dumps_entry`` of its dump).

    A view into the encoder's bytes where it can be, not a copy: copying a result's 240 KB into fresh
    memory took a fifth of the time its encoding takes.
    """
    fast = _encoded(result, depth=5, wrap=lambda data: {"results": [data]})
    if fast is not None:  # encoded without the final newline
        return memoryview(fast)[len(_ENTRY_HEAD) : len(fast) + 1 - len(_ENTRY_TAIL)]
    data = result.model_dump(mode="json")
    return dumps_entry(data, floats_checked=_result_floats_ok(data))


# Parts of a result that are the same from one description to the next are encoded once per process, kept beside
# what they were encoded from, and reused only for equal values (a batch worker spent 0.65 ms encoding a
# Moscow-sized result, half of it on such parts):
# - what a finding takes from its rule's text (references also from the legal orders the description names),
#   two-fifths of a result's bytes; reused while the finding's values are equal to those encoded;
# - a whole finding the engine shares between descriptions (one that shows no fact: engine._shared_finding),
#   reused for that very object only.
# Each is kept per rule and depth (the last one met), so there are at most two per rule.
_RULE_TEXT = ("references", "remedy", "requirement", "rationale", "title")
_rule_text_of = operator.attrgetter(*_RULE_TEXT)
_TEXT_CACHE: dict[tuple[str, str, int], tuple[tuple[Any, ...], dict[str, Any]]] = {}
_FINDING_CACHE: dict[tuple[str, str, int], tuple[Finding, Any]] = {}


def _encoded(result: AuditResult, depth: int, wrap: Callable[[Any], Any]) -> bytes | None:
    """``dumps(wrap(dump of result))`` without its final newline, reusing what was encoded for earlier results.

    ``depth``: how deep a finding's fields lie in the document. orjson walks the result's models itself and
    asks ``_fields`` for each model's fields as they are (no dump is built: building it took two-thirds of
    the time); they hold only values orjson writes as pydantic's JSON mode does (enums as their values,
    tuples as lists; tests/test_json_encoding.py holds that on every field type a result has). None when
    orjson is missing or refuses a value, a model is not one whose dump is its fields as they are, or a float
    would be written otherwise than the json module writes it: then the caller encodes it as before.
    """
    try:
        import orjson
    except ImportError:
        return None
    try:
        return orjson.dumps(
            wrap(result), default=_fields(depth, orjson.Fragment), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
        )
    except (TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError; so is what _fields refuses
        return None


class _Refused(TypeError):
    """A value the fast encoding does not write as the json module would: the result is encoded as before."""


@dataclass(frozen=True)
class _Shape:
    """What a model's dump is, read from its class: its fields as they are, its computed fields added."""

    size: int  # the number of fields: a model missing one, or holding more, is refused
    computed: tuple[str, ...]
    floats: tuple[str, ...]  # fields (computed ones too) that may hold a float, checked here
    walks: tuple[str, ...]  # fields whose value is looked through for floats (its models come to _fields)
    only_floats: frozenset[str]  # fields typed float (or float | None): pydantic's JSON mode writes 3 as 3.0


_SHAPES: dict[type, _Shape | None] = {}  # per model class: a function of the code only


def _shape(model: type) -> _Shape | None:
    """The shape of a model class, or None when its dump is not simply its fields (serializers, aliases...)."""
    from functools import cached_property

    from pydantic import BaseModel

    if not (isinstance(model, type) and issubclass(model, BaseModel)) or model.__pydantic_root_model__:
        return None
    decorators = model.__pydantic_decorators__
    fields = model.model_fields
    if (
        decorators.field_serializers
        or decorators.model_serializers
        or model.model_config.get("extra") == "allow"
        or any(f.alias or f.serialization_alias or f.exclude for f in fields.values())
        or any(isinstance(v, cached_property) for c in model.__mro__ for v in vars(c).values())  # would sit in __dict__
    ):
        return None
    plan = float_plan(model)
    types = {name: info.annotation for name, info in fields.items()}
    types.update({name: info.return_type for name, info in model.model_computed_fields.items()})
    return _Shape(
        size=len(fields),
        computed=tuple(model.model_computed_fields),
        floats=tuple(name for name, where in plan.items() if where == "float"),
        walks=tuple(name for name, where in plan.items() if where == "walk"),
        only_floats=frozenset(name for name, tp in types.items() if tp in (float, float | None)),
    )


def _fields(depth: int, fragment: Callable[[bytes], Any]) -> Callable[[Any], Any]:
    """orjson's ``default``: a model's fields as a dict, or a finding's with its rule text (or whole) reused."""

    def fields(obj: Any) -> Any:
        model = type(obj)
        shape = _SHAPES[model] if model in _SHAPES else _SHAPES.setdefault(model, _shape(model))
        if shape is None or len(obj.__dict__) != shape.size:
            raise _Refused(model.__name__)
        values = {**obj.__dict__, **{n: getattr(obj, n) for n in shape.computed}} if shape.computed else obj.__dict__
        for name in shape.floats:
            value = values[name]
            if type(value) is float:
                if value and not 1e-4 <= abs(value) < 1e16:
                    raise _Refused(name)
            elif value is not None and name in shape.only_floats:  # a whole number put there unvalidated: 3, not 3.0
                raise _Refused(name)
        if shape.walks and not all(_floats_as_python_writes_them(values[name]) for name in shape.walks):
            raise _Refused(model.__name__)
        return _finding(obj, values, depth, fragment) if model is Finding else values

    return fields


def _finding(finding: Finding, values: dict[str, Any], depth: int, fragment: Callable[[bytes], Any]) -> Any:
    """A finding for orjson: encoded whole for this very object before, or its fields with the rule text reused."""
    key = (finding.framework, finding.rule, depth)
    known = _FINDING_CACHE.get(key)
    if known is not None and known[0] is finding:
        return known[1]
    text = _rule_text(finding, depth, fragment)
    if text is None:
        raise _Refused("rule text")
    if not finding.facts:  # perhaps shared with the next description: encoded whole for that one
        whole = finding.model_dump(mode="json")
        if _floats_as_python_writes_them(whole):
            _FINDING_CACHE[key] = (finding, fragment(_indented(whole, depth - 1)))
    return {**values, **text}


def _rule_text(finding: Finding, depth: int, fragment: Callable[[bytes], Any]) -> dict[str, Any] | None:
    """A finding's rule-text fields, encoded and indented for ``depth``; encoded anew only when they differ."""
    values = _rule_text_of(finding)
    key = (finding.framework, finding.rule, depth)
    known = _TEXT_CACHE.get(key)
    if known is None or known[0] != values:
        dumped = finding.model_dump(mode="json", include=set(_RULE_TEXT))
        if not _floats_as_python_writes_them(dumped):
            return None
        known = _TEXT_CACHE[key] = (values, {name: fragment(_indented(v, depth)) for name, v in dumped.items()})
    return known[1]


def _indented(value: Any, depth: int) -> bytes:
    """``value`` encoded as ``dumps`` does, to be written as is ``depth`` levels deep (no final newline)."""
    return dumps(value, floats_checked=True)[:-1].replace(b"\n", b"\n" + b"  " * depth)


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
    fast = _encoded(result, depth=3, wrap=lambda data: data)
    if fast is not None:
        return fast + b"\n"
    data = result.model_dump(mode="json")
    return dumps(data, floats_checked=_result_floats_ok(data))


def render_batch(results: list[AuditResult]) -> bytes:
    """Several results as one JSON document (``auditkit audit`` given several files, ``--format json``)."""
    return dumps(BatchResult(results=results).model_dump(mode="json"))
