"""The catalogue of facts a deployment can state, derived from the models.

Rules name facts by dotted path ("retention.max_days"); this catalogue is
how the rule loader checks those paths exist and how plain-word sentences
and information-gap questions are written without a second list to keep.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from auditkit.model.deployment import SECTIONS, Deployment
from auditkit.model.facts import Amount, Choice, Duration, Fact, Missing


@dataclass(frozen=True)
class FactInfo:
    """What one fact is: its path, its statement, its question and its answers."""

    path: str
    section: str
    label: str
    question: str
    kind: str  # "yesno" | "count" | "duration" | "choice"
    choices: tuple[tuple[str, str], ...] = ()

    def expected(self) -> str:
        """What a known answer to this fact looks like, for error messages."""
        if self.kind == "yesno":
            return "yes or no"
        if self.kind == "count":
            return "a whole number of zero or more, such as 30, or bounds such as {at_least: 100}"
        if self.kind == "duration":
            return "a period such as {days: 30} or {hours: 24}, immediately or indefinite"
        return "one of: " + ", ".join(k for k, _ in self.choices)

    def describe(self, value: Any) -> str:
        """A known value in plain words: a choice by its meaning ('a decree or resolution of the executive'),
        never its file spelling ('government_decree'), which reports would otherwise print as prose."""
        if value is Missing.UNDISCLOSED:
            return "undisclosed (kept secret by the operator)"
        if value is Missing.NOT_APPLICABLE:
            return "not applicable"
        if isinstance(value, Amount | Duration):
            return value.text()
        if self.kind == "yesno":
            return "yes" if value else "no"
        if self.kind == "choice":
            return dict(self.choices).get(str(value)) or str(value)
        return str(value)

    def answers(self) -> list[tuple[str, str]]:
        """Every answer this fact takes, with its meaning, for templates, schemas and listings."""
        if self.kind == "yesno":
            out = [("yes", self.label), ("no", f"it is not so that {self.label}")]
        elif self.kind == "count":
            out = [
                ("a number such as 30", "the exact number"),
                ("{at_least: N} / {at_most: N}", "only a bound is known; both give a range"),
                ("{about: N}", "an approximate number, read as 10% either side"),
            ]
        elif self.kind == "duration":
            out = [
                ("{days: N} / {hours: N}", "kept this long"),
                ("immediately", "deleted at once"),
                ("indefinite", "kept with no time limit"),
            ]
        else:
            out = list(self.choices)
        return out + [
            ("unknown", "nobody could establish it"),
            ("undisclosed", "the operator keeps it secret"),
            ("not_applicable", "the question does not arise here (give a reason)"),
        ]


def _kind(cls: type[Fact]) -> str:
    if cls.kind == "value":
        raise TypeError(f"unknown fact type {cls!r}")
    return cls.kind


@cache
def catalogue() -> dict[str, FactInfo]:
    """Every fact path, in the order of the deployment format."""
    out: dict[str, FactInfo] = {}
    for section in SECTIONS:
        model = Deployment.model_fields[section].annotation
        assert isinstance(model, type)
        for name, info in model.model_fields.items():
            fact_cls = next(a for a in getattr(info.annotation, "__args__", ()) if a is not type(None))
            extra = info.json_schema_extra
            assert isinstance(extra, dict)
            choices = tuple(fact_cls.choices.items()) if issubclass(fact_cls, Choice) else ()
            out[f"{section}.{name}"] = FactInfo(
                path=f"{section}.{name}",
                section=section,
                label=str(extra["label"]),
                question=info.description or "",
                kind=_kind(fact_cls),
                choices=choices,
            )
    return out


_LAST: tuple[Any, dict[str, Fact | None]] = (None, {})


def get_fact(deployment: Deployment, path: str) -> Fact | None:
    """The Fact at ``path`` in ``deployment``, or None when it was left out.

    Remembered for the description asked about last: an audit asks for the same facts hundreds of times.
    Descriptions are frozen, and the (description, facts) pair is replaced whole, so threads never mix two.
    """
    global _LAST
    last = _LAST
    if last[0] is not deployment:
        last = _LAST = (deployment, {})
    facts = last[1]
    if path not in facts:
        section, name = path.split(".", 1)
        value = getattr(getattr(deployment, section), name)
        facts[path] = value if isinstance(value, Fact) else None
    return facts[path]
