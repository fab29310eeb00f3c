"""The engine: rule statuses, principle verdicts, scores, grades, red lines, several frameworks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from auditkit.engine import audit
from auditkit.errors import InputError
from auditkit.model.load import LoadedDeployment
from auditkit.model.result import Status, Verdict
from auditkit.rules.lint import case_deployment
from auditkit.rules.loader import load_framework
from auditkit.rules.logic import evaluate

MINI = Path(__file__).parent / "fixtures" / "frameworks" / "mini"


def run(facts: dict[str, Any], *frameworks: str) -> Any:
    deployment = case_deployment(facts)
    loaded = LoadedDeployment(deployment=deployment, file="case.yaml", raw=b"case")
    return audit(loaded, [load_framework(f) for f in (frameworks or (str(MINI),))])


def statuses(result: Any) -> dict[str, Status]:
    return {f.rule: f.status for f in result.findings}


def verdicts(result: Any) -> dict[str, Verdict]:
    return {p.id: p.verdict for p in result.principles}


GOOD = {"retention.max_days": 10, "retention.sunset_clause": True, "scope.scanning": "targeted",
        "deidentification.claimed": False}


def test_every_rule_met_gives_met_verdicts_and_grade_a() -> None:
    result = run(GOOD)
    assert statuses(result) == {"M1-01": Status.MET, "M1-02": Status.MET, "M2-01": Status.MET,
                                "M2-02": Status.NOT_APPLICABLE}
    assert verdicts(result) == {"M1": Verdict.MET, "M2": Verdict.MET}
    assert (result.score, result.grade, result.grade_capped) == (100.0, "A", False)
    assert result.red_lines_crossed == []


def test_partial_status_earns_half_the_weight() -> None:
    result = run({**GOOD, "retention.max_days": 60})
    assert statuses(result)["M1-01"] is Status.PARTIAL
    m1 = next(p for p in result.principles if p.id == "M1")
    # M1-01 (weight 2) half met, M1-02 (weight 1) met: (1 + 1) / 3
    assert m1.score == pytest.approx(66.7)
    assert m1.verdict is Verdict.PARTIALLY_MET


def test_not_met_below_threshold_gives_not_met_verdict() -> None:
    result = run({**GOOD, "retention.max_days": 400, "retention.sunset_clause": False})
    assert statuses(result)["M1-01"] is Status.NOT_MET
    assert verdicts(result)["M1"] is Verdict.NOT_MET
    finding = next(f for f in result.findings if f.rule == "M1-01")
    assert finding.explanation == "Data is kept for more than 90 days."
    assert [(f.path, f.value, f.sources) for f in finding.facts] == [("retention.max_days", 400, ["rule-case"])]


def test_unknown_facts_give_unknown_and_insufficient_information_never_not_met() -> None:
    result = run({})
    assert set(statuses(result).values()) == {Status.UNKNOWN}
    assert verdicts(result) == {"M1": Verdict.INSUFFICIENT_INFORMATION, "M2": Verdict.INSUFFICIENT_INFORMATION}
    assert (result.score, result.grade) == (None, "incomplete")
    missing = {f.rule: f.missing for f in result.findings}
    assert missing == {"M1-01": ["retention.max_days"], "M1-02": ["retention.sunset_clause"],
                       "M2-01": ["scope.scanning"], "M2-02": ["deidentification.claimed"]}
    assert [g.fact for g in result.information_gaps] == [
        "scope.scanning", "deidentification.claimed", "retention.max_days", "retention.sunset_clause"]


def test_undisclosed_is_kept_apart_from_unknown_in_gaps() -> None:
    result = run({**GOOD, "retention.max_days": "undisclosed"})
    assert statuses(result)["M1-01"] is Status.UNKNOWN
    gap = next(g for g in result.information_gaps if g.fact == "retention.max_days")
    assert gap.undisclosed is True
    assert gap.rules == ["M1-01"] and gap.principles == ["M1"]


def test_coverage_below_half_is_insufficient_even_with_a_score() -> None:
    # M1-02 (weight 1) decided, M1-01 (weight 2) unknown: coverage 1/3
    result = run({"retention.sunset_clause": True, "scope.scanning": "targeted", "deidentification.claimed": False})
    m1 = next(p for p in result.principles if p.id == "M1")
    assert (m1.score, m1.coverage, m1.verdict) == (100.0, pytest.approx(0.3333), Verdict.INSUFFICIENT_INFORMATION)


def test_all_rules_not_applicable_gives_not_applicable() -> None:
    from auditkit import scoring
    score, verdict, coverage = scoring.principle_score([(Status.NOT_APPLICABLE, 1, False)],
                                                       load_framework(str(MINI)).scoring)
    assert (score, verdict, coverage) == (None, Verdict.NOT_APPLICABLE, 0.0)


def test_red_line_fails_its_principle_and_caps_the_grade() -> None:
    # Everything else met: M1 100, M2 = 0 of weight 3 -> overall 50 (D), capped to F.
    result = run({**GOOD, "scope.scanning": "untargeted"})
    assert verdicts(result)["M2"] is Verdict.NOT_MET
    assert result.red_lines_crossed == ["M2-01"]
    assert (result.score, result.grade, result.grade_capped) == (50.0, "F", True)


def test_red_line_fails_principle_even_when_score_is_high() -> None:
    from auditkit import scoring
    method = load_framework(str(MINI)).scoring
    triples = [(Status.MET, 10, False), (Status.NOT_MET, 1, True)]
    score, verdict, _ = scoring.principle_score(triples, method)
    assert score == pytest.approx(90.9) and verdict is Verdict.NOT_MET


def test_any_with_one_true_branch_is_decided_despite_unknowns() -> None:
    cond = {"any": [{"fact": "retention.sunset_clause", "is": True}, {"fact": "scope.scanning", "is": "targeted"}]}
    outcome = evaluate(cond, {"retention.sunset_clause": True}.get)
    assert outcome.value is True and outcome.used == {"retention.sunset_clause"} and not outcome.missing
    open_outcome = evaluate(cond, {"retention.sunset_clause": False}.get)
    assert open_outcome.value is None and open_outcome.missing == {"scope.scanning"}


def test_all_with_one_false_branch_is_decided_despite_unknowns() -> None:
    cond = {"all": [{"fact": "retention.sunset_clause", "is": True}, {"fact": "scope.scanning", "is": "targeted"}]}
    outcome = evaluate(cond, {"scope.scanning": "untargeted"}.get)
    assert outcome.value is False and outcome.used == {"scope.scanning"}


def test_not_inverts_and_keeps_unknown() -> None:
    cond = {"not": {"fact": "security.known_leaks", "is": True}}
    assert evaluate(cond, {"security.known_leaks": True}.get).value is False
    assert evaluate(cond, {}.get).value is None


def test_several_frameworks_are_audited_together(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    manifest = pack / "framework.yaml"
    manifest.write_text(manifest.read_text().replace("id: mini", "id: user-pack"))
    for rule in (pack / "rules").iterdir():
        rule.write_text(rule.read_text().replace("id: M", "id: U"))
    result = run(GOOD, str(MINI), str(pack))
    assert [f.id for f in result.frameworks] == ["mini", "user-pack"]
    assert [(p.framework, p.id) for p in result.principles] == [
        ("mini", "M1"), ("mini", "M2"), ("user-pack", "M1"), ("user-pack", "M2")]
    assert {f.rule: f.framework for f in result.findings}["U1-01"] == "user-pack"


def test_clashing_rule_ids_across_frameworks_are_refused(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    manifest = pack / "framework.yaml"
    manifest.write_text(manifest.read_text().replace("id: mini", "id: other"))
    with pytest.raises(InputError) as caught:
        run(GOOD, str(MINI), str(pack))
    assert "the rule id 'M1-01' is also used by framework 'mini'" in str(caught.value)


def test_sources_are_numbered_in_order_of_first_use() -> None:
    deployment = case_deployment(GOOD)
    assert [s.id for s in deployment.sources] == ["rule-case"]
    result = run(GOOD)
    assert [(s.number, s.id) for s in result.sources] == [(1, "rule-case")]


def test_same_input_gives_equal_results() -> None:
    assert run(GOOD) == run(GOOD)


def test_partial_explanation_names_the_lower_bar_reached() -> None:
    result = run({**GOOD, "retention.max_days": 60})
    finding = next(f for f in result.findings if f.rule == "M1-01")
    assert finding.explanation == ("Partly met: the retention period in days: 90 or less; "
                                   "the full requirement is not reached.")


def test_rule_files_may_answer_yes_no_facts_with_yes_and_no(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    rule = pack / "rules" / "M1-02.yaml"
    rule.write_text(rule.read_text().replace("is: true}", "is: yes}"))
    assert "is: yes}" in rule.read_text()
    framework = load_framework(str(pack))
    assert next(r for r in framework.rules if r.id == "M1-02").met_when == {"fact": "retention.sunset_clause",
                                                                           "is": True}
