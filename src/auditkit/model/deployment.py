"""The deployment description: what an auditor knows about one programme.

These models are the single source of truth for the file format: the JSON
Schema (``auditkit schema deployment``), the ``init`` template, the fact
paths rules may read and the questions in a report's information-gaps
section are all derived from them. Each field's description is the question
the auditor answers; its ``label`` is the same thing as a short statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator, model_validator
from pydantic_core import PydanticCustomError

from auditkit.dates import MAX_YEAR, MIN_YEAR, FullDate, check_date
from auditkit.model.facts import STANDING_RANK, Cite, Fact, Standing, check_standing
from auditkit.model.kinds import Choice, Count, Period, Tally, YesNo

FORMAT_VERSION = 2
READS_VERSIONS = (1, 2)


def ask(question: str, label: str) -> Any:
    """A fact field: absent means unknown."""
    return Field(default=None, description=question, json_schema_extra={"label": label})


class Section(BaseModel):
    """A group of facts: one part of the file, one page of the web questionnaire.

    A section's docstring is the introduction of its questionnaire page.
    """

    # defer_build: no validator is built at import; Deployment builds one on first use (start-up time).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# The answer lists below have no docstring, on purpose: a model's docstring becomes its description in the
# published JSON Schema (auditkit schema deployment), and each field's question already says what it asks.
class InstrumentType(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "statute": "a law passed by a legislature",
        "government_decree": "a decree or resolution of the executive",
        "agency_order": "an internal order of the operating agency",
        "contract_only": "only procurement contracts, no legal act",
        "none": "no legal basis at all",
    }


class Participation(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "voluntary": "people choose to take part",
        "opt_out": "people take part unless they opt out",
        "mandatory": "taking part is required, with penalties for refusal",
        "unavoidable": "people cannot avoid it where they live, travel or shop, online or offline",
    }


class ScanningMode(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "targeted": "only named people under a specific authorisation are processed",
        "untargeted": "every person, vehicle or device within the system's reach is processed",
    }


class Identification(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "real_time": "live identification as the data comes in",
        "retrospective": "searches run later on stored data (footage, plate reads, location records)",
        "on_request": "a user submits one photo or identifier and searches it against the database",
        "none": "no identification of individuals",
    }


class ReferenceDatabase(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "none": "no database of identities",
        "watchlist_only": "only a watch-list of people sought under law",
        "population_scale": "large population databases (passports, driving licences, social networks)",
        "scraped_web": "images collected from the web and social networks",
        "private_list": "an operator's own list (such as a shop's list of banned customers)",
    }


class ProportionalityAssessment(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "per_search": "necessity and proportionality are assessed for each search",
        "per_deployment": "assessed once for each deployment or area",
        "none": "never assessed",
    }


class QueryLogging(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "every_query_with_reason": "every query is logged with who ran it and why",
        "partial": "some access is logged",
        "none": "access is not logged",
    }


class BiasTesting(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "independent": "measured for those groups by an independent body",
        "vendor_only": "measured only by the vendor or the operator",
        "none": "never measured",
    }


class Oversight(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "independent_binding": "an independent body with powers to inspect and order changes",
        "advisory": "an advisory or internal body without binding powers",
        "none": "no oversight body",
    }


class OperatorKind(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "public_body": "a public authority runs it (police, a ministry, a city)",
        "private_company": "a private company runs it for its own purposes (a shop, a venue, a vendor)",
        "contractor_for_public_body": "a company runs it on behalf of a public authority",
    }


class TechnologyKind(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "face": "facial recognition",
        "other_biometrics": "other biometrics (gait, voice, iris, fingerprints)",
        "licence_plates": "automatic licence-plate recognition",
        "phone_location": "location data from phones or networks",
        "app_tracing": "an app that traces contacts or movements",
        "other": "another technology (say which in a note)",
    }


class ProgrammeStatus(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "running": "running at the audit date",
        "suspended": "suspended at the audit date (by the operator, a court or a regulator)",
        "ended": "ended, with its data kept",
        "ended_data_deleted": "ended, and its data shown to be deleted",
    }


class LawfulBasis(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "specific_law": "a law that authorises this processing specifically",
        "general_powers": "general police or administrative powers",
        "consent": "the consent of the people processed",
        "legitimate_interest": "the operator's legitimate interest (private operators)",
        "contract": "a contract with the people processed",
        "none": "no lawful basis is relied on",
    }


class PriorNotice(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "adequate": "people are told before they are processed (signs, notices, app screens)",
        "found_inadequate": "some notice is given, but a regulator or court found it inadequate",
        "none": "people are not told",
    }


class WatchlistCriteria(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "sought_under_law": "people sought under a warrant or court order",
        "persons_of_interest": "loosely defined 'persons of possible interest'",
        "private_exclusion": "an operator's own exclusion list (such as people banned from a shop)",
        "none_set": "no criteria are set",
    }


class EnrolmentImages(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "custody_records": "custody or police records",
        "identity_documents": "passport, identity card or driving-licence photos",
        "scraped_web": "images collected from the web or social networks",
        "operator_captured": "images the operator's own cameras or staff captured",
        "submitted_by_users": "photos users upload to search with",
    }


class ImpactAssessment(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "published": "an impact assessment exists and is published",
        "unpublished": "one exists but is not published",
        "found_inadequate": "one exists, and a regulator or court found it inadequate",
        "none": "no impact assessment was made",
    }


class RightsRequests(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "honoured": "requests to see or erase one's data are answered in full",
        "partly": "they are answered in part, late, or only for some data",
        "refused": "they are refused",
        "no_route": "there is no way to make such a request",
    }


class Evidence(Choice):  # noqa: D101
    choices: ClassVar[dict[str, str]] = {
        "independent": "effectiveness and field error rates were evaluated independently",
        "operator_only": "only the operator or the vendor claims it works",
        "none": "no evidence of effectiveness is offered",
    }


class Legality(Section):
    """P1: the legal basis for the programme."""

    instrument_type: InstrumentType | None = ask(
        "What kind of legal instrument does the programme rely on?", "the kind of legal instrument relied on"
    )
    competent_body: YesNo | None = ask(
        "Was the instrument adopted by a body that has the power to authorise this surveillance?",
        "the instrument was adopted by a competent body",
    )
    published: YesNo | None = ask(
        "Is the full text of the instrument published and freely accessible?", "the legal instrument is published"
    )
    names_technology: YesNo | None = ask(
        "Does the instrument explicitly name the technology (for example facial recognition or biometrics)?",
        "the legal instrument names the technology explicitly",
    )
    defines_purposes: YesNo | None = ask(
        "Does the instrument list the purposes the system may be used for?",
        "the legal instrument lists the permitted purposes",
    )
    defines_users: YesNo | None = ask(
        "Does the instrument say which bodies and officials may use the system?",
        "the legal instrument says who may use the system",
    )
    defines_watchlist_criteria: YesNo | None = ask(
        "Does the instrument set criteria for putting a person on a watch-list?",
        "the legal instrument sets watch-list criteria",
    )
    defines_retention: YesNo | None = ask(
        "Does the instrument fix how long data may be kept?", "the legal instrument fixes retention periods"
    )
    defines_oversight: YesNo | None = ask(
        "Does the instrument set up oversight of the system?", "the legal instrument sets up oversight"
    )
    operator_kind: OperatorKind | None = ask(
        "Who runs the programme: a public body, a private company, or a company on behalf of a public body?",
        "the kind of operator",
    )
    lawful_basis: LawfulBasis | None = ask(
        "What lawful basis does the operator rely on to process people's data?", "the lawful basis relied on"
    )
    public_consultation: YesNo | None = ask(
        "Was the public consulted before the programme or its legal basis was adopted?",
        "the public was consulted before adoption",
    )
    legislative_vote: YesNo | None = ask(
        "Did an elected legislature vote on the programme or on its legal basis?", "an elected legislature voted on it"
    )
    order_defied: YesNo | None = ask(
        "Has the operator kept the programme running against an order of a regulator or a court?",
        "the operator defied a regulator's or court's order",
    )


class Consent(Section):
    """P2: voluntariness and judicial authorisation."""

    participation: Participation | None = ask(
        "Can members of the public choose whether the system processes them?", "how people come to be processed"
    )
    refusal_penalised: YesNo | None = ask(
        "Are people fined or otherwise penalised for refusing or avoiding the system?",
        "refusing or avoiding the system is penalised",
    )
    court_order_required: YesNo | None = ask(
        "Does surveillance of a specific person require a prior court order?",
        "targeting a specific person requires a prior court order",
    )
    court_order_reasoned: YesNo | None = ask(
        "Must such a court order give reasons specific to the person?", "court orders must state reasons"
    )
    court_order_time_limited: YesNo | None = ask(
        "Is such an order limited to a maximum duration?", "court orders are limited in time"
    )
    court_order_scope_limited: YesNo | None = ask(
        "Is such an order limited in scope and in the methods it allows?",
        "court orders are limited in scope and method",
    )
    prior_notice: PriorNotice | None = ask(
        "Are people told before they are processed (signs, notices, app screens)?", "how people are told"
    )
    emergency_use_reviewed: YesNo | None = ask(
        "When the system is used on a person without a prior order (an emergency), must a court review "
        "that use promptly afterwards?",
        "emergency use without an order is reviewed by a court afterwards",
    )


class Scope(Section):
    """P3: how many people the system watches, and how."""

    scanning: ScanningMode | None = ask(
        "Does the system process every person, vehicle or device within its reach, or only specific people under "
        "authorisation?",
        "who the system processes",
    )
    identification: Identification | None = ask(
        "Does the system identify people live, later from stored data, or not at all?",
        "when identification happens",
    )
    reference_database: ReferenceDatabase | None = ask(
        "Against what database are faces or other identifiers matched?", "the reference database matched against"
    )
    camera_count: Count | None = ask("How many cameras or sensors feed the system?", "the number of cameras or sensors")
    watchlist_size: Count | None = ask(
        "How many people are on the watch-list(s)?", "the number of people on watch-lists"
    )
    geographic_limits: YesNo | None = ask(
        "Is the system limited to defined places rather than a whole city or region?",
        "the system is limited to defined places",
    )
    time_limits: YesNo | None = ask(
        "Is the system limited to defined periods or events?", "the system is limited to defined periods"
    )
    technology_kind: TechnologyKind | None = ask(
        "What kind of technology identifies or tracks people?", "the kind of technology"
    )
    status: ProgrammeStatus | None = ask(
        "What is the programme's status at the audit date?", "the programme's status at the audit date"
    )
    people_processed: Tally | None = ask(
        "How many people does the system process, and over what period (per day, month, year, or in total)?",
        "the number of people processed",
    )
    database_size: Count | None = ask(
        "How many identities or records does the reference database hold?", "the size of the reference database"
    )
    searches_run: Tally | None = ask(
        "How many searches or matches does the system run, and over what period (per day, month, year, or in total)?",
        "the number of searches run",
    )
    watchlist_criteria: WatchlistCriteria | None = ask(
        "Who can be put on the watch-list?", "who can be put on the watch-list"
    )
    enrolment_images: EnrolmentImages | None = ask(
        "Where do the images or identifiers in the watch-list or reference database come from?",
        "where the enrolled images come from",
    )
    enrolment_quality_checked: YesNo | None = ask(
        "Is the quality of enrolled images checked before they are matched against?",
        "enrolled images are checked for quality",
    )
    proportionality_assessment: ProportionalityAssessment | None = ask(
        "Is the necessity and proportionality of use assessed case by case?",
        "how necessity and proportionality are assessed",
    )


class Security(Section):
    """P4: security and accountability."""

    encryption: YesNo | None = ask(
        "Is the data encrypted in storage and in transit?", "data is encrypted in storage and in transit"
    )
    access_restricted: YesNo | None = ask(
        "Is access limited to named, authorised officials with individual accounts?",
        "access is limited to named, authorised officials",
    )
    query_logging: QueryLogging | None = ask(
        "Is every query of the system logged with who made it and why?", "how access is logged"
    )
    known_leaks: YesNo | None = ask(
        "Have leaks of the data, or sales of access to it, been documented?",
        "leaks or sales of access have been documented",
    )
    leaks_prosecuted: YesNo | None = ask(
        "Were documented leaks investigated and those responsible held to account?",
        "documented leaks were investigated and punished",
    )
    official_liability: YesNo | None = ask(
        "Does the law make officials liable for unlawful disclosure or misuse of the data?",
        "officials are liable in law for misuse",
    )
    breach_notification: YesNo | None = ask(
        "Must affected people and a regulator be told about data breaches?",
        "breaches must be notified to people and a regulator",
    )
    compensation_route: YesNo | None = ask(
        "Can people harmed by misuse or leaks obtain compensation?", "victims can obtain compensation"
    )


class Deidentification(Section):
    """P5: verifiable de-identification."""

    claimed: YesNo | None = ask(
        "Does the operator say that any of the data is anonymised, aggregated or de-identified?",
        "the operator claims some data is de-identified",
    )
    method_published: YesNo | None = ask(
        "Is the de-identification method published?", "the de-identification method is published"
    )
    reidentification_tested: YesNo | None = ask(
        "Has the de-identified data been tested for re-identification?",
        "the data has been tested for re-identification",
    )
    independently_verifiable: YesNo | None = ask(
        "Can an independent body check at any time that the data cannot be linked to individuals?",
        "an independent body can verify the de-identification at any time",
    )
    raw_data_deleted: YesNo | None = ask(
        "Is the identifiable source data deleted once the de-identified data is produced?",
        "identifiable source data is deleted after de-identification",
    )


class Minimisation(Section):
    """P6: minimisation, purpose limitation, no sale."""

    purposes_limited: YesNo | None = ask(
        "Is the system's use limited to a short, closed list of stated purposes?",
        "use is limited to a closed list of stated purposes",
    )
    used_beyond_purposes: YesNo | None = ask(
        "Has the system been used for purposes beyond those stated (for example to police protests)?",
        "the system has been used beyond its stated purposes",
    )
    punitive_use: YesNo | None = ask(
        "Is the data used to fine, prosecute or otherwise punish people?", "the data is used to punish people"
    )
    uses_population_photos: YesNo | None = ask(
        "Are photos from passport, driving licence or other population registers used for matching?",
        "population-register photos are used for matching",
    )
    uses_scraped_images: YesNo | None = ask(
        "Are images collected from social networks or the internet used?",
        "images collected from social networks or the internet are used",
    )
    extra_biometrics: YesNo | None = ask(
        "Does the system collect more than it needs, such as gait, emotion, voice or other biometrics?",
        "the system collects extra biometrics (gait, emotion, voice)",
    )
    shared_with_others: YesNo | None = ask(
        "Is the data shared with other public bodies or companies beyond the operator?",
        "the data is shared with other bodies or companies",
    )
    foreign_transfer: YesNo | None = ask(
        "Is the data sent to, or processed by, a company or body in another country?",
        "the data goes to a processor in another country",
    )
    combined_data: YesNo | None = ask(
        "Is the data combined with other data about people (location, payments, phone records)?",
        "the data is combined with other data about people",
    )
    sold: YesNo | None = ask(
        "Does the operator, or anyone on its behalf, sell the data or access to it, anonymised or not? "
        "(Insiders' illegal resale is a leak: security.known_leaks.)",
        "the operator sells the data or access to it",
    )


class Retention(Section):
    """P7: deletion."""

    max_days: Count | None = ask(
        "How many days at most are recordings and biometric data kept before deletion?", "the retention period in days"
    )
    non_matching: Period | None = ask(
        "How long are the templates or records of people who did not match kept?",
        "how long non-matching templates or records are kept",
    )
    matches: Period | None = ask("How long are matches and alerts kept?", "how long matches and alerts are kept")
    raw_records: Period | None = ask(
        "How long is raw footage or raw location data kept?", "how long raw footage or location data is kept"
    )
    reference_data: Period | None = ask(
        "How long are entries in the reference database or watch-list kept?",
        "how long reference-database entries are kept",
    )
    deletion_trigger: YesNo | None = ask(
        "Is data deleted automatically once its purpose is achieved (for example when a quarantine ends)?",
        "data is deleted once its purpose is achieved",
    )
    secure_deletion: YesNo | None = ask(
        "Is a secure deletion method used, so that deleted data cannot be recovered?",
        "a secure deletion method is used",
    )
    deletion_verified: YesNo | None = ask(
        "Is deletion checked and recorded by someone other than the operator?",
        "deletion is verified by someone other than the operator",
    )
    sunset_clause: YesNo | None = ask(
        "Does the programme end on a fixed date unless renewed by a new decision?",
        "the programme ends on a fixed date unless renewed",
    )


class Fairness(Section):
    """P8: non-discrimination."""

    protected_grounds_targeting: YesNo | None = ask(
        "Are people selected or watched on the basis of race, nationality, citizenship or origin?",
        "people are targeted on protected grounds (race, nationality, citizenship, origin)",
    )
    bias_testing: BiasTesting | None = ask(
        "Have the system's error rates been measured separately for groups defined by race, ethnicity, "
        "nationality or origin, and by whom?",
        "who measured error rates for groups defined by race, ethnicity, nationality or origin",
    )
    accuracy_published: YesNo | None = ask(
        "Are error rates for groups defined by race, ethnicity, nationality or origin published?",
        "error rates by group are published",
    )
    match_threshold_documented: YesNo | None = ask(
        "Is the match threshold that triggers an alert documented?", "the match threshold is documented"
    )
    children_processed: YesNo | None = ask("Does the system process children?", "children are processed")
    effectiveness_evidence: Evidence | None = ask(
        "Is there evidence that the system works in the field, and from whom?",
        "the evidence of effectiveness in the field",
    )
    field_error_rate_published: YesNo | None = ask(
        "Are error rates measured in real use (not in the lab) published?", "error rates in real use are published"
    )
    disparate_impact_documented: YesNo | None = ask(
        "Has a disparate impact on a protected group been documented?",
        "a disparate impact on a protected group is documented",
    )
    human_review: YesNo | None = ask(
        "Does a trained person check every match before anyone acts on it?",
        "a trained person checks every match before action",
    )
    misidentifications_documented: YesNo | None = ask(
        "Have people been wrongly stopped or detained after a false match?",
        "people have been wrongly stopped after false matches",
    )
    placement_disproportionate: YesNo | None = ask(
        "Are cameras or checks concentrated in areas where particular ethnic or national groups live or work?",
        "cameras are concentrated where particular groups live or work",
    )
    infers_protected_traits: YesNo | None = ask(
        "Does the system estimate or sort people by race, ethnicity, nationality or origin from their appearance?",
        "the system infers race, ethnicity, nationality or origin from appearance",
    )


class Transparency(Section):
    """P9: transparency and independent audit."""

    camera_register_published: YesNo | None = ask(
        "Is there a public register of cameras or sensors and what they are used for?",
        "a public register of cameras and uses exists",
    )
    policy_published: YesNo | None = ask("Is the operator's use policy published?", "the use policy is published")
    statistics_published: YesNo | None = ask(
        "Are usage statistics (searches, matches, arrests, false matches) published regularly?",
        "usage statistics are published regularly",
    )
    oversight_body: Oversight | None = ask(
        "Is there an independent body overseeing the system, and what powers does it have?",
        "the kind of oversight body",
    )
    impact_assessment: ImpactAssessment | None = ask(
        "Was a human-rights or data-protection impact assessment made, and is it published?", "the impact assessment"
    )
    oversight_exists: YesNo | None = ask("Does any body oversee the system?", "a body oversees the system")
    oversight_independent: YesNo | None = ask(
        "Is that body independent of the operator and of the government that runs the system?",
        "the oversight body is independent",
    )
    oversight_binding: YesNo | None = ask(
        "Can that body inspect the system and order changes that the operator must follow?",
        "the oversight body has binding powers",
    )
    rights_requests: RightsRequests | None = ask(
        "How are people's requests to see or erase their data handled?", "how access and erasure requests are handled"
    )
    impact_assessment_published: YesNo | None = ask(
        "Has a human-rights or data-protection impact assessment been published?", "an impact assessment is published"
    )
    independent_audit_possible: YesNo | None = ask(
        "Can independent researchers, journalists or NGOs audit the system's human-rights impact?",
        "independent public audit is possible",
    )
    notice_to_identified: YesNo | None = ask(
        "Are people who were identified or tracked told so afterwards?", "identified people are notified afterwards"
    )
    complaints_route: YesNo | None = ask(
        "Is there a complaints route that can lead to redress?", "a complaints route with redress exists"
    )
    effective_court_review: YesNo | None = ask(
        "When people challenged the system, did courts examine the evidence (whatever they decided)?",
        "courts examine challenges on the evidence",
    )


class SourceKind(StrEnum):
    """What kind of document a source is; a fact's default standing follows from it."""

    LAW = "law"
    OFFICIAL_RECORD = "official_record"
    COURT = "court"
    REGULATOR = "regulator"
    OPERATOR = "operator"
    PRESS = "press"
    NGO = "ngo"
    ACADEMIC = "academic"
    PARTY_CLAIM = "party_claim"


