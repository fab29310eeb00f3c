"""The one family of errors library code raises; only the CLI prints them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One thing wrong with an input file, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class AuditkitError(Exception):
    """Base class: an input or environment problem a user can fix."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class InputError(AuditkitError):
    """A deployment, rule pack or option that cannot be used as given."""


def single(
    file: str, message: str, *, line: int | None = None, column: int | None = None, path: str = ""
) -> InputError:
    """An InputError carrying one problem."""
    return InputError([Problem(file=file, message=message, line=line, column=column, path=path)])
