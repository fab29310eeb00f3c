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


# The period each count of people or searches covers, as a field of the fact (``per``), not a note.
PERIODS = {
    "private-face-matching.yaml": {"scope.people_processed": ("month", " a month")},
    "licence-plate-network.yaml": {"scope.searches_run": ("year", " a year")},
    "contact-tracing-app.yaml": {"scope.people_processed": ("in_total", " in total")},
}


@pytest.mark.parametrize("name", sorted(PERIODS))
def test_each_case_says_what_period_its_counts_cover(name: str) -> None:
    deployment = load_deployment(CASES / name).deployment
    held = {}
    for path in PERIODS[name]:
        fact = get_fact(deployment, path)
        assert fact is not None and fact.note is None, path
        held[path] = (fact.per, fact.period_words())  # type: ignore[attr-defined]  # a Tally
    assert held == PERIODS[name]


def test_a_report_and_a_comparison_word_the_period_a_count_covers(tmp_path: Path) -> None:
    from auditkit.compare import fact_value

    plates = load_deployment(CASES / "licence-plate-network.yaml").deployment
    assert fact_value(plates, "scope.searches_run").display == "at least 40,000 a year"
    unknown = tmp_path / "unknown.yaml"
    text = (CASES / "licence-plate-network.yaml").read_text(encoding="utf-8")
    unknown.write_text(text.replace("{value: {at_least: 40000}, per: year,", "{value: unknown, per: year,"), "utf-8")
    assert fact_value(load_deployment(unknown).deployment, "scope.searches_run").display == "unknown"


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


@pytest.mark.parametrize("name", sorted(KEY_FACTS))
def test_plan_proves_its_amendment_on_each_case(name: str, tmp_path: Path) -> None:
    # bounds, periods, law against practice, alleged and not_applicable answers: the plan's own evaluation
    # agrees with the audit of the changed description, which is written as a file writes those answers
    after = tmp_path / "after.yaml"
    code, out, err = cli("plan", str(CASES / name), "-t", "C", "--write-after", str(after))
    assert (code, err) == (0, f"wrote {after}\n")
    assert "Proved by auditing the changed description again." in out
    code, out, _ = cli("validate", str(after))  # warnings only: the proposed amendment has no url or kind
    assert (code, out) == (0, f"{after}: valid\n")


def test_several_instruments_each_with_type_adopting_body_date_and_publication() -> None:
    deployment = load_deployment(CASES / "licence-plate-network.yaml").deployment
    assert [(i.id, i.type, i.adopted_by, i.date, i.publication) for i in deployment.instruments] == [
        ("act-2019", "statute", "Regional parliament", "2019-03-14", "Regional Gazette No. 12/2019, p. 4"),
        ("order-2020", "agency_order", "Regional police", "2020-02", "unpublished"),
        ("contract-2021", "contract", "Regional police", "2021", None),
    ]
    assert [i.published for i in deployment.instruments] == [True, False, False]
    assert deployment.instruments[0].sources[0].at == "s. 4"


def test_instruments_are_in_the_template_the_schema_and_the_fact_listing() -> None:
    from auditkit.model.deployment import INSTRUMENT_TYPES
    from auditkit.schemas import schema_json
    from auditkit.template import template

    text = template()
    assert "\ninstruments:\n" in text
    _, out, _ = cli("principles", "--facts")
    out = " ".join(out.split())  # the listing wraps long meanings
    schema = schema_json("deployment")
    described = {c["const"]: c["description"] for c in schema["$defs"]["Instrument"]["properties"]["type"]["anyOf"]}
    assert described == INSTRUMENT_TYPES
    for key, meaning in INSTRUMENT_TYPES.items():
        assert f"#   {key}: {meaning}" in text
        assert f"{key}: {meaning}" in out
    assert "adopted_by: the body that adopted it" in out


