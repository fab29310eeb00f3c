"""The audit result: one frozen object that every output format renders.

Its JSON form (``auditkit audit --format json``) is a public interface with
a published schema (``auditkit schema result``). Lists are sorted by a
documented key so that the same input always serialises the same way:
principles in framework order, findings by (framework order, principle
order, rule id), facts in the rule's reading order, sources by first use.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from auditkit.model.scoring import Scoring

# 2: scores are ranges {low, high}, grades are ranges, verdict falls_short, rule best/worst status,
#    decisive rules, what would settle each open principle, gaps ordered by how much they settle.
# 3: a finding's requirement is lines {depth, text} (was strings indented by two spaces a level);
#    scoring.method is the method's sentences with this audit's thresholds and scoring.explanation is gone;
#    fact_texts; a gap names principles framework:id when several frameworks are audited.
RESULT_SCHEMA_VERSION = 3


class Status(StrEnum):
    """A rule's outcome for one deployment."""

    MET = "met"
    PARTIAL = "partial"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Verdict(StrEnum):
    """A principle's outcome for one deployment."""

    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    FALLS_SHORT = "falls_short"
    INSUFFICIENT_INFORMATION = "insufficient_information"
    NOT_APPLICABLE = "not_applicable"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ScoreRange(_Frozen):
    """A score as far as the facts settle it: whatever the unknown facts are, the score lies in [low, high]."""

    low: float = Field(description="0-100: the score when every undecided rule takes its worst possible status.")
    high: float = Field(description="0-100: the score when every undecided rule takes its best possible status.")


class GradeRange(_Frozen):
    """The overall grade as far as the facts settle it; low == high when it is determined."""

    low: str = Field(
        description="A-F: the grade at the low end of the score (red lines applied), "
        "or 'incomplete' when nothing can be scored."
    )
    high: str = Field(description="A-F: the grade at the high end of the score (red lines applied), or 'incomplete'.")


class SettlingFact(_Frozen):
    """An unknown fact that bears on an undecided principle."""

    fact: str
    narrows: float = Field(
        description="Points by which an answer to this fact alone can narrow the "
        "principle's score range, at most (its best answer for the purpose)."
    )
    changes_verdict: bool = Field(description="True when some answer to this fact alone changes the verdict.")


class FrameworkRef(_Frozen):
    """The rule set an audit used: its id, title and version, and the document it encodes."""

    id: str
    title: str
    version: str
    source: dict[str, str] = Field(
        default_factory=dict, description="The document the framework encodes (title, publisher, date, url)."
    )


class DeploymentInfo(_Frozen):
    """What the description's deployment section says of the programme (name, operator, period), for a report."""

    name: str
    jurisdiction: str | None = None
    legal_orders: tuple[str, ...] | None = Field(
        default=None,
        description="The legal orders the description says bind the programme; references to others are not shown.",
    )
    operator: str | None = None
    technology: str | None = None
    period: str | None = None
    description: str | None = None
    hypothetical: bool = False
    auditor: str | None = None
    audit_date: str | None = None


class FactUsed(_Frozen):
    """A fact that decided a finding, with its value and sources."""

    path: str
    label: str
    value: bool | int | str | dict[str, int] = Field(
        description="The answer ({at_least, at_most} or {about} for a number within bounds, {hours} or {days} "
        "for a period), or 'undisclosed', 'not_applicable', 'unknown'."
    )
    display: str = Field(description="The value in plain words.")
    sources: list[str]
    note: str | None = None
    standing: str | None = Field(default=None, description="established, reported, alleged or disputed.")
    aspect: str | None = Field(default=None, description="'law' or 'practice' for a fact stating both, else null.")
    pinpoints: dict[str, str] = Field(default_factory=dict, description="Source id -> where in it (page, para).")
    contested_by: list[str] = Field(default_factory=list, description="Sources in which the operator contests it.")
    counted: bool = Field(
        default=True, description="False when the fact is below the evidence threshold: shown, but treated as unknown."
    )


