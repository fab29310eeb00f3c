"""The kinds of answer a fact takes: yes or no, a count, a period, or one of a fixed list.

Each kind is a Fact subclass that owns what depends on the kind: what it
accepts (``coerce``), what a known answer looks like (``expected``, the one
wording every message uses), how a known value reads in a report
(``describe``), the answers a template or listing shows, the values a rule
may compare it with, and the representative answers the bounds try. Code
elsewhere asks the fact's class; it never branches on which kind it is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, WithJsonSchema, field_validator
from pydantic_core import PydanticCustomError

from auditkit.model.facts import Amount, Duration, Fact, _whole, about_bounds, duration_of

#: The words a yes/no answer may be written with, in deployment and rule files alike.
YES_NO_WORDS = {"true": True, "yes": True, "false": False, "no": False}


_WHOLE = {"type": "integer", "minimum": 0}


def _one_key(key: str, description: str) -> dict[str, Any]:
    """JSON Schema of a section with one whole-number key, such as {days: 30}."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [key],
        "properties": {key: _WHOLE},
        "description": description,
    }


class YesNo(Fact):
    """A yes/no fact."""

    expected: ClassVar[str] = "yes or no"

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        """true or false, or the words yes and no."""
        return {"anyOf": [{"type": "boolean"}, {"enum": ["yes", "no"]}]}

    @classmethod
    def coerce(cls, raw: Any) -> bool:
        """A yes/no answer as a boolean."""
        answer = cls.read_answer(raw)
        if isinstance(answer, bool):
            return answer
        raise cls.not_an_answer(raw)

    @classmethod
    def read_answer(cls, value: Any) -> Any:
        """Yes/no words (any case, spaces ignored) as booleans; anything else as it is."""
        return YES_NO_WORDS.get(value.strip().lower(), value) if isinstance(value, str) else value

    @classmethod
    def comparable(cls, value: Any) -> bool:
        """Only true or false: yes and no were read as booleans already."""
        return isinstance(value, bool)

    @classmethod
    def describe(cls, value: Any) -> str:
        """Yes or no."""
        return "yes" if value else "no"

    @classmethod
    def answer_forms(cls, label: str) -> list[tuple[str, str]]:
        """Yes (the label holds) and no."""
        return [("yes", label), ("no", f"it is not so that {label}")]

    @classmethod
    def answer_lines(cls, label: str) -> list[str]:
        """One line: yes or no, and what yes means."""
        return [f"yes or no (yes means: {label})"]

    @classmethod
    def finite_answers(cls) -> tuple[Any, ...]:
        """True and false."""
        return (True, False)


class Count(Fact):
    """A whole number of zero or more (days, cameras, people), exact or within bounds."""

    expected: ClassVar[str] = "a whole number of zero or more, such as 30, or bounds such as {at_least: 100}"
    ordered: ClassVar[bool] = True

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        """A whole number, bounds, or an approximate number."""
        return {
            "anyOf": [
                {**_WHOLE, "description": "the exact number"},
                {
                    "type": "object",
                    "additionalProperties": False,
                    "minProperties": 1,
                    "properties": {"at_least": _WHOLE, "at_most": _WHOLE},
                    "description": "bounds: at_least, at_most, or both for a range",
                },
                _one_key("about", "an approximate number (read as 10% either side)"),
            ]
        }

    @classmethod
    def coerce(cls, raw: Any) -> int | Amount:
        """An exact number, or an Amount for bounds and approximate numbers."""
        if _whole(raw):
            return int(raw)
        if isinstance(raw, dict):
            return cls._bounds(raw)
        raise cls.not_an_answer(raw)

    @classmethod
    def comparable(cls, value: Any) -> bool:
        """A whole number (not true or false, which Python counts as numbers)."""
        return isinstance(value, int) and not isinstance(value, bool)

    @classmethod
    def answer_forms(cls, label: str) -> list[tuple[str, str]]:
        """An exact number, bounds, or an approximate number."""
        return [
            ("a number such as 30", "the exact number"),
            ("{at_least: N} / {at_most: N}", "only a bound is known; both give a range"),
            ("{about: N}", "an approximate number, read as 10% either side"),
        ]

    @classmethod
    def _bounds(cls, raw: dict[str, Any]) -> int | Amount:
        form = "{at_least: N}, {at_most: N}, both for a range, or {about: N}, each N a whole number of zero or more"
        if not raw or not set(raw) <= {"at_least", "at_most", "about"} or not all(_whole(v) for v in raw.values()):
            raise PydanticCustomError("fact_bounds", "bounds are written {form}", {"form": form})
        if "about" in raw:
            if len(raw) > 1:
                raise PydanticCustomError("fact_bounds", "write either 'about' or bounds (at_least, at_most), not both")
            return Amount(*about_bounds(raw["about"]), about=raw["about"])
        low, high = raw.get("at_least"), raw.get("at_most")
        if low is not None and high is not None and low > high:
            raise PydanticCustomError(
                "fact_bounds", "at_least {low} is more than at_most {high}; swap them", {"low": low, "high": high}
            )
        if low is not None and low == high:
            return int(low)
        return Amount(low, high)


