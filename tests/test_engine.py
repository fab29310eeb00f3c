"""The engine: rule statuses, principle verdicts, scores, grades, red lines, several frameworks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from auditkit.engine import audit
from auditkit.errors import InputError
from auditkit.model.load import LoadedDeployment
from auditkit.model.result import GradeRange, ScoreRange, Status, Verdict
from auditkit.rules.lint import case_deployment
from auditkit.rules.loader import load_framework
from auditkit.rules.logic import evaluate
from auditkit.rules.model import parse_condition

MINI = Path(__file__).parent / "fixtures" / "frameworks" / "mini"


def run(facts: dict[str, Any], *frameworks: str) -> Any:
    deployment = case_deployment(facts)
    loaded = LoadedDeployment(deployment=deployment, file="case.yaml", raw=b"case")
    return audit(loaded, [load_framework(f) for f in (frameworks or (str(MINI),))])


def statuses(result: Any) -> dict[str, Status]:
    return {f.rule: f.status for f in result.findings}


def verdicts(result: Any) -> dict[str, Verdict]:
    return {p.id: p.verdict for p in result.principles}


GOOD = {
    "retention.max_days": 10,
    "retention.sunset_clause": True,
    "scope.scanning": "targeted",
    "deidentification.claimed": False,
}


def test_every_rule_met_gives_met_verdicts_and_grade_a() -> None:
    result = run(GOOD)
    assert statuses(result) == {
        "M1-01": Status.MET,
        "M1-02": Status.MET,
        "M2-01": Status.MET,
        "M2-02": Status.NOT_APPLICABLE,
    }
    assert verdicts(result) == {"M1": Verdict.MET, "M2": Verdict.MET}
    assert (result.score, result.grade, result.grade_capped) == (
        ScoreRange(low=100.0, high=100.0),
        GradeRange(low="A", high="A"),
        False,
    )
    assert result.red_lines_crossed == [] and result.red_lines_open == []


def test_partial_status_earns_half_the_weight() -> None:
    result = run({**GOOD, "retention.max_days": 60})
    assert statuses(result)["M1-01"] is Status.PARTIAL
    m1 = next(p for p in result.principles if p.id == "M1")
    # M1-01 (weight 2) half met, M1-02 (weight 1) met: (1 + 1) / 3
    assert m1.score == ScoreRange(low=66.7, high=66.7)
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
    # Nothing is known: the score could be anything, and so could the grade (the red line M2-01 caps the low end).
    assert result.score == ScoreRange(low=0.0, high=100.0)
    assert result.grade == GradeRange(low="F", high="A") and result.red_lines_open == ["M2-01"]
    missing = {f.rule: f.missing for f in result.findings}
    assert missing == {
        "M1-01": ["retention.max_days"],
        "M1-02": ["retention.sunset_clause"],
        "M2-01": ["scope.scanning"],
        "M2-02": ["deidentification.claimed"],
    }
    # Questions that narrow the overall range most come first. 'targeted' puts M2 at 75-100 (M2-01 met, weight 3;
    # M2-02 weight 1 open), so the overall range becomes 37.5-100. Whether de-identification is claimed decides
    # only whether M2-02 applies, which alone moves nothing.
    assert [(g.fact, g.narrows, g.settles) for g in result.information_gaps] == [
        ("scope.scanning", 37.5, ["M2"]),
        ("retention.max_days", 33.4, ["M1"]),
        ("retention.sunset_clause", 16.7, ["M1"]),
        ("deidentification.claimed", 0.0, []),
    ]


def test_undisclosed_is_kept_apart_from_unknown_in_gaps() -> None:
    result = run({**GOOD, "retention.max_days": "undisclosed"})
    assert statuses(result)["M1-01"] is Status.UNKNOWN
    gap = next(g for g in result.information_gaps if g.fact == "retention.max_days")
    assert gap.undisclosed is True
    assert gap.rules == ["M1-01"] and gap.principles == ["M1"]


def test_a_high_score_on_a_few_rules_is_not_met_when_the_rest_could_fail() -> None:
    # M1-02 (weight 1) met, M1-01 (weight 2) unknown: M1 ranges from 33.3 (M1-01 not met) to 100 (met).
    result = run({"retention.sunset_clause": True, "scope.scanning": "targeted", "deidentification.claimed": False})
    m1 = next(p for p in result.principles if p.id == "M1")
    assert (m1.score, m1.coverage, m1.verdict) == (
        ScoreRange(low=33.3, high=100.0),
        pytest.approx(0.3333),
        Verdict.INSUFFICIENT_INFORMATION,
    )
    assert m1.verdict_reason.startswith("Undetermined: it could still be met; the score is between 33.3 and 100")
    assert [(f.fact, f.narrows, f.changes_verdict) for f in m1.to_settle] == [("retention.max_days", 66.7, True)]
    m1_01 = next(f for f in result.findings if f.rule == "M1-01")
    assert (m1_01.best, m1_01.worst, m1_01.possible) == (  # the period could also be answered not_applicable
        Status.MET,
        Status.NOT_MET,
        [Status.MET, Status.PARTIAL, Status.NOT_APPLICABLE, Status.NOT_MET],
    )


def test_all_rules_not_applicable_gives_not_applicable() -> None:
    from auditkit import scoring

    bounds = scoring.principle_bounds(
        [(1, frozenset({Status.NOT_APPLICABLE}), False)], load_framework(str(MINI)).scoring
    )
    assert (bounds.low, bounds.high, bounds.verdict, bounds.applies) == (None, None, Verdict.NOT_APPLICABLE, False)


def test_a_principle_that_may_not_apply_is_insufficient_information_not_falls_short() -> None:
    from auditkit import scoring

    may_not_apply = frozenset({Status.NOT_APPLICABLE, Status.NOT_MET})
    bounds = scoring.principle_bounds([(1, may_not_apply, False)], load_framework(str(MINI)).scoring)
    assert (bounds.low, bounds.high, bounds.verdict, bounds.applies) == (
        0.0,
        0.0,
        Verdict.INSUFFICIENT_INFORMATION,
        None,
    )


def test_red_line_fails_its_principle_and_caps_the_grade() -> None:
    # Everything else met: M1 100, M2 = 0 of weight 3 -> overall 50 (D), capped to F.
    result = run({**GOOD, "scope.scanning": "untargeted"})
    assert verdicts(result)["M2"] is Verdict.NOT_MET
    assert result.red_lines_crossed == ["M2-01"]
    assert (result.score, result.grade, result.grade_capped) == (
        ScoreRange(low=50.0, high=50.0),
        GradeRange(low="F", high="F"),
        True,
    )


def test_red_line_fails_principle_even_when_score_is_high() -> None:
    from auditkit import scoring

    method = load_framework(str(MINI)).scoring
    views = [(10, frozenset({Status.MET}), False), (1, frozenset({Status.NOT_MET}), True)]
    bounds = scoring.principle_bounds(views, method)
    assert bounds.low == bounds.high == 90.9 and bounds.verdict is Verdict.NOT_MET and bounds.breach


def test_a_red_line_that_could_still_be_crossed_caps_only_the_low_end() -> None:
    result = run({**GOOD, "scope.scanning": "unknown"})
    assert result.red_lines_crossed == [] and result.red_lines_open == ["M2-01"]
    assert result.score == ScoreRange(low=50.0, high=100.0)
    assert result.grade == GradeRange(low="F", high="A") and result.grade_capped is False
    assert verdicts(result)["M2"] is Verdict.INSUFFICIENT_INFORMATION


def test_falls_short_when_it_cannot_be_met_but_partial_is_open() -> None:
    # M1-01 partly met (60 days), sunset clause unknown: M1 from 33.3 to 66.7, never 85.
    result = run({**GOOD, "retention.max_days": 60, "retention.sunset_clause": "unknown"})
    m1 = next(p for p in result.principles if p.id == "M1")
    assert (m1.score, m1.verdict) == (ScoreRange(low=33.3, high=66.7), Verdict.FALLS_SHORT)
    assert m1.verdict_reason == (
        "Not met in full; whether it is partly met depends on 1 unknown fact (the score is between 33.3 and 66.7)."
    )
    assert [(f.fact, f.changes_verdict) for f in m1.to_settle] == [("retention.sunset_clause", True)]


def test_verdict_thresholds_from_the_bounds() -> None:
    from auditkit import scoring

    method = load_framework(str(MINI)).scoring
    met, part, no, open_ = Status.MET, Status.PARTIAL, Status.NOT_MET, frozenset({Status.MET, Status.NOT_MET})

    def verdict(*views: tuple[int, frozenset[Status]]) -> Verdict:
        return scoring.principle_bounds([(w, s, False) for w, s in views], method).verdict

    assert verdict((9, frozenset({met})), (1, open_)) is Verdict.MET  # 90-100
    assert verdict((6, frozenset({met})), (4, frozenset({no}))) is Verdict.PARTIALLY_MET  # 60
    assert verdict((3, frozenset({met})), (7, frozenset({no}))) is Verdict.NOT_MET  # 30
    assert verdict((5, frozenset({met})), (1, open_)) is Verdict.INSUFFICIENT_INFORMATION  # 83.3-100
    assert verdict((2, frozenset({met})), (3, frozenset({no})), (1, open_)) is Verdict.FALLS_SHORT  # 33.3-50
    assert verdict((1, frozenset({part})), (1, open_)) is Verdict.FALLS_SHORT  # 25-75


def test_a_rule_that_may_not_apply_is_scored_at_whichever_end_is_worse_or_better() -> None:
    from auditkit import scoring

    method = load_framework(str(MINI)).scoring
    maybe = frozenset({Status.NOT_APPLICABLE, Status.PARTIAL})
    # With a rule met beside it, not applying (100) beats partial (75) at the high end, and partial is the low end.
    bounds = scoring.principle_bounds([(1, frozenset({Status.MET}), False), (1, maybe, False)], method)
    assert (bounds.low, bounds.high) == (75.0, 100.0)
    # With a rule not met beside it, partial (25) is the high end and not applying (0) the low end.
    bounds = scoring.principle_bounds([(1, frozenset({Status.NOT_MET}), False), (1, maybe, False)], method)
    assert (bounds.low, bounds.high) == (0.0, 25.0)


def test_any_with_one_true_branch_is_decided_despite_unknowns() -> None:
    cond = parse_condition(
        {"any": [{"fact": "retention.sunset_clause", "is": True}, {"fact": "scope.scanning", "is": "targeted"}]}
    )
    outcome = evaluate(cond, {"retention.sunset_clause": True}.get)
    assert outcome.value is True and outcome.used == {"retention.sunset_clause"} and not outcome.missing
    open_outcome = evaluate(cond, {"retention.sunset_clause": False}.get)
    assert open_outcome.value is None and open_outcome.missing == {"scope.scanning"}


def test_all_with_one_false_branch_is_decided_despite_unknowns() -> None:
    cond = parse_condition(
        {"all": [{"fact": "retention.sunset_clause", "is": True}, {"fact": "scope.scanning", "is": "targeted"}]}
    )
    outcome = evaluate(cond, {"scope.scanning": "untargeted"}.get)
    assert outcome.value is False and outcome.used == {"scope.scanning"}


def test_not_inverts_and_keeps_unknown() -> None:
    cond = parse_condition({"not": {"fact": "security.known_leaks", "is": True}})
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
        ("mini", "M1"),
        ("mini", "M2"),
        ("user-pack", "M1"),
        ("user-pack", "M2"),
    ]
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
    assert finding.explanation == (
        "Partly met: only the lower bar is reached, on these facts: the retention period in days: 60."
    )


def test_rule_files_may_answer_yes_no_facts_with_yes_and_no(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    rule = pack / "rules" / "M1-02.yaml"
    rule.write_text(rule.read_text().replace("is: true}", "is: yes}"))
    assert "is: yes}" in rule.read_text()
    framework = load_framework(str(pack))
    assert next(r for r in framework.rules if r.id == "M1-02").met_when == parse_condition(
        {"fact": "retention.sunset_clause", "is": True}
    )


# --- the default framework: verdicts bounded by what is known ----------------------------------------------

# Eight favourable facts, the rest unknown: what an operator's press release might establish.
PRESS_RELEASE = {
    "legality.instrument_type": "statute",
    "legality.competent_body": True,
    "legality.published": True,
    "scope.scanning": "targeted",
    "retention.max_days": 14,
    "minimisation.sold": False,
    "fairness.protected_grounds_targeting": False,
    "transparency.oversight_body": "independent_binding",
}


def agora(facts: dict[str, Any]) -> Any:
    return run(facts, "agora-2020")


def test_eight_favourable_facts_get_no_grade_and_no_principle_met(tmp_path: Path) -> None:
    result = agora(PRESS_RELEASE)
    assert result.counts["unknown"] >= 45
    assert result.grade.low != result.grade.high and result.grade.low == "F"
    assert result.score is not None and result.score.low < 40 < result.score.high
    assert Verdict.MET not in set(verdicts(result).values())
    assert Verdict.PARTIALLY_MET not in set(verdicts(result).values())
    from auditkit.render import RenderOptions
    from auditkit.render.text import render

    text = render(result, RenderOptions()).decode()
    undecided = f"{result.counts['unknown']} of {len(result.findings)} rules undecided"
    grade = f"{result.grade.high}-{result.grade.low}, undetermined: {undecided}"
    assert f"Overall: grade {grade}" in text
    assert "To settle P1 (" in text and "), establish: " in text
    # The same description through the command line: a gate at 80 must not pass on what is unknown.
    from cli_support import cli

    lines = [
        "format_version: 1",
        "deployment: {name: Press release}",
        "sources: [{id: pr, publisher: Operator, title: Press release, date: '2026'}]",
    ]
    sections: dict[str, list[str]] = {}
    for path, value in PRESS_RELEASE.items():
        section, name = path.split(".")
        shown = ("yes" if value else "no") if isinstance(value, bool) else value
        sections.setdefault(section, []).append(f"  {name}: {{value: {shown}, sources: [pr]}}")
    for section, items in sections.items():
        lines += [f"{section}:", *items]
    path = tmp_path / "press.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert cli("audit", str(path), "--fail-under", "80")[0] == 1
    assert cli("audit", str(path), "--fail-under", "0")[0] == 0


def test_sold_and_scraped_fail_minimisation_even_with_everything_else_unknown() -> None:
    result = agora({"minimisation.sold": True, "minimisation.uses_scraped_images": True})
    p6 = next(p for p in result.principles if p.id == "P6")
    assert p6.verdict is Verdict.NOT_MET
    assert p6.verdict_reason == (
        "Not met: decisive rule P6-04 is not met, which fails the principle whatever its other rules say."
    )
    assert p6.score is not None and p6.score.high < 85
    assert result.grade.high != "F" and result.red_lines_crossed == []  # a decisive rule does not cap the grade


def test_without_decisive_rules_the_bounds_alone_put_sold_and_scraped_below_insufficient(tmp_path: Path) -> None:
    from auditkit.rules.loader import builtin_root

    pack = tmp_path / "agora"
    shutil.copytree(builtin_root() / "agora-2020", pack)
    for rule in (pack / "rules").iterdir():
        rule.write_text(rule.read_text().replace("decisive: true\n", ""))
    result = run({"minimisation.sold": True, "minimisation.uses_scraped_images": True}, str(pack))
    p6 = next(p for p in result.principles if p.id == "P6")
    # P6 weighs 32; 9 of it is lost for certain, so at best 23/32 = 71.9: never met, partial still open.
    assert (p6.score, p6.verdict) == (ScoreRange(low=0.0, high=71.9), Verdict.FALLS_SHORT)


@pytest.mark.parametrize(
    ("facts", "principle", "rule"),
    [
        ({"scope.scanning": "untargeted"}, "P3", "P3-01"),  # red line
        ({"minimisation.used_beyond_purposes": True}, "P6", "P6-02"),  # never reused for other ends
        ({"minimisation.punitive_use": True}, "P6", "P6-03"),  # punitive ones included
        ({"minimisation.sold": True}, "P6", "P6-04"),  # never sold
        ({"fairness.protected_grounds_targeting": True}, "P8", "P8-01"),  # never targeted on listed grounds
    ],
)
def test_one_decisive_breach_fails_its_principle_alone(facts: dict[str, Any], principle: str, rule: str) -> None:
    result = agora(facts)
    assert verdicts(result)[principle] is Verdict.NOT_MET
    finding = next(f for f in result.findings if f.rule == rule)
    assert finding.decisive and finding.status is Status.NOT_MET
    others = {p: v for p, v in verdicts(result).items() if p != principle}
    assert set(others.values()) <= {Verdict.INSUFFICIENT_INFORMATION}


def test_decisive_rules_are_exactly_the_categorical_prohibitions() -> None:
    framework = load_framework("agora-2020")
    assert [r.id for r in framework.rules if r.decisive] == ["P6-02", "P6-03", "P6-04", "P8-01"]
    assert [r.id for r in framework.rules if r.red_line] == ["P3-01"]


def test_agora_results_validate_against_the_published_schema() -> None:
    import jsonschema

    from auditkit.schemas import schema_json

    validator = jsonschema.Draft202012Validator(schema_json("result"))
    for facts in ({}, PRESS_RELEASE, GOOD_AGORA):
        data = agora(facts).model_dump(mode="json")
        validator.validate(data)
    broken = agora(PRESS_RELEASE).model_dump(mode="json")
    broken["score"] = 55.0  # the shape of schema version 1
    assert not validator.is_valid(broken)


def test_every_definition_of_the_published_result_schema_says_what_it_is() -> None:
    """A model's docstring is its description in 'auditkit schema result', for those who read the JSON."""
    from auditkit.schemas import schema_json

    definitions = schema_json("result")["$defs"]
    assert {"AuditResult", "Finding", "PrincipleResult", "InformationGap", "SourceInfo"} <= set(definitions)
    assert [name for name, definition in definitions.items() if not definition.get("description")] == []
    assert definitions["Finding"]["description"].startswith("One rule's outcome")


