"""Format 2, end to end through the CLI.

How sure each fact is, the evidence threshold, attribution, law against practice, not_applicable, numbers
with bounds, pinpoints, undated sources, warnings and --strict, format-1 notice.

Audits here use the mini framework (tests/fixtures/frameworks/mini): M1-01 retention.max_days at most
30 (partly at most 90), M2-01 scope.scanning is targeted, M2-02 de-identification verifiable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_support import MINI, cli

from auditkit.engine import audit
from auditkit.model.load import parse_deployment
from auditkit.rules.loader import load_framework

HEAD = """\
format_version: 2
deployment:
  name: Riverside cameras
sources:
  - {id: court-2020, kind: court, publisher: High Court, title: Judgment, date: 2020-08-11,
     url: 'https://example.org/court'}
  - {id: press-2021, kind: press, publisher: Daily, title: Report, date: undated, url: 'https://example.org/press'}
  - {id: lawyer-2021, kind: party_claim, publisher: Defence counsel, title: Statement, date: 2021,
     url: 'https://example.org/lawyer'}
  - {id: operator-2021, kind: operator, publisher: City police, title: Reply, date: 2021,
     archive: 'https://web.archive.org/web/2021/https://example.org/reply'}
"""


def run(body: str, evidence: str = "reported") -> Any:
    loaded = parse_deployment((HEAD + body).encode(), "case.yaml")
    return audit(loaded, [load_framework(str(MINI))], evidence)


def finding(result: Any, rule: str) -> Any:
    return next(f for f in result.findings if f.rule == rule)


def test_standing_follows_the_source_kind_and_can_be_set() -> None:
    result = run(
        "retention:\n  max_days: {value: 400, sources: [court-2020]}\n"
        "scope:\n  scanning: {value: untargeted, sources: [press-2021]}\n"
        "deidentification:\n  claimed: {value: yes, sources: [operator-2021]}\n"
        "  independently_verifiable: {value: no, sources: [court-2020], standing: alleged}\n",
        evidence="alleged",
    )
    assert finding(result, "M1-01").standing == "established"
    assert finding(result, "M2-01").standing == "reported"
    assert finding(result, "M2-02").standing == "alleged"  # a court quoting a claim it does not decide


def test_the_strongest_source_decides_the_default_standing() -> None:
    result = run(
        "scope:\n  scanning: {value: untargeted, sources: [lawyer-2021, operator-2021]}\n", evidence="established"
    )
    assert finding(result, "M2-01").status == "not_met"
    assert finding(result, "M2-01").standing == "established"


@pytest.mark.parametrize(
    ("evidence", "status"), [("alleged", "not_met"), ("reported", "unknown"), ("established", "unknown")]
)
def test_an_alleged_fact_decides_only_at_evidence_alleged(evidence: str, status: str) -> None:
    result = run("scope:\n  scanning: {value: untargeted, sources: [lawyer-2021]}\n", evidence)
    found = finding(result, "M2-01")
    assert found.status == status
    [row] = found.facts  # still shown, counted or not
    assert row.standing == "alleged" and row.counted is (evidence == "alleged")
    if status == "unknown":
        assert "below the evidence threshold" in row.display
        [gap] = [g for g in result.information_gaps if g.fact == "scope.scanning"]
        assert gap.known_as == "alleged"
    assert result.evidence == evidence


def test_findings_on_weaker_facts_attribute_instead_of_asserting() -> None:
    alleged = run("scope:\n  scanning: {value: untargeted, sources: [lawyer-2021]}\n", "alleged")
    numbers = {s.id: s.number for s in alleged.sources}
    assert finding(alleged, "M2-01").explanation == (
        f"It is alleged [{numbers['lawyer-2021']}], but not established, that everyone in view is scanned."
    )
    reported = run("retention:\n  max_days: {value: 60, sources: [press-2021]}\n")
    assert finding(reported, "M1-01").explanation.startswith(
        f"It has been reported [{ {s.id: s.number for s in reported.sources}['press-2021'] }], but not "
        "established, that the requirement is only partly met: "
    )
    established = run("scope:\n  scanning: {value: untargeted, sources: [court-2020]}\n")
    assert finding(established, "M2-01").explanation == "Everyone in view is scanned."


def test_a_disputed_fact_names_who_contests_it() -> None:
    result = run(
        "scope:\n  scanning: {value: untargeted, sources: [press-2021], standing: disputed, "
        "contested_by: [operator-2021]}\n",
        "alleged",
    )
    numbers = {s.id: s.number for s in result.sources}
    found = finding(result, "M2-01")
    assert found.standing == "disputed"
    assert found.explanation.startswith(
        f"It is alleged [{numbers['press-2021']}], and contested by the operator [{numbers['operator-2021']}], that "
    )


def test_the_summary_separates_established_gaps_from_reported_ones(tmp_path: Path) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_text(
        HEAD + "retention:\n  max_days: {value: 400, sources: [lawyer-2021]}\n"
        "scope:\n  scanning: {value: untargeted, sources: [court-2020]}\n",
        encoding="utf-8",
    )
    code, out, _ = cli("audit", str(path), "-f", str(MINI), "--format", "md", "--evidence", "alleged")
    assert code == 0
    summary = out.split("## Executive summary", 1)[1].split("## Findings by principle", 1)[0]
    established, attributed = summary.split("### Gaps resting on reported or alleged facts")
    assert "**M2-01** (Not met, critical, red line) Everyone in view is scanned." in established  # a court's finding
    assert "No rule is shown to be unmet on established facts." in established and "M1-01" not in established
    assert (
        "**M1-01** (Not met, high, alleged) It is alleged \\[1\\], but not established, that data is kept for "
        "more than 90 days." in attributed
    )
    assert "Data is kept for more than" not in out  # never asserted as a fact anywhere in the report
    code, out, _ = cli("audit", str(path), "-f", str(MINI), "--format", "md", "--evidence", "established")
    assert "### Gaps resting on reported or alleged facts" not in out
    assert "alleged, not established; below the evidence threshold, not counted" in out


def test_pinpoints_are_kept_per_citation_and_printed() -> None:
    result = run("retention:\n  max_days: {value: 400, sources: [{id: court-2020, at: para 94}, press-2021]}\n")
    [row] = finding(result, "M1-01").facts
    assert row.sources == ["court-2020", "press-2021"] and row.pinpoints == {"court-2020": "para 94"}
    from auditkit.render import RenderOptions
    from auditkit.render.markdown import render

    number = {s.id: s.number for s in result.sources}["court-2020"]
    assert f"(\\[{number}\\] para 94)" in render(result, RenderOptions()).decode()


def test_not_applicable_with_a_reason_makes_the_rule_not_applicable() -> None:
    result = run("deidentification:\n  claimed: {value: not_applicable, reason: The system keeps no data.}\n")
    assert finding(result, "M2-02").status == "not_applicable"  # its applies_when reads the claim
    assert all(not g.fact.startswith("deidentification.") for g in result.information_gaps)
    result = run(
        "deidentification:\n  claimed: {value: yes, sources: [operator-2021]}\n"
        "  independently_verifiable: {value: not_applicable, reason: Only the operator holds the data.}\n"
    )
    assert finding(result, "M2-02").status == "not_applicable"


def test_an_open_fact_could_still_turn_out_not_applicable() -> None:
    # Unknown, the retention period could be answered not_applicable, which makes M1-01 not apply: the
    # finding must say it could be, or a grade would rest on an answer nobody has given.
    open_ = finding(run("retention:\n  max_days: unknown\n"), "M1-01")
    assert (open_.status, open_.possible) == ("unknown", ["met", "partial", "not_applicable", "not_met"])
    answered = run("retention:\n  max_days: {value: not_applicable, reason: The system keeps nothing.}\n")
    assert finding(answered, "M1-01").status == "not_applicable"


def test_not_applicable_below_the_evidence_threshold_reads_as_unknown() -> None:
    body = "retention:\n  max_days: {value: not_applicable, reason: Nothing is kept., sources: [lawyer-2021]}\n"
    weak = run(body)  # a party's claim: alleged, below the default threshold (reported)
    assert finding(weak, "M1-01").status == "unknown"
    assert finding(weak, "M1-01").possible == ["met", "partial", "not_applicable", "not_met"]
    assert "retention.max_days" in [g.fact for g in weak.information_gaps]
    counted = run(body, evidence="alleged")
    assert finding(counted, "M1-01").status == "not_applicable"
    assert "retention.max_days" not in [g.fact for g in counted.information_gaps]


def test_the_bounds_read_both_sides_of_a_fact_stating_law_and_practice() -> None:
    # What the law says is unknown, the practice is targeted: the worse side decides, so the rule could
    # still be not met (the law could allow untargeted scanning), not only met.
    body = "scope:\n  scanning:\n    law: {value: unknown}\n    practice: {value: targeted, sources: [court-2020]}\n"
    open_ = finding(run(body), "M2-01")
    assert (open_.status, open_.possible) == ("unknown", ["met", "not_met"])
    law_breach = body.replace("law: {value: unknown}", "law: {value: untargeted, sources: [court-2020]}")
    assert finding(run(law_breach), "M2-01").status == "not_met"
    law_na = body.replace("law: {value: unknown}", "law: {value: not_applicable, reason: No act says.}")
    assert finding(run(law_na), "M2-01").status == "met"  # the practice side decides; the law side does not arise


def test_law_and_practice_a_breach_in_practice_decides() -> None:
    body = (
        "scope:\n  scanning:\n    law: {value: targeted, sources: [court-2020]}\n"
        "    practice: {value: untargeted, sources: [{id: court-2020, at: para 12}]}\n"
    )
    found = finding(run(body), "M2-01")
    assert found.status == "not_met"
    assert [(r.aspect, r.value) for r in found.facts] == [("law", "targeted"), ("practice", "untargeted")]
    assert found.facts[0].label.endswith("(in law)") and found.facts[1].label.endswith("(in practice)")
    both_fine = body.replace("untargeted", "targeted")
    assert finding(run(both_fine), "M2-01").status == "met"
    law_breach = body.replace("law: {value: targeted", "law: {value: untargeted").replace(
        "practice: {value: untargeted", "practice: {value: targeted"
    )
    assert finding(run(law_breach), "M2-01").status == "not_met"


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("{at_least: 400}", "not_met"),
        ("{at_most: 20}", "met"),
        ("{at_least: 10, at_most: 20}", "met"),
        ("{at_least: 10, at_most: 60}", "unknown"),
        ("{at_least: 40, at_most: 60}", "partial"),
        ("{about: 28}", "unknown"),
        ("{about: 20}", "met"),
        ("{at_least: 20}", "unknown"),
        ("{at_most: 120}", "unknown"),
    ],
)
def test_numbers_with_bounds_are_decided_in_three_valued_logic(value: str, status: str) -> None:
    result = run(f"retention:\n  max_days: {{value: {value}, sources: [court-2020]}}\n")
    found = finding(result, "M1-01")
    assert found.status == status
    if status == "unknown":
        assert found.missing == ["retention.max_days"]


def test_bounded_numbers_and_periods_round_trip_to_json(tmp_path: Path) -> None:
    path = tmp_path / "bounds.yaml"
    path.write_text(HEAD + "retention:\n  max_days: {value: {about: 40000}, sources: [court-2020]}\n", encoding="utf-8")
    code, out, err = cli("audit", str(path), "-f", str(MINI), "--format", "json")
    assert (code, err) == (0, "")
    [row] = next(f for f in json.loads(out)["findings"] if f["rule"] == "M1-01")["facts"]
    assert row["value"] == {"about": 40000} and row["display"] == "about 40,000"


def test_undated_sources_and_warnings_for_sources_a_reader_cannot_check(tmp_path: Path) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text(
        "format_version: 2\ndeployment: {name: x}\nsources:\n"
        "  - {id: a, kind: press, publisher: p, title: t, date: undated}\n"
        "  - {id: b, publisher: p, title: t, date: 2020, url: 'https://example.org/b'}\n"
        "legality:\n  published: {value: no, sources: [a, b]}\n",
        encoding="utf-8",
    )
    code, out, err = cli("validate", str(path))
    assert (code, out) == (0, f"{path}: valid\n")
    assert err.splitlines() == [
        (
            f"{path}:4:5: sources[1]: warning: this source has no url or archive; add 'url:' (or 'archive:' naming a "
            "copy kept elsewhere) so that readers can check it"
        ),
        (
            f"{path}:5:5: sources[2]: warning: this source has no kind, so facts resting on it count as reported; add "
            "'kind:' with one of: law, official_record, court, regulator, operator, press, ngo, academic, party_claim"
        ),
    ]
    assert cli("validate", "--strict", str(path)) == (2, "", err)
    code, out, strict_err = cli("audit", "--strict", str(path), "-f", str(MINI))
    assert (code, out, strict_err) == (2, "", err)


def test_format_1_still_loads_with_a_one_line_notice(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    path.write_text("format_version: 1\ndeployment: {name: x}\n", encoding="utf-8")
    assert cli("validate", str(path)) == (
        0,
        f"{path}: valid\n",
        (
            f"{path}:1:1: format_version: notice: format_version 1 is read as a subset of format 2 (sources without "
            f"a kind count as reported); run 'auditkit migrate {path}' to rewrite it as format 2\n"
        ),
    )


@pytest.mark.parametrize("name", sorted(p.name for p in (Path(__file__).parents[1] / "examples").glob("*.yaml")))
def test_at_evidence_established_only_established_facts_decide(name: str) -> None:
    from auditkit.model.load import load_deployment
    from auditkit.rules.loader import DEFAULT_FRAMEWORK

    loaded = load_deployment(Path(__file__).parents[1] / "examples" / name)
    result = audit(loaded, [load_framework(DEFAULT_FRAMEWORK)], "established")
    for found in result.findings:
        for row in found.facts:
            if row.counted:
                assert row.standing in ("established", None), (found.rule, row.path, row.standing)
                assert row.standing is not None or row.value in ("undisclosed", "not_applicable")
        if found.status.value in ("met", "partial", "not_met"):
            assert found.standing in ("established", None)