def test_principles_facts_explains_law_and_practice_bounds_periods_and_per() -> None:
    from auditkit.model.facts import SIDES_RULE, Fact
    from auditkit.model.kinds import PER_MEANINGS, Count, Period

    code, out, err = cli("principles", "--facts")
    assert (code, err) == (0, "")
    head = " ".join(out.split("[legality]")[0].split())  # the explanation before the facts, unwrapped
    for name in ("value", "sources", "standing", "contested_by", "reason", "note", "law", "practice"):
        assert f"{name}: {Fact.model_fields[name].description}" in head, name
    assert (
        'law: {value: targeted, sources: [act-2019]} practice: {value: untargeted, sources: [{id: court-2020, at: "para 12"}]}'
        in head
    )
    assert SIDES_RULE in head
    for form, meaning in [*Count.answer_forms(""), *Period.answer_forms("")]:
        assert f"{form}: {meaning}" in head
    assert "{about: 1000} is read as 900 to 1,100 (this project's policy choice)" in head
    # worded from the rules' own logic: a lower bound above the threshold breaks it, one below decides nothing
    assert "{at_least: 100000} leaves a rule 'at most 1,000' not met, and a rule 'at most 200,000' unknown" in head
    assert "per (only for scope.people_processed, scope.searches_run)" in head
    for key, meaning in PER_MEANINGS.items():
        assert f"{key}: {meaning}" in head


@pytest.mark.parametrize("name", sorted(KEY_FACTS))
def test_the_json_schema_editors_read_accepts_each_case_and_refuses_a_bad_period(name: str) -> None:
    import json

    import jsonschema

    from auditkit.yamlio import parse_bytes

    _, out, _ = cli("schema", "deployment")
    checker = jsonschema.Draft202012Validator(json.loads(out))
    data = parse_bytes((CASES / name).read_bytes(), name).data
    checker.validate(data)
    for facts in data.values():
        for fact in facts.values() if isinstance(facts, dict) else ():
            if isinstance(fact, dict) and "per" in fact:
                fact["per"] = "annual"
                assert not checker.is_valid(data)
                fact["per"] = "year"
                assert checker.is_valid(data)


def test_the_vendor_and_the_chain_of_contractors_are_entries_not_notes() -> None:
    plates = load_deployment(CASES / "licence-plate-network.yaml").deployment
    assert [(c.id, c.role, c.hired_by, c.contract) for c in plates.contractors] == [
        ("plate-vendor", "vendor", "operator", "contract-2021"),
        ("host-co", "hosts_data", "plate-vendor", None),
    ]
    assert [plates.standing(c) for c in plates.contractors] == [Standing.ESTABLISHED, Standing.REPORTED]
    assert plates.contractors[0].sources[0].at == "p. 9"
    for name in KEY_FACTS:
        vendors = [c for c in load_deployment(CASES / name).deployment.contractors if c.role == "vendor"]
        assert len(vendors) == 1 and vendors[0].hired_by == "operator", name


def test_contractors_are_in_the_template_the_schema_and_the_fact_listing() -> None:
    from auditkit.model.deployment import CONTRACTOR_ROLES, HIRED_BY_WORDS
    from auditkit.schemas import schema_json
    from auditkit.template import template

    text = template()
    assert "\ncontractors:\n" in text
    _, out, _ = cli("principles", "--facts")
    out = " ".join(out.split())
    described = {
        c["const"]: c["description"]
        for c in schema_json("deployment")["$defs"]["Contractor"]["properties"]["role"]["anyOf"]
    }
    assert described == CONTRACTOR_ROLES
    for key, meaning in [*CONTRACTOR_ROLES.items(), *HIRED_BY_WORDS.items()]:
        assert f"#   {key}: {meaning}" in text
        assert f"{key}: {meaning}" in out
    assert "hired_by: who hired it: operator, unknown, or the id of the entry that subcontracted it" in out


def test_docs_format_lists_each_contractor_role_with_the_models_meaning() -> None:
    from auditkit.model.deployment import CONTRACTOR_ROLES

    docs = (Path(__file__).parents[1] / "docs" / "format.md").read_text(encoding="utf-8")
    for role, meaning in CONTRACTOR_ROLES.items():
        assert f"| `{role}` | {meaning} |" in docs