SOURCE_KIND_MEANINGS: dict[str, str] = {
    "law": "a legal act: statute, decree, regulation, order (facts it supports are established)",
    "official_record": "an official record: gazette, procurement contract, parliamentary record (established)",
    "court": "a court's judgment or decision (established)",
    "regulator": "a data-protection or other regulator's decision or report (established)",
    "operator": "the operator's own statement, policy or reply (established as what the operator says)",
    "press": "a news report (reported)",
    "ngo": "a report by a non-governmental organisation (reported)",
    "academic": "research by academics (reported)",
    "party_claim": "a claim by a party: a complaint, a lawyer's or an activist's charge (alleged)",
}
KIND_STANDING: dict[str, Standing] = {
    "law": Standing.ESTABLISHED,
    "official_record": Standing.ESTABLISHED,
    "court": Standing.ESTABLISHED,
    "regulator": Standing.ESTABLISHED,
    "operator": Standing.ESTABLISHED,
    "press": Standing.REPORTED,
    "ngo": Standing.REPORTED,
    "academic": Standing.REPORTED,
    "party_claim": Standing.ALLEGED,
}
UNDATED = "undated"


def _source_date(value: Any) -> str:
    """A source's date: the one date type (auditkit.dates), partial allowed, or 'undated'."""
    return UNDATED if value == UNDATED else _partial_date(value, ", or write undated")


