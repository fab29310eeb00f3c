"""Facts: one answer to one audit question, with the sources behind it.

A fact is written ``{value: ..., sources: [id, ...]}``; a citation may carry
a pinpoint, ``{id: court-2020, at: "para 94"}``. The auditor who could not
establish it writes ``unknown`` (or leaves it out); when the operator keeps
it secret, ``undisclosed``; when the question does not arise for this
programme, ``not_applicable`` with a ``reason``. None of these is ever
turned into a value that changes a verdict.

Format 2 adds how sure a fact is (``standing``) and lets a fact state what
the rules say and what happens in practice (``law:`` and ``practice:``, each
a fact of its own). See docs/format.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_serializer, field_validator, model_validator
from pydantic_core import PydanticCustomError


class Missing(StrEnum):
    """Why a fact has no value that can decide a rule."""

    UNKNOWN = "unknown"
    UNDISCLOSED = "undisclosed"
    NOT_APPLICABLE = "not_applicable"


_MISSING_WORDS = {m.value: m for m in Missing}


class Standing(StrEnum):
    """How sure a fact is."""

    ESTABLISHED = "established"
    REPORTED = "reported"
    ALLEGED = "alleged"
    DISPUTED = "disputed"


STANDING_MEANINGS: dict[str, str] = {
    "established": "shown by a legal act, a contract, the operator's own statement, or a court's or "
    "regulator's finding",
    "reported": "credible secondary reporting (press, NGOs, researchers), not established",
    "alleged": "a claim by a party, not established",
    "disputed": "the operator contests it (say where in 'contested_by')",
}
# Ranks for the evidence threshold: a fact decides rules when its rank reaches the threshold's.
STANDING_RANK: dict[Standing, int] = {
    Standing.ESTABLISHED: 3,
    Standing.REPORTED: 2,
    Standing.ALLEGED: 1,
    Standing.DISPUTED: 1,
}
EVIDENCE_LEVELS = ("established", "reported", "alleged")
#: How a fact stating law and practice decides a rule (the engine's reading; docs/format.md says the same).
SIDES_RULE = (
    "A rule is decided once on each side and the worse status wins: a breach in practice decides it even "
    "where the law complies. A rule condition may read one side with 'aspect: law' or 'aspect: practice'."
)


def check_standing(value: Any) -> Any:
    """A standing as written, or the one message for any other word (facts and contractor entries alike)."""
    if value is not None and (not isinstance(value, str) or value not in STANDING_MEANINGS):
        raise PydanticCustomError(
            "fact_standing",
            "'{raw}' is not a standing; expected one of: established, reported, alleged, disputed",
            {"raw": str(value)[:40]},
        )
    return value


class Cite(BaseModel):
    """One citation of a source: its id and, optionally, where in it (a pinpoint)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(description="The id of an entry in the top-level 'sources' list.")
    at: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Where in the source: a page, paragraph or section, such as 'para 94'.",
    )

    @model_validator(mode="before")
    @classmethod
    def _plain_id(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"id": data}
        if isinstance(data, dict):
            return data
        if isinstance(data, int | float) and not isinstance(data, bool):  # worded by the loader: put it in quotes
            raise PydanticCustomError("string_type", "Input should be a valid string")
        raise PydanticCustomError(
            "cite_shape",
            "{found} is not a citation; cite a source by its id, such as court-2020, or with a pinpoint, {form}",
            {"found": repr(data)[:40], "form": '{id: court-2020, at: "para 94"}'},
        )

    def __str__(self) -> str:
        return self.id + (f" ({self.at})" if self.at else "")

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """A citation is written as a plain id too (``sources: [act-2019]``), so editors must accept both."""
        return {"anyOf": [{"type": "string", "description": "a source id"}, handler(core_schema)]}


