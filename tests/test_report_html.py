"""The standalone HTML report: same content as the PDF, escaped, self-contained and stable."""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pytest
from markupsafe import escape
from report_support import (
    CASE,
    EMOJI_TEXT,
    HOSTILE_CSS,
    HOSTILE_IMG,
    LONG_WORD,
    RTL_TEXT,
    SMALL_FRAMEWORK,
    audit_file,
    hostile_deployment,
    rendered_case,
    scripts_deployment,
)

from auditkit.cli import main
from auditkit.model.result import AuditResult, Status
from auditkit.render import RenderOptions
from auditkit.render.html import environment, render
from auditkit.rules.loader import DEFAULT_FRAMEWORK


@pytest.fixture(scope="module")
def case() -> tuple[AuditResult, str]:
    return rendered_case(render)


def plain(page: str) -> str:
    """The page's text: tags dropped, entities decoded, whitespace collapsed."""
    body = page.split("<body", 1)[-1]
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_standalone_no_external_references(case: tuple[AuditResult, str]) -> None:
    _, page = case
    assert "<link" not in page and "<script" not in page and "@import" not in page
    assert "@font-face" not in page and "url(" not in page
    assert not re.search(r"\ssrc=", page)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(h.startswith(("#", "https://", "http://")) for h in hrefs)


def test_every_finding_with_status_remedy_and_sources(case: tuple[AuditResult, str]) -> None:
    result, page = case
    text = plain(page)
    numbers = {s.id: s.number for s in result.sources}
    for finding in result.findings:
        assert f'id="rule-{finding.rule}"' in page
        assert f"{finding.rule} {finding.title}" in text
        if finding.status in (Status.NOT_MET, Status.PARTIAL):
            assert " ".join(finding.remedy.split()) in text, finding.rule
            for source in finding.sources:
                assert f'href="#source-{numbers[source]}">[{numbers[source]}]</a>' in page
    for source in result.sources:
        assert f'id="source-{source.number}"' in page
        assert " ".join(source.title.split()) in text


def test_summary_table_and_chart(case: tuple[AuditResult, str]) -> None:
    result, page = case
    summary = page.split('id="summary"', 1)[1].split('id="findings"', 1)[0]
    # Each score is drawn as a range: a solid bar up to the low end (a sliver at 0), an open bar on to the high end.
    solid = sum(1 for p in result.principles if p.score is not None and (p.score.low > 0 or p.score.high == 0))
    open_bars = sum(1 for p in result.principles if p.score is not None and p.score.high > p.score.low)
    assert summary.count('fill-opacity="0.22"') == open_bars and open_bars > 0
    assert summary.count("<rect ") == solid + open_bars
    assert "<svg" in summary and 'role="img"' in summary
    table = plain(summary.split('class="verdicts"', 1)[1].split("</table>", 1)[0])
    for p in result.principles:
        if p.score is not None and p.score.low != p.score.high:
            assert f"{p.score.low:.1f}".removesuffix(".0") + "–" + f"{p.score.high:.1f}".removesuffix(".0") in table
    for principle in result.principles:
        assert f'href="#principle-{principle.framework}-{principle.id}">{principle.id} ' in summary
    for rule in result.red_lines_crossed:
        assert f'href="#rule-{rule}"' in summary


def test_information_gaps_are_questions(case: tuple[AuditResult, str]) -> None:
    result, page = case
    gaps = plain(page.split('id="gaps"', 1)[1].split('id="methodology"', 1)[0])
    for number, gap in enumerate(result.information_gaps, start=1):
        assert f"Q{number}. {gap.question}" in gaps
    assert result.input_sha256 in plain(page)


def test_same_result_same_bytes(case: tuple[AuditResult, str]) -> None:
    result, page = case
    assert render(result, RenderOptions()).decode("utf-8") == page


def test_hostile_fields_are_escaped(tmp_path: Path) -> None:
    result, raw = audit_file(hostile_deployment(tmp_path), SMALL_FRAMEWORK)
    page = render(result, RenderOptions(input_bytes=raw)).decode("utf-8")
    assert "<img" not in page and "<script>" not in page and "<b>" not in page
    assert str(escape(HOSTILE_IMG)) in page
    assert str(escape(HOSTILE_CSS)) in page
    assert LONG_WORD in page
    assert page.count("<style>") == 1
    text = plain(page)
    assert HOSTILE_IMG in text and "Наблюдение <b>не</b> законно" in text
    assert "HYPOTHETICAL PROGRAMME" in text and "date not given" in text


def test_template_environment_is_strict_and_escaping() -> None:
    import jinja2

    env = environment()
    assert env.autoescape is True
    assert env.undefined is jinja2.StrictUndefined


def test_cli_writes_html(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code = main(
        ["audit", str(CASE), "-f", DEFAULT_FRAMEWORK, "--format", "html", "-o", str(out), "--audit-date", "2001-02-03"]
    )
    assert code == 0
    assert "2001-02-03" in plain(out.read_text(encoding="utf-8"))


def test_right_to_left_scripts_and_emoji_appear_as_written(tmp_path: Path) -> None:
    result, raw = audit_file(scripts_deployment(tmp_path), SMALL_FRAMEWORK)
    text = plain(render(result, RenderOptions(input_bytes=raw)).decode("utf-8"))
    assert f"{RTL_TEXT} {EMOJI_TEXT}" in text
    assert LONG_WORD in text


def test_answer_values_are_shown_by_their_meaning_in_every_format() -> None:
    from report_support import CASE, audit_file

    from auditkit.model.catalog import catalogue
    from auditkit.render import html as html_render
    from auditkit.render import markdown, text
    from auditkit.rules.loader import DEFAULT_FRAMEWORK

    result, raw = audit_file(CASE, DEFAULT_FRAMEWORK)
    facts = catalogue()
    keys = {key for info in facts.values() for key, _ in info.choices if "_" in key}
    used = {str(f.value) for finding in result.findings for f in finding.facts} & keys
    assert used, "the case study should answer some choice facts with two-word values"
    options = RenderOptions(input_bytes=raw)
    pages = {
        "text": text.render(result, options).decode(),
        "md": markdown.render(result, options).decode(),
        "html": html_render.render(result, options).decode(),
    }
    for name, page in pages.items():
        for key in keys:
            assert key not in page and key.replace("_", "\\_") not in page, (name, key)
    meaning = facts["legality.instrument_type"].describe("government_decree")
    assert meaning == "a decree or resolution of the executive"
    assert all(meaning in page for page in pages.values() if page is not pages["text"])