def _partial_date(value: Any, more: str = "") -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD (auditkit.dates), with ``more`` added to the error's advice."""
    try:
        return check_date(value, partial=True)
    except ValueError as exc:
        raise PydanticCustomError("date", "{reason}", {"reason": f"{exc}{more}"}) from None


PARTIAL_DATE_SCHEMA: list[dict[str, Any]] = [
    {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"},
    {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
]
SourceDate = Annotated[
    str,
    BeforeValidator(_source_date),
    WithJsonSchema({"anyOf": [*PARTIAL_DATE_SCHEMA, {"const": UNDATED, "description": "the source carries no date"}]}),
]


class Source(BaseModel):
    """A document a fact rests on."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(
        description="A short id that facts use to cite this source, such as 'novaya-2019'.",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$",
    )
    kind: SourceKind | None = Field(
        default=None,
        description="What kind of document it is: "
        + "; ".join(f"{k}: {v}" for k, v in SOURCE_KIND_MEANINGS.items())
        + ". Without a kind, facts citing it count "
        "as reported.",
        json_schema_extra={"enumDescriptions": list(SOURCE_KIND_MEANINGS.values())},
    )
    role: Literal["primary", "secondary"] | None = Field(
        default=None,
        description="primary: the document itself (the judgment, the decree); secondary: a report about it.",
    )
    publisher: str = Field(description="Who published it.", min_length=1)
    title: str = Field(description="Its title.", min_length=1)
    date: SourceDate = Field(description="When it was published: YYYY, YYYY-MM or YYYY-MM-DD, or 'undated'.")
    url: str | None = Field(default=None, description="Where to read it, if online.")
    archive: str | None = Field(
        default=None,
        description="An archived copy (such as a web.archive.org address) or where a printed copy is kept.",
    )
    locator: str | None = Field(default=None, description="Page, section or paragraph, if useful.")
    note: str | None = Field(default=None, description="Anything a reader should know about this source.")

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s\"<>]+", value):
            raise ValueError("expected a web address starting with http:// or https://")
        return value

    @property
    def standing(self) -> Standing:
        """The default standing of a fact resting on this source alone."""
        return KIND_STANDING[self.kind.value] if self.kind is not None else Standing.REPORTED


INSTRUMENT_TYPES: dict[str, str] = {
    "statute": "a law passed by a legislature",
    "government_decree": "a decree or resolution of the executive",
    "agency_order": "an order or regulation of the operating agency",
    "contract": "a procurement, service or data-sharing contract",
    "court_order": "a court's order or judgment that authorises, limits or stops the programme",
    "other": "another kind of act (say which in a note)",
}
INSTRUMENT_FIELDS: dict[str, str] = {
    "id": "a short id, such as act-2019",
    "type": "what kind of act it is (the types below)",
    "title": "its title, as adopted",
    "adopted_by": "the body that adopted it (a parliament, a ministry, the operator, a court)",
    "date": "when it was adopted: YYYY, YYYY-MM or YYYY-MM-DD",
    "publication": "where it was officially published (gazette, number, page), or unpublished",
    "sources": "the sources that show it (ids from the 'sources' list, with pinpoints if useful)",
    "note": "anything a reader should know (optional)",
}


def _one_of(code: str, what: str, meanings: dict[str, str]) -> Callable[[Any], str]:
    """A check that a value is one of ``meanings``' keys, refusing others as "'x' is not <what>; expected ..."."""

    def check(value: Any) -> str:
        if isinstance(value, str) and value in meanings:
            return value
        raise PydanticCustomError(
            code,
            "{raw} is not {what}; expected one of: {allowed}",
            {"raw": repr(value)[:40], "what": what, "allowed": ", ".join(meanings)},
        )

    return check


def _meanings(meanings: dict[str, str]) -> WithJsonSchema:
    """The schema of such a value: each allowed key with its meaning, which editors show beside it."""
    return WithJsonSchema({"anyOf": [{"const": k, "description": v} for k, v in meanings.items()]})


InstrumentKind = Annotated[
    str,
    BeforeValidator(_one_of("instrument_type", "a type of instrument", INSTRUMENT_TYPES)),
    _meanings(INSTRUMENT_TYPES),
]


AdoptionDate = Annotated[str, BeforeValidator(_partial_date), WithJsonSchema({"anyOf": PARTIAL_DATE_SCHEMA})]


class Instrument(BaseModel):
    """One legal instrument the programme rests on (format 2): several can be listed under 'instruments'."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(description="A short id, such as 'act-2019'.", pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    type: InstrumentKind = Field(description="What kind of act it is.")
    title: str = Field(description=INSTRUMENT_FIELDS["title"].capitalize() + ".", min_length=1, max_length=500)
    adopted_by: str = Field(
        description=INSTRUMENT_FIELDS["adopted_by"].capitalize() + ".", min_length=1, max_length=300
    )
    date: AdoptionDate = Field(description=INSTRUMENT_FIELDS["date"].capitalize() + ".")
    publication: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Where it was officially published (gazette, number, page), or 'unpublished'.",
    )
    sources: tuple[Cite, ...] = Field(
        description="The sources that show it: ids of entries in the top-level 'sources' list, "
        "or {id: ..., at: 'art. 3'} with a pinpoint.",
        json_schema_extra={"minItems": 1},
    )
    note: str | None = Field(default=None, description="Anything a reader should know about it.")

    @field_validator("sources")
    @classmethod
    def _sourced(cls, value: tuple[Cite, ...]) -> tuple[Cite, ...]:
        if not value:
            raise PydanticCustomError(
                "instrument_sources",
                "an instrument needs at least one source; cite the entry of the 'sources' list that shows it",
            )
        return value

    @property
    def published(self) -> bool:
        """False when the description says it was never officially published."""
        return self.publication is not None and self.publication.strip().lower() != "unpublished"


CONTRACTOR_ROLES: dict[str, str] = {
    "vendor": "supplies the technology: the software, the matching algorithm or the devices",
    "runs_system": "runs the system day to day for whoever hired it",
    "hosts_data": "stores or processes the data (a data centre, a cloud provider)",
    "installs_maintains": "installs or maintains the cameras, readers or other equipment",
    "other": "another role (say which in a note)",
}
#: Who hired a contractor, besides the id of another entry (a subcontractor's contractor).
HIRED_BY_WORDS: dict[str, str] = {
    "operator": "the body that runs the programme (deployment.operator)",
    "unknown": "the sources do not say who hired it",
}
#: How a report says who hired a contractor, for those words (another entry is named by its name).
HIRED_BY_REPORT: dict[str, str] = {"operator": "the operator", "unknown": "not known"}
CONTRACTOR_FIELDS: dict[str, str] = {
    "id": "a short id, such as vendor-1; another entry's hired_by names it",
    "name": "the company's name, as the sources give it",
    "role": "what it does for the programme (the roles below)",
    "hired_by": "who hired it: operator, unknown, or the id of the entry that subcontracted it",
    "contract": "the id of its contract in the 'instruments' list, when listed there (optional)",
    "sources": "the sources that name it (ids from the 'sources' list, with pinpoints if useful)",
    "standing": "how sure it is: established, reported, alleged or disputed (default: from the sources' kinds)",
    "contested_by": "for a disputed entry: the sources in which it is contested",
    "note": "anything a reader should know (optional)",
}


ContractorRole = Annotated[
    str,
    BeforeValidator(_one_of("contractor_role", "a contractor's role", CONTRACTOR_ROLES)),
    _meanings(CONTRACTOR_ROLES),
]
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class Contractor(BaseModel):
    """A company in the chain behind the programme (format 2): the vendor, whoever runs it, their subcontractors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(description="A short id, such as 'vendor-1'; another entry's hired_by names it.", pattern=_ID)
    name: str = Field(description=CONTRACTOR_FIELDS["name"].capitalize() + ".", min_length=1, max_length=300)
    role: ContractorRole = Field(description="What it does for the programme.")
    hired_by: str = Field(
        description="Who hired it: "
        + "; ".join(f"{k}: {v}" for k, v in HIRED_BY_WORDS.items())
        + "; or the id of the entry that subcontracted it.",
        min_length=1,
        max_length=64,
    )
    contract: str | None = Field(
        default=None, description=CONTRACTOR_FIELDS["contract"].capitalize() + ".", min_length=1, max_length=64
    )
    sources: tuple[Cite, ...] = Field(
        description="The sources that name it: ids of entries in the top-level 'sources' list, "
        "or {id: ..., at: 'p. 5'} with a pinpoint.",
        json_schema_extra={"minItems": 1},
    )
    standing: Standing | None = Field(
        default=None,
        description="How sure it is: established, reported, alleged or disputed. "
        "Default: the strongest standing the cited sources' kinds give.",
    )
    contested_by: tuple[Cite, ...] = Field(
        default=(), description="For a disputed entry: the sources in which it is contested."
    )
    note: str | None = Field(default=None, description="Anything a reader should know about it.")

    @field_validator("sources")
    @classmethod
    def _sourced(cls, value: tuple[Cite, ...]) -> tuple[Cite, ...]:
        if not value:
            raise PydanticCustomError(
                "contractor_sources",
                "a contractor needs at least one source; cite the entry of the 'sources' list that names it",
            )
        return value

    @field_validator("standing", mode="before")
    @classmethod
    def _standing(cls, value: Any) -> Any:
        return check_standing(value)

    @model_validator(mode="after")
    def _contested(self) -> Contractor:
        if self.standing is Standing.DISPUTED and not self.contested_by:
            raise PydanticCustomError(
                "contractor_contested",
                "a disputed entry needs 'contested_by: [source-id]' naming where it is contested",
            )
        return self


class About(BaseModel):
    """What is audited, by whom, and when."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str = Field(description="The programme's name, as a reader would recognise it.", min_length=1, max_length=300)
    jurisdiction: str | None = Field(default=None, description="The city, region or country.")
    legal_orders: tuple[str, ...] | None = Field(
        default=None,
        description="The legal orders that bind the programme, besides international law: "
        "council_of_europe, eu, and national:<two-letter country code> such as national:RU. Reports cite "
        "regional and national law only where it binds; left out, they cite international law only.",
    )
    operator: str | None = Field(default=None, description="The body that runs the programme.")
    technology: str | None = Field(default=None, description="The technology, in a few words.")
    period: str | None = Field(default=None, description="When it ran or runs, in words.")
    description: str | None = Field(default=None, description="A short description of the programme.")
    hypothetical: bool = Field(
        default=False,
        description="True when the programme is invented for teaching "
        "or comparison; reports then say so on every page.",
    )
    auditor: str | None = Field(default=None, description="The person or organisation doing the audit.")
    audit_date: FullDate | None = Field(
        default=None, description="The date of the audit, YYYY-MM-DD; reports print it instead of today's date."
    )

    @field_validator("legal_orders")
    @classmethod
    def _legal_orders(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for order in value or ():
            if not re.fullmatch(r"council_of_europe|eu|international|national:[A-Z]{2}", order):
                raise ValueError(
                    f"'{order}' is not a legal order; write council_of_europe, eu, or national: "
                    "and a two-letter country code in capitals, such as national:RU"
                )
        return value


class Deployment(BaseModel):
    """A described surveillance deployment."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, title="auditkit deployment description")

    format_version: int = Field(
        description=f"The version of this file format; write {FORMAT_VERSION}.",
        json_schema_extra={"enum": list(READS_VERSIONS)},
    )
    deployment: About
    sources: tuple[Source, ...] = Field(default=(), description="Every document the facts cite, declared once.")
    instruments: tuple[Instrument, ...] = Field(
        default=(),
        description="The legal instruments the programme rests on, each with its type, adopting body, date, "
        "publication and sources (format 2). The legality facts say what they provide, taken together.",
    )
    contractors: tuple[Contractor, ...] = Field(
        default=(),
        description="The companies behind the programme, each with its role (the vendor of the technology, "
        "whoever runs it, hosts the data or maintains it), who hired it, and sources (format 2).",
    )
    legality: Legality = Field(default_factory=Legality, description="P1 Legality: the legal basis.")
    consent: Consent = Field(default_factory=Consent, description="P2 Voluntariness and judicial authorisation.")
    scope: Scope = Field(default_factory=Scope, description="P3 No mass surveillance: who is watched and how.")
    security: Security = Field(default_factory=Security, description="P4 Security and accountability.")
    deidentification: Deidentification = Field(
        default_factory=Deidentification, description="P5 Verifiable de-identification."
    )
    minimisation: Minimisation = Field(
        default_factory=Minimisation, description="P6 Minimisation, purpose limitation and no sale."
    )
    retention: Retention = Field(default_factory=Retention, description="P7 Deletion.")
    fairness: Fairness = Field(default_factory=Fairness, description="P8 Non-discrimination.")
    transparency: Transparency = Field(
        default_factory=Transparency, description="P9 Transparency and independent audit."
    )

    @field_validator("sources", "instruments", "contractors", mode="before")
    @classmethod
    def _no_sources_yet(cls, value: Any) -> Any:
        """'sources:' with only commented examples under it (as 'auditkit init' writes it) is an empty list."""
        return () if value is None else value

    @field_validator("format_version")
    @classmethod
    def _version(cls, value: int) -> int:
        if value not in READS_VERSIONS:
            raise ValueError(f"this auditkit reads format_version {FORMAT_VERSION} (and 1)")
        return value

    def standing(self, fact: Fact | Contractor) -> Standing | None:
        """How sure one statement (or a contractor entry) is: its own standing, else the strongest its sources give.

        None when it cites no source (unknown, undisclosed or not applicable with no source).
        """
        if fact.standing is not None:
            return fact.standing
        if not self.sources:  # () is one shared tuple: nothing is remembered for it
            return None
        given, known = _standings(self.sources)
        hit = known.get(id(fact))
        if hit is not None and hit[0] is fact:
            return hit[1]
        found = [given[c.id] for c in fact.sources if c.id in given]
        standing = max(found, key=STANDING_RANK.__getitem__) if found else None
        known[id(fact)] = (fact, standing)  # the entry holds the statement, so its id is not reused meanwhile
        return standing

    def meets(self, fact: Fact | Contractor, evidence: str) -> bool:
        """True when a statement is sure enough to decide rules at this evidence threshold."""
        standing = self.standing(fact)
        if standing is None:
            return True
        need = STANDING_RANK.get(evidence)  # type: ignore[call-overload]  # a Standing hashes and compares as its text
        return STANDING_RANK[standing] >= (need if need is not None else STANDING_RANK[Standing(evidence)])


_Standings = dict[int, tuple[Any, "Standing | None"]]
_GIVEN: tuple[Any, dict[str, Standing], _Standings] = ((), {}, {})


def _standings(sources: tuple[Source, ...]) -> tuple[dict[str, Standing], _Standings]:
    """Each source's standing by its id, and statements' standings by theirs, for the last sources asked about.

    An audit asks hundreds of times, about the same statements (a statement's standing depends only on it
    and the sources); the tuple, its sources and the statements are frozen, and the triple is replaced
    whole, so threads never mix two. Nothing outlives the next description's sources.
    """
    global _GIVEN
    last = _GIVEN
    if last[0] is not sources:
        last = _GIVEN = (sources, {s.id: s.standing for s in sources}, {})
    return last[1], last[2]


#: The fact sections of a description, in the order of the format: every field of Deployment that is a Section.
SECTIONS: tuple[str, ...] = tuple(
    name
    for name, field in Deployment.model_fields.items()
    if isinstance(field.annotation, type) and issubclass(field.annotation, Section)
)
