"""One bad value for every fact format 2 added, each refused with its exact one-line message and exit 2.

Each case is a description with one fact written wrong, on line 6; the message names the file, the line and
column, the field, and what to write instead. The list is checked against the catalogue, so a fact added
later without a case here fails ``test_every_format_2_fact_has_a_bad_input_case``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import cli

from auditkit.model.catalog import catalogue

# Format 1 asked 67 questions (issue 12); every fact past those is a format-2 fact and needs a case below.
FORMAT_1_QUESTIONS = 67

HEAD = """\
format_version: 2
deployment: {name: Bad input}
sources:
  - {id: dpa-2025, kind: regulator, publisher: Data Protection Authority, title: Decision, date: 2025, url: 'https://example.org/d'}
"""

# (section, fact, the bad answer as written on line 6, the message after 'file:')
CASES = [
    (
        "legality",
        "operator_kind",
        "{value: company, sources: [dpa-2025]}",
        "6:19: legality.operator_kind.value: 'company' is not an answer here (did you mean 'private_company'?); expected one of: public_body, private_company, contractor_for_public_body, or unknown or undisclosed",
    ),
    (
        "legality",
        "lawful_basis",
        "{value: legitimate interest, sources: [dpa-2025]}",
        "6:18: legality.lawful_basis.value: 'legitimate interest' is not an answer here (did you mean 'legitimate_interest'?); expected one of: specific_law, general_powers, consent, legitimate_interest, contract, none, or unknown or undisclosed",
    ),
    (
        "legality",
        "public_consultation",
        "{value: partly, sources: [dpa-2025]}",
        "6:25: legality.public_consultation.value: 'partly' is not an answer here; expected yes or no, or unknown or undisclosed",
    ),
    (
        "legality",
        "legislative_vote",
        "{value: 2019, sources: [dpa-2025]}",
        "6:22: legality.legislative_vote.value: 2019 is not an answer here; expected yes or no, or unknown or undisclosed",
    ),
    (
        "legality",
        "order_defied",
        "{value: yes}",
        "6:3: legality.order_defied: the answer yes has no source; add 'sources: [source-id]' naming an entry of the top-level 'sources' list, or write unknown if you cannot source it",
    ),
    (
        "consent",
        "prior_notice",
        "{value: signs, sources: [dpa-2025]}",
        "6:18: consent.prior_notice.value: 'signs' is not an answer here; expected one of: adequate, found_inadequate, none, or unknown or undisclosed",
    ),
    (
        "scope",
        "technology_kind",
        "{value: Face, sources: [dpa-2025]}",
        "6:21: scope.technology_kind.value: 'Face' is not an answer here (did you mean 'face'?); expected one of: face, other_biometrics, licence_plates, phone_location, app_tracing, other, or unknown or undisclosed",
    ),
    (
        "scope",
        "status",
        "{value: paused, sources: [dpa-2025]}",
        "6:12: scope.status.value: 'paused' is not an answer here; expected one of: running, suspended, ended, ended_data_deleted, or unknown or undisclosed",
    ),
    (
        "scope",
        "people_processed",
        "{value: {about: -5}, sources: [dpa-2025]}",
        "6:22: scope.people_processed.value: bounds are written {at_least: N}, {at_most: N}, both for a range, or {about: N}, each N a whole number of zero or more",
    ),
    (
        "scope",
        "database_size",
        "{value: {at_least: 10, at_most: 5}, sources: [dpa-2025]}",
        "6:19: scope.database_size.value: at_least 10 is more than at_most 5; swap them",
    ),
    (
        "scope",
        "searches_run",
        "{value: 40k, sources: [dpa-2025]}",
        "6:18: scope.searches_run.value: '40k' is not an answer here; expected a whole number of zero or more, such as 30, or bounds such as {at_least: 100}, or unknown or undisclosed",
    ),
    (
        "scope",
        "watchlist_criteria",
        "{value: wanted, sources: [dpa-2025]}",
        "6:24: scope.watchlist_criteria.value: 'wanted' is not an answer here; expected one of: sought_under_law, persons_of_interest, private_exclusion, none_set, or unknown or undisclosed",
    ),
    (
        "scope",
        "enrolment_images",
        "{value: mugshots, sources: [dpa-2025]}",
        "6:22: scope.enrolment_images.value: 'mugshots' is not an answer here; expected one of: custody_records, identity_documents, scraped_web, operator_captured, submitted_by_users, or unknown or undisclosed",
    ),
    (
        "scope",
        "enrolment_quality_checked",
        "{value: maybe, sources: [dpa-2025]}",
        "6:31: scope.enrolment_quality_checked.value: 'maybe' is not an answer here; expected yes or no, or unknown or undisclosed",
    ),
    (
        "minimisation",
        "foreign_transfer",
        "yes",
        "6:3: minimisation.foreign_transfer: the answer yes needs its source; write {value: yes, sources: [source-id]} naming an entry of the 'sources' list, or write unknown",
    ),
    (
        "minimisation",
        "combined_data",
        "{value: [location, payments], sources: [dpa-2025]}",
        "6:19: minimisation.combined_data.value: a list is not an answer here; expected yes or no, or unknown or undisclosed",
    ),
    (
        "retention",
        "non_matching",
        "{value: {weeks: 2}, sources: [dpa-2025]}",
        "6:18: retention.non_matching.value: a period is written {days: N} or {hours: N}, N a whole number of zero or more, or immediately or indefinite",
    ),
    (
        "retention",
        "matches",
        "{value: {hours: -1}, sources: [dpa-2025]}",
        "6:13: retention.matches.value: a period is written {days: N} or {hours: N}, N a whole number of zero or more, or immediately or indefinite",
    ),
    (
        "retention",
        "raw_records",
        "{value: 30, sources: [dpa-2025]}",
        "6:17: retention.raw_records.value: 30 is not an answer here; expected a period such as {days: 30} or {hours: 24}, immediately or indefinite, or unknown or undisclosed",
    ),
    (
        "retention",
        "reference_data",
        "{value: forever, sources: [dpa-2025]}",
        "6:20: retention.reference_data.value: 'forever' is not an answer here; expected a period such as {days: 30} or {hours: 24}, immediately or indefinite, or unknown or undisclosed",
    ),
    (
        "fairness",
        "children_processed",
        "{value: not_applicable}",
        "6:3: fairness.children_processed: a not_applicable answer needs its reason; add 'reason: ...' saying why the question does not arise here",
    ),
    (
        "fairness",
        "effectiveness_evidence",
        "{value: independent}",
        "6:3: fairness.effectiveness_evidence: the answer independent has no source; add 'sources: [source-id]' naming an entry of the top-level 'sources' list, or write unknown if you cannot source it",
    ),
    (
        "fairness",
        "field_error_rate_published",
        "{value: yes, sources: [dpa-2025], standing: proven}",
        "6:65: fairness.field_error_rate_published.standing: 'proven' is not a standing; expected one of: established, reported, alleged, disputed",
    ),
    (
        "fairness",
        "disparate_impact_documented",
        "{value: yes, sources: [dpa-2025], standing: disputed}",
        "6:3: fairness.disparate_impact_documented: a disputed fact needs 'contested_by: [source-id]' naming where the operator contests it",
    ),
    (
        "transparency",
        "impact_assessment",
        "{value: yes, sources: [dpa-2025]}",
        "6:23: transparency.impact_assessment.value: 'yes' is not an answer here; expected one of: published, unpublished, found_inadequate, none, or unknown or undisclosed",
    ),
    (
        "transparency",
        "oversight_exists",
        "{value: yes, sources: [dpa-2026]}",
        "6:44: transparency.oversight_exists.sources[1]: no source has the id 'dpa-2026' (did you mean 'dpa-2025'?); declare it under the top-level 'sources' list, or cite one of: dpa-2025",
    ),
    (
        "transparency",
        "oversight_independent",
        "{value: no, law: {value: yes, sources: [dpa-2025]}}",
        "6:3: transparency.oversight_independent: a fact written with 'law' and 'practice' has no 'value' or 'sources' of its own; put each inside 'law:' or 'practice:'",
    ),
    (
        "transparency",
        "oversight_binding",
        "{value: sometimes, sources: [dpa-2025]}",
        "6:23: transparency.oversight_binding.value: 'sometimes' is not an answer here; expected yes or no, or unknown or undisclosed",
    ),
    (
        "transparency",
        "rights_requests",
        "{value: partially, sources: [dpa-2025]}",
        "6:21: transparency.rights_requests.value: 'partially' is not an answer here (did you mean 'partly'?); expected one of: honoured, partly, refused, no_route, or unknown or undisclosed",
    ),
    (
        "scope",
        "people_processed",
        "{value: 5000, per: annual, sources: [dpa-2025]}",
        "6:35: scope.people_processed.per: 'annual' is not a period; expected one of: day, week, month, year, in_total (the period the number covers)",
    ),
    (
        "scope",
        "searches_run",
        "{value: 40000, per: [month], sources: [dpa-2025]}",
        "6:32: scope.searches_run.per: ['month'] is not a period; expected one of: day, week, month, year, in_total (the period the number covers)",
    ),
]


@pytest.mark.parametrize(
    ("section", "name", "written", "message"), CASES, ids=[f"{c[0]}.{c[1]}-{i}" for i, c in enumerate(CASES)]
)
def test_a_bad_value_of_a_format_2_fact_gets_one_located_line_and_exit_2(
    tmp_path: Path, section: str, name: str, written: str, message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"{HEAD}{section}:\n  {name}: {written}\n", encoding="utf-8")
    assert cli("validate", str(bad)) == (2, "", f"{bad}:{message}\n")
    code, out, err = cli("audit", str(bad), "--format", "md", "-o", str(tmp_path / "out.md"))
    assert (code, out, err) == (2, "", f"{bad}:{message}\n")
    assert not (tmp_path / "out.md").exists()  # no half-written report


def test_every_format_2_fact_has_a_bad_input_case() -> None:
    covered = {f"{section}.{name}" for section, name, _, _ in CASES}
    assert covered <= set(catalogue())
    assert len(catalogue()) - len(covered) == FORMAT_1_QUESTIONS
