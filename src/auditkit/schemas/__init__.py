"""The published JSON Schemas (draft 2020-12)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema_json(kind: str) -> dict[str, Any]:
    """The schema for 'deployment', 'ruleset' (one rule file), 'framework' or 'result'."""
    if kind == "deployment":
        from auditkit.model.deployment import Deployment

        return {"$schema": DRAFT, **Deployment.model_json_schema()}
    if kind == "result":
        from auditkit.model.result import AuditResult, BatchResult

        single = AuditResult.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
        batch = BatchResult.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
        defs = {**single.pop("$defs", {}), **batch.pop("$defs", {}), "AuditResult": single}
        return {
            "$schema": DRAFT,
            "title": "auditkit audit result",
            "description": "One AuditResult, or a BatchResult {schema_version, results} when several "
            "files were audited in one call.",
            "anyOf": [{"$ref": "#/$defs/AuditResult"}, {"$ref": "#/$defs/BatchResult"}],
            "$defs": {**defs, "BatchResult": batch},
        }
    name = {"ruleset": "rule.schema.json", "framework": "framework.schema.json"}[kind]
    loaded: dict[str, Any] = json.loads(resources.files(__name__).joinpath(name).read_text(encoding="utf-8"))
    return loaded
