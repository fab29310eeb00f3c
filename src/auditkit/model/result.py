"""The audit result: one frozen object that every output format renders.

Its JSON form (``auditkit audit --format json``) is a public interface with
a published schema (``auditkit schema result``). Lists are sorted by a
documented key so that the same input always serialises the same way:
principles in framework order, findings by (framework order, principle
order, rule id), facts in the rule's reading order, sources by first use.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RESULT_SCHEMA_VERSION = 1


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
    INSUFFICIENT_INFORMATION = "insufficient_information"
    NOT_APPLICABLE = "not_applicable"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FrameworkRef(_Frozen):
    id: str
    title: str
    version: str
    source: dict[str, str] = Field(default_factory=dict,
                                   description="The document the framework encodes (title, publisher, date, url).")


class DeploymentInfo(_Frozen):
    name: str
    jurisdiction: str | None = None
    legal_orders: tuple[str, ...] | None = Field(default=None, description="The legal orders the description "
                                                 "says bind the programme; references to others are not shown.")
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
    value: bool | int | str = Field(description="The answer, or 'undisclosed'.")
    display: str = Field(description="The value in plain words.")
    sources: list[str]
    note: str | None = None


class Finding(_Frozen):
    rule: str
    framework: str
    principle: str
    title: str
    status: Status
    severity: str
    weight: int
    red_line: bool
    rationale: str
    requirement: list[str] = Field(description="What the rule requires, as plain-words lines.")
    explanation: str = Field(description="One sentence on why this status was given.")
    facts: list[FactUsed]
    missing: list[str] = Field(description="Fact paths whose absence left the rule undecided.")
    sources: list[str] = Field(description="Ids of the sources behind the facts that decided it.")
    remedy: str
    references: list[dict[str, str]]


class PrincipleResult(_Frozen):
    framework: str
    id: str
    title: str
    demand: str
    source_locator: str | None = Field(default=None, description="Where the principle stands in the source.")
    score: float | None = Field(description="0-100 over the rules that could be decided; null when none.")
    verdict: Verdict
    coverage: float = Field(description="Share (0-1) of the applicable rule weight that could be decided.")
    counts: dict[str, int] = Field(description="Number of rules with each status.")


class InformationGap(_Frozen):
    fact: str
    question: str
    undisclosed: bool = Field(description="True when the operator keeps it secret, not merely unknown.")
    principles: list[str]
    rules: list[str]


class SourceInfo(_Frozen):
    id: str
    number: int
    publisher: str
    title: str
    date: str
    url: str | None = None
    locator: str | None = None
    note: str | None = None


class AuditResult(_Frozen):
    schema_version: int = RESULT_SCHEMA_VERSION
    auditkit_version: str
    input_file: str
    input_sha256: str
    frameworks: list[FrameworkRef]
    deployment: DeploymentInfo
    score: float | None = Field(description="0-100, the mean of the scored principles; null when none scored.")
    grade: str = Field(description="A-F, or 'incomplete' when no principle could be scored.")
    grade_capped: bool = Field(description="True when a crossed red line lowered the grade.")
    red_lines_crossed: list[str]
    principles: list[PrincipleResult]
    findings: list[Finding]
    information_gaps: list[InformationGap]
    sources: list[SourceInfo]
    scoring: dict[str, Any]


class BatchResult(_Frozen):
    """Several audits from one call: ``auditkit audit A.yaml B.yaml --format json``."""

    schema_version: int = RESULT_SCHEMA_VERSION
    results: list[AuditResult]
