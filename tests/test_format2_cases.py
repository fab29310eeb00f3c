"""Three kinds of programme format 1 could not describe, written in format 2 (tests/fixtures/format2/).

Also the fact listing that says what every answer means.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import cli

from auditkit.engine import audit
from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.facts import Amount, Duration, Missing, Standing
from auditkit.model.load import load_deployment
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

CASES = Path(__file__).parent / "fixtures" / "format2"


def findings(name: str) -> dict[str, object]:
    result = audit(load_deployment(CASES / name), [load_framework(DEFAULT_FRAMEWORK)])
    return {f.rule: f for f in result.findings}


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.glob("*.yaml")))
def test_each_case_validates_strictly(name: str) -> None:
    assert cli("validate", "--strict", str(CASES / name)) == (0, f"{CASES / name}: valid\n", "")


def test_a_breach_in_practice_decides_the_licence_plate_network() -> None:
    scanning = findings("licence-plate-network.yaml")["P3-01"]
    assert scanning.status == "not_met"  # the act allows warrant-listed searches; the audit found every car logged
    assert [(r.aspect, r.value) for r in scanning.facts] == [("law", "targeted"), ("practice", "untargeted")]
    assert scanning.facts[0].pinpoints == {"act-2019": "s. 4(2)"}


def test_questions_that_do_not_arise_are_not_applicable_for_the_tracing_app() -> None:
    assert findings("contact-tracing-app.yaml")["P3-01"].status == "not_applicable"


# The key facts of each case, as the loaded description holds them: each is a fact of its own, not a note.
KEY_FACTS = {
    "private-face-matching.yaml": {
        "legality.operator_kind": "private_company",
        "legality.lawful_basis": "legitimate_interest",
        "consent.participation": "unavoidable",
        "consent.prior_notice": "found_inadequate",
        "consent.court_order_required": Missing.NOT_APPLICABLE,
        "scope.technology_kind": "face",
        "scope.reference_database": "private_list",
        "scope.watchlist_criteria": "private_exclusion",
        "scope.enrolment_images": "operator_captured",
        "scope.people_processed": Amount(100000, None),
        "scope.status": "suspended",
        "retention.non_matching": Duration(0),
        "retention.matches": Duration(72),
        "retention.reference_data": Duration(730 * 24),
        "fairness.children_processed": True,
        "transparency.impact_assessment": "found_inadequate",
        "transparency.rights_requests": "partly",
    },
    "licence-plate-network.yaml": {
        "legality.operator_kind": "contractor_for_public_body",
        "legality.legislative_vote": True,
        "legality.public_consultation": False,
        "scope.technology_kind": "licence_plates",
        "scope.camera_count": Amount(1080, 1320, about=1200),
        "scope.searches_run": Amount(40000, None),
        "retention.raw_records": Duration(90 * 24),
        "retention.matches": Duration(None),
        "minimisation.combined_data": True,
    },
    "contact-tracing-app.yaml": {
        "legality.operator_kind": "public_body",
        "legality.lawful_basis": "consent",
        "scope.technology_kind": "app_tracing",
        "scope.people_processed": Amount(2000000, 3000000),
        "scope.scanning": Missing.NOT_APPLICABLE,
        "scope.status": "ended_data_deleted",
        "retention.raw_records": Duration(14 * 24),
        "minimisation.foreign_transfer": False,
        "fairness.effectiveness_evidence": "independent",
    },
}


@pytest.mark.parametrize("name", sorted(KEY_FACTS))
def test_each_case_states_its_key_facts_as_facts(name: str) -> None:
    deployment = load_deployment(CASES / name).deployment
    held = {}
    for path in KEY_FACTS[name]:
        fact = get_fact(deployment, path)
        assert fact is not None, path
        held[path] = fact.value
    assert held == KEY_FACTS[name]


def test_a_customers_claim_is_alleged_and_decides_nothing_at_established() -> None:
    deployment = load_deployment(CASES / "private-face-matching.yaml").deployment
    claim = get_fact(deployment, "fairness.misidentifications_documented")
    assert claim is not None and deployment.standing(claim) == Standing.ALLEGED
    assert not deployment.meets(claim, "established") and deployment.meets(claim, "alleged")
    plates = load_deployment(CASES / "licence-plate-network.yaml").deployment
    shared = get_fact(plates, "minimisation.shared_with_others")
    assert shared is not None and plates.standing(shared) == Standing.DISPUTED


def test_principles_facts_lists_every_fact_with_its_question_and_answers() -> None:
    code, out, err = cli("principles", "--facts")
    assert (code, err) == (0, "")
    for path, info in catalogue().items():
        assert f"\n{path}\n" in out
        for key, _ in info.choices:
            assert f"    {key}: " in out, (path, key)
    assert "watchlist_only: only a watch-list of people sought under law" in out
    assert "party_claim: a claim by a party" in out
