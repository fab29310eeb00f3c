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
from auditkit.model.facts import Fact, Missing


@dataclass(frozen=True)
class FactInfo:
    """What one fact is: its path, its statement, its question, and its kind (the class that says what it accepts)."""

    path: str
    section: str
    label: str
    question: str
    kind: type[Fact]

    @property
    def choices(self) -> tuple[tuple[str, str], ...]:
        """The fixed answers with their meanings, for a fact of one of a list; empty for other kinds."""
        return tuple(self.kind.choices.items())

    def describe(self, value: Any) -> str:
        """A value in plain words, as reports print it.

        A choice reads as its meaning ('a decree or resolution of the executive'),
        never its file spelling ('government_decree'); unknown, undisclosed and
        not applicable (one side of a law/practice fact) read as words too.
        """
        if value is Missing.UNKNOWN:  # one side of a fact stating law and practice may be unknown
            return "unknown"
        if value is Missing.UNDISCLOSED:
            return "undisclosed (kept secret by the operator)"
        if value is Missing.NOT_APPLICABLE:
            return "not applicable"
        return self.kind.describe(value)

    def state(self, fact: Fact) -> str:
        """One statement's answer in plain words, with the period a tally covers: 'at least 40,000 a month'."""
        return self.describe(fact.value) + (fact.period_words() if fact.known else "")

    def answers(self) -> list[tuple[str, str]]:
        """Every answer this fact takes, with its meaning, for templates, schemas and listings."""
        return self.kind.answer_forms(self.label) + [
            ("unknown", "nobody could establish it"),
            ("undisclosed", "the operator keeps it secret"),
            ("not_applicable", "the question does not arise here (give a reason)"),
        ]


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
            if not issubclass(fact_cls, Fact) or fact_cls is Fact:
                raise TypeError(f"{section}.{name}: a fact's type is a kind of model/kinds.py, not {fact_cls!r}")
            out[f"{section}.{name}"] = FactInfo(
                path=f"{section}.{name}",
                section=section,
                label=str(extra["label"]),
                question=info.description or "",
                kind=fact_cls,
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
