"""The one date type: every date in the file format and on the command line goes through here.

A date is written with the ASCII digits 0-9 as ``YYYY-MM-DD``; where the
format allows it (a source's publication date) also ``YYYY`` or ``YYYY-MM``.
It must be a real calendar date (no 2024-02-30, no month 13) with a year
from MIN_YEAR to MAX_YEAR, so that nothing downstream (the report's date,
sorting, PDF metadata) can meet a date the calendar does not have. The value
is kept as the text the author wrote: partial dates stay partial.

Use ``FullDate`` / ``PartialDate`` as pydantic field types, ``check_date`` elsewhere.
"""

from __future__ import annotations

import calendar
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

MIN_YEAR = 1600  # early printed sources, such as 17th-century statutes, can still be cited
MAX_YEAR = 2199
_FORM = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
FULL_FORM = "YYYY-MM-DD"
PARTIAL_FORM = "YYYY, YYYY-MM or YYYY-MM-DD"


def check_date(value: Any, *, partial: bool = False) -> str:
    """``value`` as a date text; ValueError saying in plain words what is wrong and what to write.

    An unquoted ``2019`` that YAML read as a number is taken as the year when
    ``partial`` dates are allowed.
    """
    form = PARTIAL_FORM if partial else FULL_FORM
    if partial and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    # A list, a section, true/false: not a date, said the same way as a misspelt one.
    text: str = value if isinstance(value, str) else ""
    match = _FORM.fullmatch(text)
    if match is None or (not partial and match[3] is None):
        if any(ch.isdigit() and not ("0" <= ch <= "9") for ch in text):
            raise ValueError(f"write it with the digits 0-9, as {form}")
        raise ValueError(f"write it as {form}")
    year = int(match[1])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"the year must be from {MIN_YEAR} to {MAX_YEAR}; write it as {form}")
    if match[2] is not None:
        month = int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"the month must be from 01 to 12; write it as {form}")
        if match[3] is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= int(match[3]) <= last:
                raise ValueError(f"{_MONTHS[month - 1]} {year} has days 01 to {last}; write a real date")
    return text


def _validator(partial: bool) -> Any:
    def validate(value: Any) -> str:
        try:
            return check_date(value, partial=partial)
        except ValueError as exc:
            raise PydanticCustomError("date", "{reason}", {"reason": str(exc)}) from None

    return validate


_FULL_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_PARTIAL_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

# A full calendar date, YYYY-MM-DD.
FullDate = Annotated[
    str,
    BeforeValidator(_validator(False)),
    WithJsonSchema({"type": "string", "pattern": _FULL_PATTERN, "format": "date"}),
]
# A date that may be partial: YYYY, YYYY-MM or YYYY-MM-DD.
PartialDate = Annotated[
    str,
    BeforeValidator(_validator(True)),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _PARTIAL_PATTERN},
                {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
            ]
        }
    ),
]
