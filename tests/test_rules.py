"""The bundled default rule set (agora-2020): every rule's own cases, and meta-checks on the set.

The per-rule cases are the rule authors' promises about verdicts; the
meta-tests keep the set honest as it grows (coverage per principle, unique
ids, usable remedies, well-formed references).
"""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditkit.cli import main
from auditkit.model.result import Status
from auditkit.rules.lint import check_case, lint
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework
from auditkit.rules.model import Case, Rule, parse_condition

FRAMEWORK = load_framework(DEFAULT_FRAMEWORK)
RULES = FRAMEWORK.rules
RULES_DIR = Path(FRAMEWORK.folder) / "rules"
AGORA = "Agora, The Surveillance Pandemic (2020)"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _cases() -> list[Any]:
    return [pytest.param(rule, case, id=f"{rule.id}-{_slug(case.name)}") for rule in RULES for case in rule.cases]


def _rule_ids() -> list[Any]:
    return [pytest.param(rule, id=rule.id) for rule in RULES]


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


# (1) Every case of every rule gives the status (and missing facts) it promises.


@pytest.mark.parametrize(("rule", "case"), _cases())
def test_rule_case(rule: Rule, case: dict[str, Any]) -> None:
    assert check_case(rule, case) is None


def test_case_ids_are_readable() -> None:
    ids = [p.id for p in _cases()]
    assert "P7-01-five-days" in ids
    assert "P3-01-every-face-in-view-is-scanned" in ids


# (2) Meta-tests on the rule set.


@pytest.mark.parametrize("rule", _rule_ids())
def test_rule_has_met_and_breaking_cases(rule: Rule) -> None:
    expects = {case.expect for case in rule.cases}
    assert Status.MET in expects, f"{rule.id} has no case that meets it"
    assert expects & {Status.NOT_MET, Status.PARTIAL}, f"{rule.id} has no case that breaks it"


@pytest.mark.parametrize("rule", _rule_ids())
def test_rule_has_unknown_case_naming_missing_facts(rule: Rule) -> None:
    unknown = [c for c in rule.cases if c.expect is Status.UNKNOWN]
    assert unknown, f"{rule.id} has no case showing what happens when facts are missing"
    assert all(c.missing for c in unknown), f"{rule.id}: unknown cases must list the missing facts"


@pytest.mark.parametrize("rule", _rule_ids())
def test_remedy_is_an_amendment_clause(rule: Rule) -> None:
    assert rule.remedy.strip()
    assert " shall " in f" {rule.remedy} ", f"{rule.id}: remedy should be a 'shall' clause"


@pytest.mark.parametrize("rule", _rule_ids())
def test_references_are_well_formed(rule: Rule) -> None:
    for ref in rule.references:
        assert ref.instrument.strip(), f"{rule.id}: reference without instrument"
        if ref.url is not None:  # where the words were read; a few public copies are served over http only
            assert re.match(r"https?://", ref.url), f"{rule.id}: {ref.url} is not a web address"
            assert not re.search(r"\s", ref.url)
    agora = [ref for ref in rule.references if ref.instrument == AGORA]
    number = rule.principle.removeprefix("P")
    assert [ref.locator for ref in agora] == [f"principle {number}"], (
        f"{rule.id} must cite the Agora principle it implements exactly once"
    )


@pytest.mark.parametrize("rule", _rule_ids())
def test_rule_reads_few_facts_and_weight_in_range(rule: Rule) -> None:
    assert 1 <= len(rule.facts) <= 4, f"{rule.id} reads {rule.facts}"
    assert 1 <= rule.weight <= 5


def test_ids_unique_and_files_named_after_ids() -> None:
    ids = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids.append(data["id"])
        assert re.fullmatch(r"P\d-\d\d-[a-z0-9]+(-[a-z0-9]+)*\.yaml", path.name), path.name
        assert path.name.startswith(data["id"] + "-"), f"{path.name} does not start with its id {data['id']}"
    repeated = [rule_id for rule_id, n in Counter(ids).items() if n > 1]
    assert repeated == []
    assert sorted(ids) == sorted(rule.id for rule in RULES)


def test_every_principle_has_at_least_four_rules() -> None:
    short = {p.id: len(p.rules) for p in FRAMEWORK.principles if len(p.rules) < 4}
    assert short == {}
    assert [p.id for p in FRAMEWORK.principles] == [f"P{i}" for i in range(1, 10)]


def test_at_least_forty_rules() -> None:
    assert len(RULES) >= 40


def test_the_one_red_line_is_the_principles_own_ban_on_mass_surveillance() -> None:
    # Version 1.0 had three P3 red lines that one set of facts crossed together (issue 13).
    red = {rule.id for rule in RULES if rule.red_line}
    assert red == {"P3-01"}
    assert all(rule.severity == "critical" for rule in RULES if rule.red_line)


def test_p5_rules_do_not_apply_without_a_deidentification_claim() -> None:
    p5 = [rule for rule in RULES if rule.principle == "P5"]
    for rule in p5:
        assert rule.applies_when == parse_condition({"fact": "deidentification.claimed", "is": True}), rule.id
        assert (
            check_case(
                rule, Case(name="no claim", facts={"deidentification.claimed": False}, expect=Status.NOT_APPLICABLE)
            )
            is None
        )


def test_undisclosed_fact_is_a_breach_only_where_secrecy_is_the_point() -> None:
    secret = {"retention.max_days": "undisclosed"}
    p9 = next(rule for rule in RULES if rule.id == "P9-01")
    p7 = next(rule for rule in RULES if rule.id == "P7-01")
    assert check_case(p9, Case(name="secret retention", facts=secret, expect=Status.NOT_MET)) is None
    unknown = Case(name="secret retention", facts=secret, expect=Status.UNKNOWN, missing=("retention.max_days",))
    assert check_case(p7, unknown) is None


def test_lint_is_clean() -> None:
    assert lint(FRAMEWORK) == []


# (3) and (4): the CLI over the bundled rule set.


def test_principles_check_passes() -> None:
    code, out, err = cli("principles", "--check")
    assert code == 0, err
    assert "all checks passed" in out
    assert f"{len(RULES)} rules" in out


def test_principles_explains_p3_01() -> None:
    rule = next(rule for rule in RULES if rule.id == "P3-01")
    code, out, _ = cli("principles", "P3-01")
    assert code == 0
    flat = " ".join(out.split())
    assert "P3-01: The system does not process every person, vehicle or device within its reach" in out
    assert rule.rationale in flat
    assert rule.remedy in flat
    assert "[red line]" not in out and "a red line" in out
    for ref in rule.references:
        assert str(ref) in flat
    assert "principle 3" in out
    assert "scope.scanning" in out


def test_principles_listing_shows_every_rule() -> None:
    code, out, _ = cli("principles")
    assert code == 0
    for rule in RULES:
        assert rule.id in out