class RequirementLine(_Frozen):
    """One line of what a rule requires, in plain words; the parts of a condition sit one level deeper."""

    depth: int = Field(description="0 for a top line; 1 for a part of the condition above it, and so on.")
    text: str


class Finding(_Frozen):
    """One rule's outcome: its status, what the unknown facts could still make of it, and the facts behind it."""

    rule: str
    framework: str
    principle: str
    title: str
    status: Status
    severity: str
    weight: int
    red_line: bool
    decisive: bool = Field(
        description="True when not meeting this rule fails its principle (red lines are "
        "decisive too, and also cap the grade)."
    )
    best: Status = Field(
        description="The best status the rule can still take whatever the unknown facts are "
        "(equal to status when decided)."
    )
    worst: Status = Field(description="The worst status the rule can still take.")
    possible: list[Status] = Field(
        description="Every status the rule can still take, best first (met, "
        "partial, not_applicable, not_met); one when decided."
    )
    rationale: str
    requirement: list[RequirementLine] = Field(description="What the rule requires, as plain-words lines.")
    explanation: str = Field(description="One sentence on why this status was given.")
    facts: list[FactUsed]
    missing: list[str] = Field(description="Fact paths whose absence left the rule undecided.")
    sources: list[str] = Field(description="Ids of the sources behind the facts that decided it.")
    remedy: str
    # Made by the engine from the rule set's own references (validated when the rule set is loaded), not read
    # from input: validating them again copied every reference of every finding (a fifth of building one).
    references: SkipValidation[list[dict[str, str]]]
    standing: str | None = Field(default=None, description="The weakest standing among the facts that decided it.")


class PrincipleResult(_Frozen):
    """One principle's verdict and score range, from the findings of its rules."""

    framework: str
    id: str
    title: str
    demand: str
    source_locator: str | None = Field(default=None, description="Where the principle stands in the source.")
    score: ScoreRange | None = Field(
        description="0-100 as a range over the unknown facts; null when no rule of the principle applies."
    )
    verdict: Verdict
    verdict_reason: str = Field(description="One sentence on why this verdict was given.")
    applies: bool | None = Field(description="Whether the principle applies; null when that depends on unknown facts.")
    coverage: float = Field(description="Share (0-1) of the applicable rule weight that could be decided.")
    counts: dict[str, int] = Field(description="Number of rules with each status.")
    to_settle: list[SettlingFact] = Field(
        description="For a principle whose verdict is open (falls_short or "
        "insufficient_information): the unknown facts its undecided rules "
        "need, most settling first. Empty otherwise."
    )


class FactText(_Frozen):
    """The words of a fact the result names (missing, or to settle), as the fact catalogue has them."""

    label: str = Field(description="What the fact is, in words: 'the retention period in days'.")
    question: str = Field(description="The fact as a question for the operator.")
    establish: str = Field(description="What to establish, in words: 'whether the legal instrument is published'.")


class InformationGap(_Frozen):
    """A fact the audit could not establish, as a question for the operator, and what an answer settles."""

    fact: str
    question: str
    undisclosed: bool = Field(description="True when the operator keeps it secret, not merely unknown.")
    principles: list[str] = Field(
        description="The principles whose rules need it: their ids, or framework:id when several frameworks are audited."
    )
    rules: list[str]
    narrows: float = Field(
        description="Points by which an answer to this fact alone can narrow the overall "
        "score range, at most. The gaps are listed in decreasing order of this."
    )
    settles: list[str] = Field(
        description="Principles whose verdict some answer to this fact alone changes (written as in principles)."
    )
    known_as: str | None = Field(
        default=None,
        description="Set when the fact is known, but only as reported or "
        "alleged, below the evidence threshold of this audit.",
    )


class SourceInfo(_Frozen):
    """A declared source, numbered from 1: the cited ones first, in order of first use."""

    id: str
    number: int
    kind: str | None = None
    role: str | None = None
    publisher: str
    title: str
    date: str
    url: str | None = None
    archive: str | None = None
    locator: str | None = None
    note: str | None = None


