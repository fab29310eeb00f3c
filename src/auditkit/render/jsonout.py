"""The canonical JSON form of an AuditResult (and of a batch of them)."""

from __future__ import annotations

import json
from typing import Any

from auditkit.model.result import AuditResult, BatchResult
from auditkit.render import RenderOptions


def dumps(data: Any) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, trailing newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def render(result: AuditResult, options: RenderOptions) -> bytes:
    return dumps(result.model_dump(mode="json"))


def render_batch(results: list[AuditResult]) -> bytes:
    return dumps(BatchResult(results=results).model_dump(mode="json"))
