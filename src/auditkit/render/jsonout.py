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


def dumps(data: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline.

    The bytes are those of ``json.dumps(data, indent=2, sort_keys=True,
    ensure_ascii=False)``; orjson writes them about fifteen times faster
    (with an indent, the json module falls back to pure Python), which is
    most of the time a batch of a thousand results takes to encode. Where
    orjson would differ (integers beyond 64 bits, some float forms) or is
    not installed, the json module writes them.
    """
    fast = None
    if _floats_as_python_writes_them(data):
        try:
            import orjson

            fast = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        except (ImportError, TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
            fast = None
    if fast is not None:
        return fast + b"\n"
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


_ENTRY_HEAD, _ENTRY_TAIL = b'{\n  "results": [\n', b"\n  ]\n}\n"


def dumps_entry(data: Any) -> bytes:
    """``data`` as one entry of a batch document's results (what ``batch.json_pieces`` joins).

    The bytes of ``dumps(data)`` indented two levels deeper, without the final newline. The encoder writes the deeper indentation itself, as part of a one-entry batch whose opening and closing
    lines are then cut off, instead of a second pass over a result's 200-odd kilobytes to re-indent them.
    """
    whole = dumps({"results": [data]})
    return whole[len(_ENTRY_HEAD) : -len(_ENTRY_TAIL)]


def render(result: AuditResult, options: RenderOptions) -> bytes:
    """The result as indented JSON with sorted keys (the options change nothing)."""
    return dumps(result.model_dump(mode="json"))


def render_batch(results: list[AuditResult]) -> bytes:
    """Several results as one JSON document (``auditkit audit`` given several files, ``--format json``)."""
    return dumps(BatchResult(results=results).model_dump(mode="json"))