def test_rule_bounds_try_every_stretch_of_a_count() -> None:
    # P7-01: met at 30 days or less, partly met at 90 or less (the thresholds of agora-2020).
    result = agora({})
    finding = next(f for f in result.findings if f.rule == "P7-01")
    assert finding.possible == [Status.MET, Status.PARTIAL, Status.NOT_APPLICABLE, Status.NOT_MET]  # or answered n/a
    decided = next(f for f in agora({"retention.max_days": 60}).findings if f.rule == "P7-01")
    assert decided.possible == [decided.status]


def test_undisclosed_decides_disclosure_tests_but_leaves_values_open() -> None:
    result = agora({"retention.max_days": "undisclosed"})
    by_rule = {f.rule: f for f in result.findings}
    assert by_rule["P9-01"].status is Status.NOT_MET and by_rule["P9-01"].possible == [Status.NOT_MET]
    assert by_rule["P7-01"].status is Status.UNKNOWN and len(by_rule["P7-01"].possible) == 3
    # Unknown, the same fact could still turn out secret: P9-01 is open both ways, or not apply at all.
    assert set(next(f for f in agora({}).findings if f.rule == "P9-01").possible) == {
        Status.MET,
        Status.NOT_MET,
        Status.NOT_APPLICABLE,
    }


GOOD_AGORA = {**PRESS_RELEASE, "minimisation.sold": True, "retention.max_days": "undisclosed"}


def test_a_principle_that_could_turn_out_not_to_apply_says_so_after_what_it_could_score() -> None:
    # Neither M1 fact is known: each could be answered not_applicable, so M1 could not apply at all; the
    # sentence leads with what the principle could still score, and names the not-applicable possibility second.
    result = run({"scope.scanning": "targeted", "deidentification.claimed": False})
    m1 = next(p for p in result.principles if p.id == "M1")
    assert m1.verdict is Verdict.INSUFFICIENT_INFORMATION
    assert m1.verdict_reason == (
        "Undetermined: it could still be met; the score is between 0 and 100, depending on 2 unknown facts, and "
        "the principle would not apply if they turned out not to concern this programme."
    )