@dataclass(frozen=True)
class Amount:
    """A number known only within bounds: at least, at most, a range, or about."""

    low: int | None
    high: int | None
    about: int | None = None

    def text(self) -> str:
        """The amount in a report's words: 'about 1,000', 'between 5 and 10', 'at least 3'."""
        if self.about is not None:
            return f"about {self.about:,}"
        if self.low is not None and self.high is not None:
            return f"between {self.low:,} and {self.high:,}"
        return f"at least {self.low:,}" if self.low is not None else f"at most {self.high:,}"

    def as_data(self) -> dict[str, int]:
        """The amount as a description file writes it: {about: N}, or at_least and/or at_most."""
        if self.about is not None:
            return {"about": self.about}
        return {k: v for k, v in (("at_least", self.low), ("at_most", self.high)) if v is not None}


@dataclass(frozen=True)
class Duration:
    """How long data is kept, in hours; None means indefinitely."""

    hours: int | None

    def text(self) -> str:
        """The period in a report's words: '30 days', '36 hours', 'kept indefinitely', 'deleted immediately'."""
        if self.hours is None:
            return "kept indefinitely"
        if self.hours == 0:
            return "deleted immediately"
        if self.hours % 24 == 0:
            days = self.hours // 24
            return f"{days} day{'s' if days != 1 else ''}"
        return f"{self.hours} hour{'s' if self.hours != 1 else ''}"

    def as_data(self) -> str | dict[str, int]:
        """The period as a description file writes it: {days: N}, {hours: N}, 'indefinite' or 'immediately'."""
        if self.hours is None:
            return "indefinite"
        if self.hours == 0:
            return "immediately"
        return {"days": self.hours // 24} if self.hours % 24 == 0 else {"hours": self.hours}


def about_bounds(n: int) -> tuple[int, int]:
    """The range 'about N' stands for: N - 10% to N + 10% (this project's policy choice; docs/format.md)."""
    return math.floor(n * 0.9), math.ceil(n * 1.1)


class Fact(BaseModel):
    """Base of every fact type; subclasses say what a known value may be."""

    # defer_build: no validator is built at import; Deployment builds one on first use (start-up time).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    value: Any = Field(default=None, description="The answer, or 'unknown', 'undisclosed' or 'not_applicable'.")
    sources: tuple[Cite, ...] = Field(
        default=(),
        description="The sources that support the answer: ids of entries in the top-level "
        "'sources' list, or {id: ..., at: 'para 94'} with a pinpoint.",
    )
    standing: Standing | None = Field(
        default=None,
        description="How sure the answer is: established, reported, alleged or disputed. "
        "Default: the strongest standing the cited sources' kinds give.",
    )
    contested_by: tuple[Cite, ...] = Field(
        default=(), description="For a disputed fact: the sources in which the operator contests it."
    )
    reason: str | None = Field(
        default=None, min_length=1, description="Why the question does not apply (with not_applicable)."
    )
    note: str | None = Field(default=None, description="Optional: how the answer was read from the sources.")
    law: Any = Field(default=None, description="What the rules say: a fact of its own {value, sources, ...}.")
    practice: Any = Field(
        default=None, description="What happens in practice: a fact of its own {value, sources, ...}."
    )

    # What depends on the kind of answer lives on the kind's class (model/kinds.py), through these hooks.
    expected: ClassVar[str] = "a value"  # what a known answer looks like, for every message that says so
    choices: ClassVar[dict[str, str]] = {}  # the fixed answers and their meanings, for a fact of one of a list
    ordered: ClassVar[bool] = False  # whether a rule may compare it with at_most / at_least

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
                {"expected": cls.expected},
            )
        if "law" in data or "practice" in data:
            data = dict(data)
            for side in ("law", "practice"):
                if data.get(side) is not None:
                    side_data = data[side]
                    if isinstance(side_data, dict) and ("law" in side_data or "practice" in side_data):
                        raise PydanticCustomError(
                            "fact_nested",
                            "'law' and 'practice' are facts of their own and cannot hold 'law' or 'practice' again",
                        )
                    data[side] = cls._side(side, side_data)
        return data

    @classmethod
    def _side(cls, side: str, data: Any) -> Fact:
        """One side (law or practice) validated as a fact of the same type; its first problem, located by name."""
        from pydantic import ValidationError

        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in error["loc"])
            ours = error["type"].startswith(("fact_", "cite_"))
            if error["type"] == "extra_forbidden":
                message = (
                    f"unknown field '{where[:40]}'; a side has value, sources, standing, contested_by, reason, note"
                )
            elif ours:
                message = (f"{where}: " if where else "") + str(error["msg"])
            else:
                message = (
                    (f"{where}: " if where else "") + "not valid here; a side is written {value: ..., "
                    "sources: [source-id]} with optional standing, contested_by, reason and note"
                )
            raise PydanticCustomError(
                "fact_side", "in '{side}': {message}", {"side": side, "message": message}
            ) from None

    @model_validator(mode="after")
    def _check(self) -> Fact:
        if self.law is not None or self.practice is not None:
            if self.value is not None or self.sources:
                raise PydanticCustomError(
                    "fact_split",
                    "a fact written with 'law' and 'practice' has no 'value' or 'sources' of its "
                    "own; put each inside 'law:' or 'practice:'",
                )
            return self
        raw = self.value
        if raw is None:
            raise PydanticCustomError("fact_novalue", "this fact has no 'value'; add 'value: ...' or write unknown")
        word = raw.strip().lower() if isinstance(raw, str) else None
        if word in _MISSING_WORDS:
            missing = _MISSING_WORDS[word]
            object.__setattr__(self, "value", missing)
            if missing is Missing.NOT_APPLICABLE and not self.reason:
                raise PydanticCustomError(
                    "fact_reason",
                    "a not_applicable answer needs its reason; add "
                    "'reason: ...' saying why the question does not arise here",
                )
        else:
            object.__setattr__(self, "value", self.coerce(raw))
            if not self.sources:
                raise PydanticCustomError(
                    "fact_unsourced",
                    "a known fact needs its source; add 'sources: [id]' naming an entry of the top-level "
                    "'sources' list, or write 'unknown'",
                )
        if self.standing is Standing.DISPUTED and not self.contested_by:
            raise PydanticCustomError(
                "fact_contested",
                "a disputed fact needs 'contested_by: [source-id]' naming where the operator contests it",
            )
        return self

    @field_validator("standing", mode="before")
    @classmethod
    def _standing(cls, value: Any) -> Any:
        return check_standing(value)

    @classmethod
    def coerce(cls, raw: Any) -> Any:
        """A known answer as written, read into its value; raises ``not_an_answer`` when it is none."""
        return raw

    @classmethod
    def not_an_answer(cls, raw: Any) -> PydanticCustomError:
        """The error for a value that is not a known answer of this kind."""
        return PydanticCustomError(
            "fact_value",
            "'{raw}' is not an answer here; expected {expected}, or unknown or undisclosed",
            {"raw": str(raw), "expected": cls.expected},
        )

    @classmethod
    def accepts(cls, raw: Any) -> bool:
        """Whether ``raw`` is a known answer of this kind as a deployment file may write it."""
        try:
            cls.coerce(raw)
        except PydanticCustomError:
            return False
        return True

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        """JSON Schema of a known value, for editors."""
        return {}

    @classmethod
    def describe(cls, value: Any) -> str:
        """A known value in plain words: a number, a range ('between 10 and 20') or a period ('2 days')."""
        return value.text() if isinstance(value, Amount | Duration) else str(value)

    @classmethod
    def answer_forms(cls, label: str) -> list[tuple[str, str]]:
        """How each known answer is written, with what it claims (``label`` states the fact)."""
        return []

    @classmethod
    def answer_lines(cls, label: str) -> list[str]:
        """The known answers as the init template's comment lines."""
        return [f"{form}: {meaning}" for form, meaning in cls.answer_forms(label)]

    @classmethod
    def read_answer(cls, value: Any) -> Any:
        """An answer as written (in a rule's ``is`` / ``in``, or a form), read as the fact's own values are."""
        return value

    @classmethod
    def comparable(cls, value: Any) -> bool:
        """Whether a rule's ``is`` / ``in`` may compare this fact with ``value`` (as read by ``read_answer``)."""
        return False

    @classmethod
    def finite_answers(cls) -> tuple[Any, ...] | None:
        """Every known value, when there are finitely many (yes/no, a choice); else None."""
        return None

    @classmethod
    def candidates(cls, numbers: Iterable[int]) -> tuple[Any, ...]:
        """Representative known values: every one when finitely many, else the given numbers.

        ``numbers`` holds one number from each stretch between the figures the rules compare the fact with.
        """
        finite = cls.finite_answers()
        return finite if finite is not None else tuple(sorted(numbers))

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        missing = {
            "anyOf": [
                {"const": "unknown", "description": "nobody could establish the answer"},
                {"const": "undisclosed", "description": "the operator keeps it secret"},
                {"const": "not_applicable", "description": "the question does not arise here; give a 'reason'"},
            ]
        }
        props = target["properties"]
        props["value"] = {
            "anyOf": [cls.value_schema(), missing],
            "description": "The answer, or 'unknown', 'undisclosed' or 'not_applicable'.",
        }
        cite = {
            "anyOf": [
                {"type": "string", "description": "a source id"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id"],
                    "properties": {
                        "id": {"type": "string"},
                        "at": {"type": "string", "description": "page, paragraph or section"},
                    },
                },
            ]
        }
        props["sources"] = {"type": "array", "items": cite, "description": props["sources"].get("description", "")}
        props["contested_by"] = {
            "type": "array",
            "items": cite,
            "description": props["contested_by"].get("description", ""),
        }
        props["standing"] = {
            "anyOf": [{"const": k, "description": v} for k, v in STANDING_MEANINGS.items()],
            "description": props["standing"].get("description", ""),
        }
        side = {k: v for k, v in props.items() if k not in ("law", "practice")}
        props["law"] = {
            "type": "object",
            "properties": side,
            "additionalProperties": False,
            "description": "What the rules say.",
        }
        props["practice"] = {
            "type": "object",
            "properties": side,
            "additionalProperties": False,
            "description": "What happens in practice.",
        }
        target.pop("required", None)
        shorthand = {
            "anyOf": [
                {"const": "unknown", "description": "nobody could establish the answer"},
                {"const": "undisclosed", "description": "the operator keeps it secret"},
            ]
        }
        return {"anyOf": [schema, shorthand]}

    def period_words(self) -> str:
        """Words a report adds after a known value, such as ' a month' for a tally (model/kinds.py); '' here."""
        return ""

    @property
    def split(self) -> bool:
        """True when the fact states law and practice separately."""
        return self.law is not None or self.practice is not None

    @field_serializer("value")
    def _as_written(self, value: Any) -> Any:
        """Dump a bounded number or a period as a file writes it ({at_least: 100}, {days: 30}).

        A dumped description (auditkit plan's changed description) then loads again.
        """
        return value.as_data() if isinstance(value, Amount | Duration) else value

    def side(self, aspect: str | None) -> Fact | None:
        """The statement read for one aspect: 'law', 'practice', or None for the fact as written.

        A fact with one side only, or a plain value, reads the same for both aspects.
        """
        if not self.split:
            return self
        first, other = (self.law, self.practice) if aspect == "law" else (self.practice, self.law)
        chosen = first if first is not None else other
        return chosen if isinstance(chosen, Fact) else None

    @property
    def known(self) -> bool:
        """True when the fact holds an answer rather than unknown/undisclosed/not_applicable."""
        return not isinstance(self.value, Missing)

    @property
    def source_ids(self) -> list[str]:
        """The ids of the sources cited for the answer, in the order given (pinpoints left out)."""
        return [c.id for c in self.sources]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


DURATION_WORDS = {"indefinite": Duration(None), "immediately": Duration(0)}


def duration_of(raw: Any) -> Duration | None:
    """A duration from {hours: N}, {days: N}, 'indefinite' or 'immediately'; None when it is none of these."""
    if isinstance(raw, str) and raw.strip().lower() in DURATION_WORDS:
        return DURATION_WORDS[raw.strip().lower()]
    if isinstance(raw, dict) and len(raw) == 1:
        ((unit, n),) = raw.items()
        if unit in ("hours", "days") and _whole(n):
            return Duration(n * 24 if unit == "days" else n)
    return None
