"""The canonical JSON form of an AuditResult (and of a batch of them)."""

from __future__ import annotations

import json
import re
from typing import Any

from auditkit.model.result import AuditResult, BatchResult
from auditkit.render import RenderOptions

# A number that is a whole line's value: '"key": 1.5' or an array item, with its comma. JSON output has no raw
# newline inside a string, so these are never inside a string.
_NUMBER = re.compile(rb"(?m)(?:: |^ *)(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?),?$")


def _floats_as_python_writes_them(text: bytes) -> bool:
    """True when every non-integer number is written as Python's repr writes it (orjson writes 1e-05 as
    0.00001 and 1e-07 as 1e-7); the json module's output is the reference."""
    for match in _NUMBER.finditer(text):
        token = match.group(1)
        if (b"." in token or b"e" in token or b"E" in token) and repr(float(token)).encode() != token:
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
    try:
        import orjson
        fast = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    except (ImportError, TypeError, ValueError):  # orjson.JSONEncodeError is a TypeError
        fast = None
    if fast is not None and _floats_as_python_writes_them(fast):
        return fast + b"\n"
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def render(result: AuditResult, options: RenderOptions) -> bytes:
    return dumps(result.model_dump(mode="json"))


def render_batch(results: list[AuditResult]) -> bytes:
    return dumps(BatchResult(results=results).model_dump(mode="json"))
