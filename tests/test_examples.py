"""The bundled case studies: they validate, every fact is sourced, and each
audit gives the verdicts its evidence supports.

The pinned verdicts are the project's reading of the evidence, not a
snapshot to refresh blindly: the comment beside each one names the facts that
drive it. If a rule change moves a verdict, check that the new verdict still
follows from those facts before changing the pin.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from auditkit.cli import DEFAULT_EXAMPLE
from auditkit.engine import audit
from auditkit.model.catalog import catalogue, get_fact
from auditkit.model.load import LoadedDeployment, load_deployment
from auditkit.model.result import AuditResult, Verdict
from auditkit.render import Format, RenderOptions, renderer
from auditkit.rules.loader import Framework, load_framework

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FRT = "moscow-safe-city-frt.yaml"
QUARANTINE = "moscow-covid-quarantine.yaml"
NIZHNY = "nizhny-novgorod-safe-city.yaml"
HYPOTHETICAL = "hypothetical-well-governed.yaml"
REAL = (FRT, QUARANTINE, NIZHNY)
ALL = (*REAL, HYPOTHETICAL)

MET = Verdict.MET
PARTIAL = Verdict.PARTIALLY_MET
NOT_MET = Verdict.NOT_MET
INSUFFICIENT = Verdict.INSUFFICIENT_INFORMATION
NA = Verdict.NOT_APPLICABLE

VERDICTS: dict[str, dict[str, Verdict]] = {
    FRT: {
        "P1": NOT_MET,       # only a government decree; no law names FRT or sets purposes, users, watch-list criteria
        "P2": NOT_MET,       # participation unavoidable; no court order required; no after-the-fact review
        "P3": NOT_MET,       # red lines: untargeted scanning, live matching vs ID photos, no proportionality test
        "P4": NOT_MET,       # access not restricted in practice; leaks/sales documented, none prosecuted
        "P5": NA,            # deidentification.claimed is no: the system exists to identify people
        "P6": NOT_MET,       # all eight minimisation facts breached: protests, fines, ID + VKontakte photos, sale
        "P7": INSUFFICIENT,  # the sources give no retention period, deletion trigger or sunset
        "P8": INSUFFICIENT,  # only misidentifications_documented (yes) is known; no testing facts
        "P9": INSUFFICIENT,  # oversight_body none and effective_court_review no decide too little weight
    },
    QUARANTINE: {
        "P1": INSUFFICIENT,  # agency_order and names_technology known; competence, publication, scope unknown
        "P2": NOT_MET,       # participation mandatory, refusal fined, no court order for tracking
        "P3": NOT_MET,       # red line: untargeted camera scanning; no place or time limits
        "P4": INSUFFICIENT,  # only known_leaks yes and leaks_prosecuted no are known
        "P5": NA,            # deidentification.claimed is no: named patients were tracked
        "P6": INSUFFICIENT,  # punitive_use and shared_with_others (both breaches) decide too little weight
        "P7": INSUFFICIENT,  # nothing known about deletion of quarantine data
        "P8": INSUFFICIENT,  # only misidentifications_documented (up to 20% of fines) is known
        "P9": INSUFFICIENT,  # only oversight_body none is known
    },
    NIZHNY: {
        "P1": NOT_MET,       # government decree; FRT not named; purposes, users, watch-list criteria undefined
        "P2": NOT_MET,       # participation unavoidable; no court order or after-the-fact review in Russian law
        "P3": NOT_MET,       # red line: untargeted scanning for wanted people and quarantine breakers
        "P4": INSUFFICIENT,  # encryption undisclosed, all else unknown
        "P5": NA,            # deidentification.claimed is no
        "P6": INSUFFICIENT,  # no minimisation fact is on the record for this city
        "P7": INSUFFICIENT,  # 30-day storage duty known, but no maximum or deletion facts
        "P8": INSUFFICIENT,  # no fairness fact is on the record
        "P9": INSUFFICIENT,  # only oversight_body none is known
    },
    HYPOTHETICAL: {
        "P1": MET,           # statute by a competent body, published, names FRT and fixes its limits
        "P2": PARTIAL,       # deliberate gap: participation unavoidable; court orders otherwise complete
        "P3": MET,           # targeted, retrospective, watch-list only, per-search proportionality
        "P4": MET,           # encryption, restricted and logged access, liability, notification, compensation
        "P5": MET,           # aggregates claimed anonymous; method, re-identification test, verification
        "P6": MET,           # closed purposes; no reuse, sale, scraping, register photos or extra biometrics
        "P7": PARTIAL,       # deliberate gap: deletion_verified no; 14 days, trigger, secure deletion, sunset
        "P8": PARTIAL,       # deliberate gaps: bias_testing vendor_only, accuracy_published no
        "P9": MET,           # deliberate gap notice_to_identified no is outweighed by register, oversight, audit
    },
}

GRADES = {FRT: "F", QUARANTINE: "F", NIZHNY: "F", HYPOTHETICAL: "A"}

RED_LINES = {
    FRT: ["P3-01", "P3-02", "P3-03"],  # untargeted; real_time + population_scale; proportionality none
    QUARANTINE: ["P3-01"],             # untargeted; matched against a patient watch-list; assessment unknown
    NIZHNY: ["P3-01"],                 # untargeted; identification mode and database unknown
    HYPOTHETICAL: [],
}

SEED_NOTE = re.compile(r"seeds/\d{3}_[0-9a-f]{16}\.txt")


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework("agora-2020")


@pytest.fixture(scope="module")
def results(framework: Framework) -> dict[str, AuditResult]:
    return {name: audit(load_deployment(EXAMPLES / name), [framework]) for name in ALL}


def test_the_bundled_examples_are_exactly_the_four_case_studies() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(ALL)
    assert DEFAULT_EXAMPLE == FRT


@pytest.mark.parametrize("name", ALL)
def test_example_validates_with_audit_date_and_auditor(name: str) -> None:
    about = load_deployment(EXAMPLES / name).deployment.deployment
    assert about.audit_date == "2026-11-21"
    assert about.auditor == "auditkit project (example audit)"


@pytest.mark.parametrize("name", ALL)
def test_every_known_fact_cites_a_declared_source(name: str) -> None:
    deployment = load_deployment(EXAMPLES / name).deployment
    declared = {s.id for s in deployment.sources}
    cited: set[str] = set()
    unsourced = []
    for path in catalogue():
        fact = get_fact(deployment, path)
        if fact is None or not fact.known:
            continue
        if not fact.sources or not set(fact.source_ids) <= declared:
            unsourced.append(path)
        cited.update(fact.source_ids)
    assert unsourced == []
    assert cited == declared, "every declared source should back at least one fact"


@pytest.mark.parametrize("name", REAL)
def test_real_case_sources_name_their_seed_file(name: str) -> None:
    deployment = load_deployment(EXAMPLES / name).deployment
    for source in deployment.sources:
        assert source.note and SEED_NOTE.search(source.note), source.id
        assert "hypothetical" not in source.publisher.lower()


@pytest.mark.parametrize("name", ALL)
def test_principle_verdicts(name: str, results: dict[str, AuditResult]) -> None:
    got = {p.id: p.verdict for p in results[name].principles}
    assert got == VERDICTS[name]


@pytest.mark.parametrize("name", ALL)
def test_grade_and_red_lines(name: str, results: dict[str, AuditResult]) -> None:
    result = results[name]
    assert result.grade == GRADES[name]
    assert result.red_lines_crossed == RED_LINES[name]


def test_moscow_frt_fails_the_untargeted_scanning_red_line_for_the_sourced_reason(
        results: dict[str, AuditResult]) -> None:
    finding = next(f for f in results[FRT].findings if f.rule == "P3-01")
    assert [(u.path, u.value) for u in finding.facts] == [("scope.scanning", "untargeted")]
    assert finding.sources == ["forklog-2021", "rferl-2021"]


def test_hypothetical_scores_well_and_above_every_real_case(results: dict[str, AuditResult]) -> None:
    good = results[HYPOTHETICAL].score
    assert good is not None and good >= 85
    for name in REAL:
        score = results[name].score
        assert score is not None and score < good


def test_hypothetical_example_says_it_is_hypothetical(results: dict[str, AuditResult]) -> None:
    result = results[HYPOTHETICAL]
    assert result.deployment.hypothetical is True
    assert "HYPOTHETICAL" in result.deployment.name
    assert [s.publisher for s in result.sources] == ["auditkit (hypothetical)"]
    text = renderer(Format.TEXT)(result, RenderOptions()).decode()
    assert "HYPOTHETICAL programme, invented for comparison" in text
    for name in REAL:
        assert results[name].deployment.hypothetical is False


def test_undisclosed_is_used_only_where_a_source_says_the_operator_keeps_it_secret() -> None:
    for name in REAL:
        loaded: LoadedDeployment = load_deployment(EXAMPLES / name)
        for path in catalogue():
            fact = get_fact(loaded.deployment, path)
            if fact is not None and fact.value == "undisclosed":
                assert fact.sources and fact.note, f"{name}: {path}"
