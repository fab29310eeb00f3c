"""The Markdown report: the same content as the HTML, with table cells and markup escaped."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from report_support import HOSTILE_IMG, SMALL_FRAMEWORK, audit_file, hostile_deployment, rendered_case

from auditkit.model.result import AuditResult, Status
from auditkit.render import RenderOptions
from auditkit.render.labels import verdict_label
from auditkit.render.markdown import cell, render, text


@pytest.fixture(scope="module")
def case() -> tuple[AuditResult, str]:
    return rendered_case(render)


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def test_sections_in_reading_order(case: tuple[AuditResult, str]) -> None:
    result, page = case
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Legal instruments and contractors",  # the Moscow case study lists its vendor
        "## Executive summary",
        "## Findings by principle",
        "## Information gaps: questions for the operator",
        "## Methodology",
        "## Sources",
    ]
    findings = page.split("## Findings by principle\n", 1)[1].split("\n## ", 1)[0]
    principles = [line for line in findings.splitlines() if line.startswith("### ")]
    assert principles == [f"### {p.id} {text(p.title)}" for p in result.principles]


def test_headings_nest_without_skipping_a_level(case: tuple[AuditResult, str]) -> None:
    levels = [len(line) - len(line.lstrip("#")) for line in case[1].splitlines() if re.match(r"#+ ", line)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels)), levels


def test_findings_remedies_and_sources(case: tuple[AuditResult, str]) -> None:
    result, page = case
    flat = unescape(" ".join(page.split()))
    numbers = {s.id: s.number for s in result.sources}
    for finding in result.findings:
        if finding.status is Status.NOT_APPLICABLE:  # one compact list per principle
            assert f"- **{finding.rule}** {text(finding.title)}: " in page
            continue
        assert f"#### {finding.rule} {text(finding.title)}" in page
        if finding.status in (Status.NOT_MET, Status.PARTIAL):
            assert f"> {text(finding.remedy)}" in page, finding.rule
        for fact in finding.facts:
            refs = "".join(f" [{numbers[s]}]" for s in sorted(fact.sources, key=numbers.__getitem__))
            assert f"{fact.display}**{refs}" in flat, (finding.rule, fact.path)
    for source in result.sources:
        assert f"\\[{source.number}\\] {text(source.publisher)}. *{text(source.title)}*" in page


def test_summary_table_has_one_row_per_principle(case: tuple[AuditResult, str]) -> None:
    result, page = case
    for p in result.principles:
        score = (
            "no score"
            if p.score is None
            else "–".join(dict.fromkeys(f"{x:.1f}".removesuffix(".0") for x in (p.score.low, p.score.high)))
        )
        assert f"| {p.id} {text(p.title)} | {score} | {verdict_label(p.verdict)} |" in page


def test_grade_range_coverage_and_cap_are_stated(case: tuple[AuditResult, str]) -> None:
    result, page = case
    head = page.split("## Executive summary", 1)[0]
    grade = result.grade.high if result.grade.low == result.grade.high else f"{result.grade.high}–{result.grade.low}"
    assert f"**Overall grade {grade}**" in head
    undecided = result.counts["unknown"]
    if result.grade.low != result.grade.high:
        assert f"undetermined: {undecided} of {len(result.findings)} rules undecided" in head
    else:
        assert f"{len(result.findings) - undecided} of {len(result.findings)} rules decided" in head
    if result.red_lines_crossed:
        assert (
            f"capped at F: red line{'s' if len(result.red_lines_crossed) > 1 else ''} "
            f"{', '.join(result.red_lines_crossed)} crossed" in head
        )


def test_open_principles_say_what_would_settle_them(case: tuple[AuditResult, str]) -> None:
    result, page = case
    summary = page.split("## Information gaps", 1)[1].split("## Methodology", 1)[0]
    for p in result.principles:
        if p.to_settle:
            assert f"- To settle **{p.id}** ({verdict_label(p.verdict).lower()}), establish: " in summary
        assert text(p.verdict_reason) in page
    for f in result.findings:
        if f.decisive and not f.red_line:
            assert f"### {f.rule} " in page and f"weight {f.weight}, **decisive**" in page, f.rule


def test_questions_for_the_operator(case: tuple[AuditResult, str]) -> None:
    result, page = case
    for number, gap in enumerate(result.information_gaps, start=1):
        assert f"- **Q{number}.** {text(gap.question)}" in page


def test_cells_escape_pipes_and_newlines() -> None:
    assert cell("a | b\nc") == "a \\| b c"
    assert text("# not a heading") == "\\# not a heading"
    assert text("1. not a list") == "1\\. not a list"
    assert text(HOSTILE_IMG) == '\\<img src="file\\:///etc/passwd"\\>'


def test_hostile_deployment_cannot_break_tables_or_inject_markup(tmp_path: Path) -> None:
    result, raw = audit_file(hostile_deployment(tmp_path), SMALL_FRAMEWORK)
    page = render(result, RenderOptions(input_bytes=raw)).decode("utf-8")
    for line in page.splitlines():
        if line.startswith("|"):
            unescaped_pipes = len(re.findall(r"(?<!\\)\|", line))
            assert unescaped_pipes in (3, 5), line[:120]
        assert not re.search(r"(?<!\\)<(img|script|b|style)", line), line[:120]
    assert "HYPOTHETICAL PROGRAMME" in page
    assert "| Audit date | date not given |" in page


def test_a_fact_kept_secret_is_marked_where_it_is_missing(case: tuple[AuditResult, str]) -> None:
    # The Moscow case study records encryption as undisclosed (7x7, 2025).
    _, page = case
    assert (
        "- Is the data encrypted in storage and in transit? (`security.encryption`) **Kept secret by the operator.**"
    ) in page
    assert "(`legality.published`) **Kept secret" not in page


def test_an_undecided_finding_shows_what_is_already_known(case: tuple[AuditResult, str]) -> None:
    result, page = case
    undecided = [f for f in result.findings if f.status is Status.UNKNOWN and f.facts]
    assert undecided, "the case study should have an unknown finding with some facts known"
    for finding in undecided:
        # A fact below the evidence threshold (alleged, disputed) is shown but counts as missing.
        assert finding.missing and not set(finding.missing) & {u.path for u in finding.facts if u.counted}
        section = page.split(f"#### {finding.rule} ", 1)[1].split("\n#### ", 1)[0]
        known = section.split("Already on the record:", 1)[1].split("Missing facts:", 1)
        assert len(known) == 2, f"{finding.rule}: the known facts should come before the missing ones"
        for fact in finding.facts:
            label = fact.label[:1].upper() + fact.label[1:]
            assert f"{text(label)}: **{text(fact.display)}**" in known[0], (finding.rule, fact.path)
    # In the Moscow study P4-04 stays unknown while the leaks themselves are a sourced 'yes'.
    p404 = next(f for f in result.findings if f.rule == "P4-04")
    assert [(u.path, u.display) for u in p404.facts] == [("security.known_leaks", "yes")]
    assert p404.facts[0].sources and p404.missing == ["security.leaks_prosecuted"]


def twin_of_mini(folder: Path) -> Path:
    """The mini framework again under the id 'twin': the same principle ids (M1, M2), other titles and rule ids."""
    from cli_support import MINI

    twin = folder / "twin"
    (twin / "rules").mkdir(parents=True)
    mini = Path(MINI)
    manifest = (mini / "framework.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace("id: mini", "id: twin").replace("title: Retention", "title: Twin retention")
    (twin / "framework.yaml").write_text(manifest.replace("title: Scope", "title: Twin scope"), encoding="utf-8")
    for rule in (mini / "rules").glob("*.yaml"):
        renamed = "T" + rule.stem[1:]
        body = rule.read_text(encoding="utf-8").replace(f"id: {rule.stem}", f"id: {renamed}", 1)
        (twin / "rules" / f"{renamed}.yaml").write_text(body, encoding="utf-8")
    return twin


def test_two_frameworks_sharing_principle_ids_keep_their_questions_apart(tmp_path: Path) -> None:
    """A question needed by M1 of two frameworks names both, each with its framework.

    So do each principle's heading and what would settle it: a bare 'M1' would file twin's rules under mini's title.
    """
    from cli_support import MINI

    from auditkit.engine import audit
    from auditkit.model.load import load_deployment
    from auditkit.rules.loader import load_framework
    from auditkit.template import template

    source = tmp_path / "blank.yaml"  # every fact unknown, so both frameworks' rules stay open
    source.write_text(template(), encoding="utf-8")
    frameworks = [load_framework(str(MINI)), load_framework(str(twin_of_mini(tmp_path)))]
    result = audit(load_deployment(source, display=source.name), frameworks)
    page = render(result, RenderOptions()).decode("utf-8")
    retention = next(g for g in result.information_gaps if g.fact == "retention.max_days")
    assert retention.rules == ["M1-01", "T1-01"]
    assert retention.principles == ["mini:M1", "twin:M1"]
    assert retention.settles == ["mini:M1", "twin:M1"]
    number = result.information_gaps.index(retention) + 1
    question = next(line for line in page.splitlines() if line.startswith(f"- **Q{number}.** "))
    assert "needed by M1-01, T1-01 (mini:M1, twin:M1); an answer could settle the verdict of mini:M1, twin:M1" in (
        question
    )
    assert "### mini:M1 Retention\n" in page and "### twin:M1 Twin retention\n" in page
    assert "- To settle **mini:M1** (insufficient information)" in page
    assert "- To settle **twin:M1** (insufficient information)" in page
    assert "| mini:M1 Retention |" in page and "| twin:M1 Twin retention |" in page
