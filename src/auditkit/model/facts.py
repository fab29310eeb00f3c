"""Facts: one answer to one audit question, with the sources behind it.

A fact is written ``{value: ..., sources: [id, ...]}``. The auditor who could
not establish it writes ``unknown`` (or leaves it out); when the operator
keeps it secret, ``undisclosed``. Neither is ever turned into a value that
changes a verdict.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


class Missing(StrEnum):
    """Why a fact has no value."""

    UNKNOWN = "unknown"
    UNDISCLOSED = "undisclosed"


_YES = {"true": True, "yes": True, "false": False, "no": False}


class Fact(BaseModel):
    """Base of every fact type; subclasses say what a known value may be."""

    # defer_build: no validator is built at import; Deployment builds one on first use (start-up time).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    value: Any = Field(description="The answer, or 'unknown', or 'undisclosed'.")
    sources: tuple[str, ...] = Field(
        default=(), description="Ids of entries in the top-level 'sources' list that support the answer.")
    note: str | None = Field(default=None, description="Optional: how the answer was read from the sources.")

    expected: ClassVar[str] = "a value"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str) and data.strip().lower() in ("unknown", "undisclosed"):
            return {"value": data.strip().lower()}
        if not isinstance(data, dict):
            raise PydanticCustomError(
                "fact_shape",
                "a fact is written as '{value: ..., sources: [...]}', or 'unknown' or 'undisclosed'; "
                "expected {expected}, with the id of the source that supports it",
                {"expected": cls.expected})
        return data

    @model_validator(mode="after")
    def _check(self) -> Fact:
        raw = self.value
        if isinstance(raw, str) and raw.strip().lower() in ("unknown", "undisclosed"):
            object.__setattr__(self, "value", Missing(raw.strip().lower()))
            return self
        object.__setattr__(self, "value", self.coerce(raw))
        if not self.sources:
            raise PydanticCustomError(
                "fact_unsourced",
                "a known fact needs its source; add 'sources: [id]' naming an entry of the top-level "
                "'sources' list, or write 'unknown'")
        return self

    @classmethod
    def coerce(cls, raw: Any) -> Any:
        return raw

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        """JSON Schema of a known value, for editors."""
        return {}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        missing = {"enum": [m.value for m in Missing]}
        target["properties"]["value"] = {"anyOf": [cls.value_schema(), missing],
                                         "description": "The answer, or 'unknown', or 'undisclosed'."}
        target["properties"]["sources"] = {"type": "array", "items": {"type": "string"},
                                           "description": target["properties"]["sources"].get("description", "")}
        target["required"] = ["value"]
        return {"anyOf": [schema, missing]}

    @property
    def known(self) -> bool:
        """True when the fact holds an answer rather than unknown/undisclosed."""
        return not isinstance(self.value, Missing)


class YesNo(Fact):
    """A yes/no fact."""

    expected: ClassVar[str] = "yes or no"

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        return {"anyOf": [{"type": "boolean"}, {"enum": ["yes", "no"]}]}

    @classmethod
    def coerce(cls, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _YES:
            return _YES[raw.strip().lower()]
        raise PydanticCustomError("fact_value", "'{raw}' is not an answer here; expected yes, no, "
                                  "unknown or undisclosed", {"raw": str(raw)})


class Count(Fact):
    """A whole number of zero or more (days, cameras, people)."""

    expected: ClassVar[str] = "a whole number"

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0}

    @classmethod
    def coerce(cls, raw: Any) -> int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise PydanticCustomError("fact_value", "'{raw}' is not a whole number of zero or more; "
                                      "expected a number such as 30, or unknown or undisclosed",
                                      {"raw": str(raw)})
        return raw


class Choice(Fact):
    """A fact whose answer is one of a fixed list; subclasses set ``choices``."""

    choices: ClassVar[dict[str, str]] = {}
    expected: ClassVar[str] = "one of the listed answers"

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.expected = "one of: " + ", ".join(cls.choices)

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        return {"enum": list(cls.choices)}

    @classmethod
    def coerce(cls, raw: Any) -> str:
        if isinstance(raw, str) and raw in cls.choices:
            return raw
        allowed = ", ".join(cls.choices)
        raise PydanticCustomError("fact_value", "'{raw}' is not one of the allowed answers; expected one "
                                  "of: {allowed}", {"raw": str(raw), "allowed": allowed})