#: The periods a tally may cover, each with what it claims (``per:`` on a count of people or events).
PER_MEANINGS: dict[str, str] = {
    "day": "the number for one day",
    "week": "the number for one week",
    "month": "the number for one month",
    "year": "the number for one year",
    "in_total": "the number in total, from the programme's start to the date of the source",
}
#: How a report words each period after the number: 'at least 40,000 a month'.
PER_WORDS: dict[str, str] = {
    "day": "a day",
    "week": "a week",
    "month": "a month",
    "year": "a year",
    "in_total": "in total",
}
Per = Annotated[
    Literal["day", "week", "month", "year", "in_total"],
    WithJsonSchema({"anyOf": [{"const": k, "description": v} for k, v in PER_MEANINGS.items()]}),
]


class Tally(Count):
    """A count of people or events that accrue over time (people processed, searches run).

    ``per`` says what period the number covers: 40,000 searches a month and 40,000 in total are different facts.
    """

    per: Per | None = Field(
        default=None,
        description="The period the number covers: "
        + "; ".join(f"{k}: {v}" for k, v in PER_MEANINGS.items())
        + ". Left out when the sources do not say.",
    )

    @field_validator("per", mode="before")
    @classmethod
    def _per(cls, value: Any) -> Any:
        if value is not None and (not isinstance(value, str) or value not in PER_MEANINGS):
            raise PydanticCustomError(
                "fact_per",
                "{raw} is not a period; expected one of: {allowed} (the period the number covers)",
                {"raw": repr(value)[:40], "allowed": ", ".join(PER_MEANINGS)},
            )
        return value

    @classmethod
    def answer_forms(cls, label: str) -> list[tuple[str, str]]:
        """A count's forms, and the period it covers."""
        *periods, last = PER_MEANINGS
        return [
            *super().answer_forms(label),
            (f"per: {', '.join(periods)} or {last}", "the period it covers, written beside 'value'"),
        ]

    def period_words(self) -> str:
        """' a month', ' in total', or '' when the period is not given."""
        return f" {PER_WORDS[self.per]}" if self.per else ""


class Period(Fact):
    """How long something is kept: hours, days, immediately or indefinitely."""

    expected: ClassVar[str] = "a period such as {days: 30} or {hours: 24}, immediately or indefinite"
    ordered: ClassVar[bool] = True  # rules compare periods with at_most / at_least {days: N} or {hours: N}

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        """Days, hours, immediately or indefinite."""
        return {
            "anyOf": [
                _one_key("days", "kept this many days"),
                _one_key("hours", "kept this many hours"),
                {"const": "immediately", "description": "deleted at once"},
                {"const": "indefinite", "description": "kept with no time limit"},
            ]
        }

    @classmethod
    def coerce(cls, raw: Any) -> Duration:
        """A Duration in hours (None: indefinite)."""
        found = duration_of(raw)
        if found is None and isinstance(raw, dict):
            raise PydanticCustomError(
                "fact_bounds",
                "a period is written {days: N} or {hours: N}, N a whole number of zero or more, "
                "or immediately or indefinite",
            )
        if found is None:
            raise cls.not_an_answer(raw)
        return found

    @classmethod
    def answer_forms(cls, label: str) -> list[tuple[str, str]]:
        """Days or hours, immediately, or indefinite."""
        return [
            ("{days: N} / {hours: N}", "kept this long"),
            ("immediately", "deleted at once"),
            ("indefinite", "kept with no time limit"),
        ]

    @classmethod
    def candidates(cls, numbers: Iterable[int]) -> tuple[Any, ...]:
        """The numbers (in hours) and kept indefinitely, which is above every threshold."""
        return (*sorted(numbers), math.inf)  # kept indefinitely is above every threshold


class Choice(Fact):
    """A fact whose answer is one of a fixed list; subclasses set ``choices``."""

    expected: ClassVar[str] = "one of the listed answers"

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.expected = "one of: " + ", ".join(cls.choices)

    @classmethod
    def value_schema(cls) -> dict[str, Any]:
        """One of the choices, each with its meaning."""
        return {"anyOf": [{"const": k, "description": v} for k, v in cls.choices.items()]}

    @classmethod
    def coerce(cls, raw: Any) -> str:
        """One of the choices, as written."""
        if isinstance(raw, str) and raw in cls.choices:
            return raw
        raise cls.not_an_answer(raw)

    @classmethod
    def comparable(cls, value: Any) -> bool:
        """One of the choices."""
        return isinstance(value, str) and value in cls.choices

    @classmethod
    def describe(cls, value: Any) -> str:
        """A choice by its meaning ('a decree or resolution of the executive'), never its file spelling."""
        return cls.choices.get(str(value)) or str(value)

    @classmethod
    def answer_forms(cls, label: str) -> list[tuple[str, str]]:
        """The choices with their meanings."""
        return list(cls.choices.items())

    @classmethod
    def finite_answers(cls) -> tuple[Any, ...]:
        """Every choice, in the listed order."""
        return tuple(cls.choices)
