"""The Markdown report: the same content as the HTML, with table cells and markup escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_support import HOSTILE_IMG, SMALL_FRAMEWORK, audit_file, hostile_deployment, rendered_case

from auditkit.model.result import AuditResult, Status
from auditkit.render import RenderOptions
from auditkit.render.markdown import cell, render, text


@pytest.fixture(scope="module")
def case() -> tuple[AuditResult, str]:
    return rendered_case(render)


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def test_sections_in_reading_order(case: tuple[AuditResult, str]) -> None:
    result, page = case
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    principles = [f"## {p.id} {text(p.title)}" for p in result.principles]
    assert headings == ["## Executive summary", "## Findings by principle", *principles,
                        "## Information gaps: questions for the operator", "## Methodology", "## Sources"]


def test_findings_remedies_and_sources(case: tuple[AuditResult, str]) -> None:
    result, page = case
    flat = unescape(" ".join(page.split()))
    numbers = {s.id: s.number for s in result.sources}
    for finding in result.findings:
        assert f"### {finding.rule} {text(finding.title)}" in page
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
        score = "no score" if p.score is None else f"{p.score:.0f}"
        assert f"| {p.id} {text(p.title)} | {score} |" in page


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
    assert ("- Is the data encrypted in storage and in transit? (`security.encryption`) "
            "**Kept secret by the operator.**") in page
    assert "(`legality.published`) **Kept secret" not in page
