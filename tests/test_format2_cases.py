"""Three kinds of programme format 1 could not describe, written in format 2 (tests/fixtures/format2/),
and the fact listing that says what every answer means."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import cli

from auditkit.engine import audit
from auditkit.model.catalog import catalogue
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


def test_principles_facts_lists_every_fact_with_its_question_and_answers() -> None:
    code, out, err = cli("principles", "--facts")
    assert (code, err) == (0, "")
    for path, info in catalogue().items():
        assert f"\n{path}\n" in out
        for key, _ in info.choices:
            assert f"    {key}: " in out, (path, key)
    assert "watchlist_only: only a watch-list of people sought under law" in out
    assert "party_claim: a claim by a party" in out