class InstrumentInfo(_Frozen):
    """A legal instrument the description lists, with the words a report prints for its type."""

    id: str
    type: str
    type_text: str = Field(description="What the type means, in words: 'a law passed by a legislature'.")
    title: str
    adopted_by: str
    date: str
    publication: str | None = Field(description="Where it was published, 'unpublished', or null when not given.")
    sources: list[str]
    pinpoints: dict[str, str] = Field(default_factory=dict, description="Source id -> where in it.")
    note: str | None = None


class ContractorInfo(_Frozen):
    """A company the description lists behind the programme, with the words a report prints for it."""

    id: str
    name: str
    role: str
    role_text: str = Field(description="What the role means, in words.")
    hired_by: str = Field(description="'operator', 'unknown', or the id of the entry that hired it.")
    hired_by_text: str = Field(description="Who hired it, in words: 'the operator', 'not known', or a name.")
    contract: str | None = Field(default=None, description="The id of its contract among the instruments.")
    contract_text: str | None = Field(default=None, description="That contract's title.")
    sources: list[str]
    pinpoints: dict[str, str] = Field(default_factory=dict, description="Source id -> where in it.")
    standing: str | None = Field(default=None, description="established, reported, alleged or disputed.")
    contested_by: list[str] = Field(default_factory=list)
    note: str | None = None


class AuditResult(_Frozen):
    """Everything one audit of one description found, as every output format renders it."""

    schema_version: int = RESULT_SCHEMA_VERSION
    auditkit_version: str
    input_file: str
    input_sha256: str
    frameworks: list[FrameworkRef]
    deployment: DeploymentInfo
    score: ScoreRange | None = Field(
        description="0-100 as a range: the mean of the principle scores, each "
        "end from the same end of each principle; null when nothing can be scored."
    )
    grade: GradeRange
    grade_capped: bool = Field(description="True when a crossed red line lowered the grade.")
    red_lines_crossed: list[str]
    red_lines_open: list[str] = Field(
        description="Red-line rules not decided that could still be crossed; they cap the low end of the grade."
    )
    counts: dict[str, int] = Field(description="Number of rules with each status, over the whole audit.")
    principles: list[PrincipleResult]
    findings: list[Finding]
    information_gaps: list[InformationGap]
    sources: list[SourceInfo]
    fact_texts: dict[str, FactText] = Field(
        default_factory=dict,
        description="Fact path -> its words, for every fact a finding names as missing or a principle as to settle.",
    )
    scoring: Scoring = Field(description="The scoring thresholds this audit used, and the method in sentences.")
    evidence: str = Field(
        default="reported",
        description="The evidence threshold: the weakest standing a fact could have and still decide rules.",
    )
    programme_kind: list[FactUsed] = Field(
        default_factory=list,
        description="The kind of technology and of operator, as the description states them (for the cover).",
    )
    instruments: list[InstrumentInfo] = Field(
        default_factory=list, description="The legal instruments the description lists, in its order."
    )
    contractors: list[ContractorInfo] = Field(
        default_factory=list, description="The contractors the description lists, in its order."
    )

    def principle_key(self, principle: PrincipleResult) -> str:
        """How the result names a principle: its id, or framework:id when several frameworks are audited.

        Two frameworks may both have a P1.
        """
        return principle_key(principle.framework, principle.id, several=len(self.frameworks) > 1)


def principle_key(framework: str, principle: str, *, several: bool) -> str:
    """A principle's name in a result: 'P1', or 'agora-2020:P1' when several frameworks are audited."""
    return f"{framework}:{principle}" if several else principle


class BatchResult(_Frozen):
    """Several audits from one call: ``auditkit audit A.yaml B.yaml --format json``."""

    schema_version: int = RESULT_SCHEMA_VERSION
    results: list[AuditResult]
