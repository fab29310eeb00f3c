"""The two-page brief (audit --brief): read back from the PDF, it holds at most two pages and says what it must."""

from __future__ import annotations

import html as html_lib
import io
import re
import unicodedata
from pathlib import Path

import pytest
from cli_support import cli
from pypdf import PdfReader
from report_support import CASE, EXAMPLES, audit_file

from auditkit.model.result import AuditResult
from auditkit.render import RenderOptions, html, markdown
from auditkit.render import pdf as pdf_render
from auditkit.render.headline import headline
from auditkit.render.view import brief_view
from auditkit.rules.loader import DEFAULT_FRAMEWORK


def squeeze(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


@pytest.fixture(scope="module")
def moscow() -> tuple[AuditResult, bytes, PdfReader]:
    result, raw = audit_file(CASE, DEFAULT_FRAMEWORK)
    data = pdf_render.render(result, RenderOptions(input_bytes=raw, brief=True))
    return result, data, PdfReader(io.BytesIO(data))


def essentials(result: AuditResult) -> list[str]:
    """What a brief must say, in any format.

    Cover, grade, principles, headline gaps with their sources, the top questions, and how to get the
    full report.
    """
    view = brief_view(result)
    head = headline(result)
    out = [result.deployment.name, f"receives grade {view.cover.grade}", view.cover.frameworks]
    out += [f"{p.id} {p.title}" for p in result.principles]
    out += [head.others_title]
    for gap in (*head.red_lines, *head.others):
        out += [gap.rule, gap.finding.explanation]
    out += [s.title for s in view.sources]
    out += [q.question for q in view.questions]
    out += [span.text for span in view.full_report if span.code]  # the command for the full report
    return out


def test_the_brief_pdf_has_two_pages_and_its_content(moscow: tuple[AuditResult, bytes, PdfReader]) -> None:
    result, _, reader = moscow
    assert len(reader.pages) <= 2
    text = squeeze("\n".join(page.extract_text() for page in reader.pages))
    for item in essentials(result):
        assert squeeze(item) in text, item
    view = brief_view(result)
    cited = {n for g in (*view.summary.red_lines, *view.summary.gaps) for n in g.refs}
    assert cited and {s.number for s in view.sources} == cited  # the sources of the gaps, and only those
    for number in cited:
        assert f"[{number}]" in text
    assert len(view.questions) == 5 and view.questions_total > 5
    assert reader.metadata is not None and reader.metadata.title.startswith("Human-rights audit (brief): ")
    # Still tagged, with the input and the JSON result attached, like the full report.
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert sorted(reader.attachments) == sorted([result.input_file, pdf_render.json_attachment_name(result)])


def test_the_brief_is_reproducible(moscow: tuple[AuditResult, bytes, PdfReader]) -> None:
    result, data, _ = moscow
    raw = CASE.read_bytes()
    assert pdf_render.render(result, RenderOptions(input_bytes=raw, brief=True)) == data


@pytest.mark.parametrize("render", [html.render, markdown.render], ids=["html", "md"])
def test_the_brief_in_html_and_markdown_says_the_same(render: object) -> None:
    result, raw = audit_file(CASE, DEFAULT_FRAMEWORK)
    page = render(result, RenderOptions(input_bytes=raw, brief=True)).decode()  # type: ignore[operator]
    flat = squeeze(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\\", "").replace("**", ""))
    for item in essentials(result):
        assert squeeze(item) in flat, item
    full = render(result, RenderOptions(input_bytes=raw)).decode()  # type: ignore[operator]
    assert len(page) < len(full) / 3


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_case_study_briefs_in_two_pages(path: Path, tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    code, _, err = cli("audit", str(path), "--brief", "-o", str(target))
    assert code == 0, err
    assert len(PdfReader(target).pages) <= 2


def test_brief_is_refused_for_text_and_json(tmp_path: Path) -> None:
    for fmt in ("text", "json"):
        code, out, err = cli("audit", str(CASE), "--brief", "--format", fmt)
        assert (code, out) == (2, "")
        assert err.startswith("--brief: a brief is written as pdf, html, md, not " + fmt)
