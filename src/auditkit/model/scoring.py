"""The scoring method: a framework's thresholds as one typed model, and the method in plain sentences.

The sentences are written once, in ``describe``: the JSON result carries them
(``scoring.method``), every report prints them (its Methodology section),
``auditkit principles ID`` quotes the first, and docs/scoring.md is generated
from them. The arithmetic they describe is in ``auditkit.scoring``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, computed_field

Threshold = int | float  # as the framework writes it: 85 stays 85 in every output, 84.5 stays 84.5


class Scoring(BaseModel):
    """A framework's scoring thresholds (framework.yaml, ``scoring``); an audit uses its first framework's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    met_at: Threshold = Field(ge=0, le=100, description="A principle is met when even the low end reaches this.")
    partially_met_at: Threshold = Field(
        ge=0, le=100, description="A principle is partially met when both ends lie between this and met_at."
    )
    grades: dict[str, Threshold] = Field(
        description="Grade -> the overall score it starts at, best first; F below the last."
    )
    red_line_grade: str = Field(description="The grade a crossed red line caps the overall grade at.")

    @computed_field(description="The method in plain sentences, as every report prints it.")  # type: ignore[prop-decorator]
    @property
    def method(self) -> str:
        """The method in plain sentences, with these thresholds."""
        return describe(self).text


@dataclass(frozen=True)
class Method:
    """The scoring method in words: an introduction, one paragraph per step, and the thresholds as a table."""

    intro: str
    steps: tuple[str, ...]
    thresholds: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        """Plain text: the introduction, then each step as a '- ' item."""
        return "\n".join([self.intro, "", *(f"- {step}" for step in self.steps)])


def grades_text(scoring: Scoring) -> str:
    """'A from 85, B from 70, C from 55, D from 40'."""
    return ", ".join(f"{grade} from {threshold}" for grade, threshold in scoring.grades.items())


INTRO = (
    "The deployment was described in a structured file: each fact is an answer to one audit question, "
    "with the sources it rests on, or is marked unknown or undisclosed. Each rule of the framework is a "
    "condition over those facts, evaluated in three-valued logic: a rule is decided only when the facts "
    "it needs are known, and an unknown or undisclosed fact is never counted as a breach, nor as "
    "compliance."
)
RULE_SCORE = (
    "A rule that is met earns its full weight, a partly met rule half of it, and a rule not met nothing; a "
    "rule that does not apply is left out. A principle's score (0-100) is the weight earned over the "
    "weight of its applicable rules."
)
RANGES = (
    "A rule the facts leave undecided could still take several statuses: auditkit tries every answer the "
    "missing facts could have. Every score is therefore a range, low-high: low when each undecided rule "
    "takes its worst possible status, high when each takes its best. Whatever the missing facts turn out "
    "to be, the score lies in the range, so publishing less can never raise the low end. The share of "
    "the rule weight the facts decide is shown beside each score."
)


def describe(scoring: Scoring) -> Method:
    """The scoring method with ``scoring``'s thresholds, in the sentences every output prints."""
    met_at, partial_at, cap = scoring.met_at, scoring.partially_met_at, scoring.red_line_grade
    grades = grades_text(scoring)
    verdicts = (
        f"A principle is met when even the low end reaches {met_at}, partially met when both ends lie between "
        f"{partial_at} and {met_at}, and not met when even the high end stays below {partial_at} or when a "
        "red-line or decisive rule of the principle is not met. It falls short when it cannot be met whatever "
        "the missing facts are, but whether it is partly met is still open; it has insufficient information "
        "only when it could still be met, or could turn out not to apply."
    )
    overall = (
        f"The overall score is the plain mean of the principle scores, so every principle counts the same, "
        f"and it is a range too. Grades: {grades}, F below; each end of the range gets its grade, so the "
        f"grade is a range (such as B\u2013F) when the facts do not settle it. A crossed red line caps both "
        f"ends at {cap}, whatever the score; a red line that could still be crossed caps the low end."
    )
    thresholds = (
        ("Principle met at", f"{met_at} or more"),
        ("Partially met at", f"{partial_at} or more"),
        ("Insufficient information", "only while the principle could still be met, or could turn out not to apply"),
        ("Grades", f"{grades}; F below; each end of the score range graded"),
        ("Grade when a red line is crossed", f"at most {cap}"),
    )
    return Method(intro=INTRO, steps=(RULE_SCORE, RANGES, verdicts, overall), thresholds=thresholds)
