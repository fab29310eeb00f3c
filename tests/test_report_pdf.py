"""The PDF report: read back with pypdf, it must cite every gap, carry its inputs and be reproducible.

Each PDF is rendered once per module (a render takes seconds); every record
WeasyPrint logs while rendering fails the tests.
"""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from report_support import (
    CASE,
    SMALL_FRAMEWORK,
    audit_file,
    hostile_deployment,
    scripts_deployment,
)

from auditkit.model.result import AuditResult, Status
from auditkit.render import RenderOptions, jsonout
from auditkit.render import pdf as pdf_render
from auditkit.rules.loader import DEFAULT_FRAMEWORK


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Rendered:
    result: AuditResult
    raw: bytes
    data: bytes
    reader: PdfReader
    text: str
    logs: list[str]

    def squeezed(self) -> str:
        """The text with all whitespace removed (line breaks fall anywhere)."""
        return squeeze(self.text)


def squeeze(value: str) -> str:
    """Whitespace removed and ligatures unfolded: a whole embedded font maps "fi" to one glyph, "\ufb01"."""
    return "".join(unicodedata.normalize("NFKC", value).split())


def _render(result: AuditResult, raw: bytes, page_size: str = "A4") -> Rendered:
    """Render once, collecting every weasyprint log record (caplog is per test; this fixture is per module)."""
    handler = _Records()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        data = pdf_render.render(result, RenderOptions(input_bytes=raw, page_size=page_size))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # 'weasyprint.progress' (a child logger) only reports layout steps; the main logger's records are problems.
    logs = [f"{r.levelname}: {r.getMessage()}" for r in handler.records if r.name == "weasyprint"]
    return Rendered(result, raw, data, reader, text, logs)


@pytest.fixture(scope="module")
def case() -> Rendered:
    result, raw = audit_file(CASE, DEFAULT_FRAMEWORK)
    return _render(result, raw)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Rendered, list[str]]]:
    # A two-principle framework keeps this report short: it tests escaping and fetching, not rules.
    path = hostile_deployment(tmp_path_factory.mktemp("hostile"))
    result, raw = audit_file(path, SMALL_FRAMEWORK)
    fetched: list[str] = []
    real = pdf_render.asset_fetcher

    def spy() -> Any:
        fetcher = real()
        original = fetcher.fetch

        def fetch(url: str, headers: Any = None) -> Any:
            fetched.append(url)
            return original(url, headers)

        fetcher.fetch = fetch
        return fetcher

    pdf_render.asset_fetcher = spy
    try:
        yield _render(result, raw, page_size="Letter"), fetched
    finally:
        pdf_render.asset_fetcher = real


def test_weasyprint_logs_nothing(case: Rendered) -> None:
    assert case.logs == []


def test_every_not_met_finding_is_cited_with_sources_and_remedy(case: Rendered) -> None:
    text = case.squeezed()
    sources = {s.id: s for s in case.result.sources}
    not_met = [f for f in case.result.findings if f.status is Status.NOT_MET]
    assert not_met, "the case study should have unmet rules"
    for finding in not_met:
        assert finding.rule in case.text, finding.rule
        assert squeeze(finding.remedy) in text, f"remedy of {finding.rule} missing"
        assert squeeze(finding.explanation) in text, f"explanation of {finding.rule} missing"
        for source_id in finding.sources:
            source = sources[source_id]
            assert f"[{source.number}]" in case.text
            assert squeeze(source.title) in text, source.title


def test_every_fact_value_and_source_reference_is_printed(case: Rendered) -> None:
    text = case.squeezed()
    numbers = {s.id: s.number for s in case.result.sources}
    for finding in case.result.findings:
        for fact in finding.facts:
            refs = "".join(f"[{numbers[s]}]" for s in sorted(fact.sources, key=numbers.__getitem__))
            assert squeeze(f"{fact.display}{refs}") in text, (finding.rule, fact.path)


def test_cover_and_summary(case: Rendered) -> None:
    first = case.reader.pages[0].extract_text()
    d = case.result.deployment
    assert squeeze(d.name) in squeeze(first)
    assert d.audit_date and d.audit_date in first
    r = case.result
    assert r.score is not None and r.grade.low == r.grade.high  # the red lines settle the grade at F
    decided = len(r.findings) - r.counts["unknown"]
    # The label is set in capitals by CSS; the score range and the coverage stand beside the grade.
    assert squeeze(
        f"OVERALL GRADE {r.grade.low} score {r.score.low:g}–{r.score.high:g} of 100 "
        f"{decided} of {len(r.findings)} rules decided"
    ) in squeeze(first)
    lines = r.red_lines_crossed
    assert lines and squeeze(
        f"capped at F: red line{'s' if len(lines) > 1 else ''} {', '.join(lines)} crossed"
    ) in squeeze(first)
    assert "HYPOTHETICAL" not in case.text
    summary = squeeze(case.reader.pages[2].extract_text())
    assert "Executivesummary" in summary
    for principle in case.result.principles:
        assert squeeze(principle.title) in summary
    # The executive summary fits on one page: the next page opens the findings.
    assert "Findingsbyprinciple" in squeeze(case.reader.pages[3].extract_text())


def test_outline_lists_every_section_and_principle(case: Rendered) -> None:
    outline = case.reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == [
        "Cover",
        "Contents",
        "Legal instruments and contractors",  # the Moscow case study lists its vendor
        "Executive summary",
        "Findings by principle",
        "Information gaps: questions for the operator",
        "Methodology",
        "Sources",
    ]
    nested = outline[top.index("Findings by principle") + 1]
    assert isinstance(nested, list)
    principles = [item.title for item in nested if not isinstance(item, list)]
    assert principles == [f"{p.id} {p.title}" for p in case.result.principles]


def test_pages_are_numbered_n_of_n_and_a4(case: Rendered) -> None:
    count = len(case.reader.pages)
    assert 8 <= count <= 80
    assert f"Page 1 of {count}" in case.reader.pages[0].extract_text()
    assert f"Page {count} of {count}" in case.reader.pages[-1].extract_text()
    box = case.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_contents_has_page_numbers(case: Rendered) -> None:
    contents = case.reader.pages[1].extract_text()
    assert "Contents" in contents
    # 'Executive summary ....... 3': the leader and the page number come from target-counter().
    assert any(
        line.startswith("Executive summary") and line.rstrip().endswith(" 3") for line in contents.splitlines()
    ), contents


def test_metadata(case: Rendered) -> None:
    meta = case.reader.metadata
    d = case.result.deployment
    assert meta is not None
    assert meta.title == f"Human-rights audit: {d.name}"
    assert meta.author == d.auditor
    assert meta.subject == (
        f"Human-rights audit of {d.name} against the agora-2020 rule set, version "
        f"{case.result.frameworks[0].version} ({case.result.frameworks[0].title})"
    )
    keywords = str(meta.get("/Keywords")).split(", ")
    assert keywords[:4] == ["surveillance", "human rights", "audit", "agora-2020"]
    assert d.jurisdiction == "Moscow, Russia" and {"Moscow", "Russia"} <= set(keywords)
    assert all(k and k == " ".join(k.split()) for k in keywords), keywords  # no empty or doubled-space keyword
    assert meta.creation_date is not None and meta.creation_date.date().isoformat() == d.audit_date


def test_attachments_are_the_input_and_a_fresh_json_result(case: Rendered) -> None:
    files = case.reader.attachments
    name = case.result.input_file
    assert sorted(files) == sorted([name, pdf_render.json_attachment_name(case.result)])
    assert files[name] == [case.raw]
    fresh, _ = audit_file(CASE, DEFAULT_FRAMEWORK)
    attached = files[pdf_render.json_attachment_name(case.result)][0]
    assert attached == jsonout.render(fresh, RenderOptions())
    assert json.loads(attached)["input_sha256"] == case.result.input_sha256


def test_tagged_for_accessibility(case: Rendered) -> None:
    root = case.reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"


def test_same_input_gives_the_same_bytes(hostile: tuple[Rendered, list[str]]) -> None:
    first = hostile[0]
    again = pdf_render.render(first.result, RenderOptions(input_bytes=first.raw, page_size="Letter"))
    assert again == first.data


def problems(logs: list[str]) -> list[str]:
    """WeasyPrint's records, less the one known limit: emoji that no installed font draws.

    Such a character is still real text in the PDF (searchable, copyable); it is drawn as a box.
    """

    def emoji_only(line: str) -> bool:
        points = [int(p, 16) for p in re.findall(r"U\+([0-9A-F]{4,6})", line)]
        return (
            ".notdef glyph rendered" in line
            and bool(points)
            and all(p >= 0x1F000 or 0x2600 <= p <= 0x27BF or p in (0x200D, 0xFE0F) for p in points)
        )

    return [line for line in logs if not emoji_only(line)]


def test_hostile_fields_render_literally_and_fetch_nothing_outside(hostile: tuple[Rendered, list[str]]) -> None:
    rendered, fetched = hostile
    assert problems(rendered.logs) == []
    root = pdf_render.templates_folder()
    assert fetched, "the bundled fonts should have been fetched through auditkit's fetcher"
    for url in fetched:
        assert url.startswith(root.as_uri() + "/fonts/"), url
    text = rendered.squeezed()
    assert squeeze('<img src="file:///etc/passwd">') in text
    assert squeeze("</style><style>body{display:none}</style>") in text
    assert squeeze("Наблюдение <b>не</b> законно") in text
    assert "HYPOTHETICALPROGRAMME" in text
    assert "date not given" in rendered.text
    box = rendered.reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def overflowing_boxes(result: AuditResult) -> tuple[list[Any], list[str]]:
    """Lay a report out; return the boxes reaching past a page's right margin, and WeasyPrint's records."""
    import weasyprint

    from auditkit.render.html import render_document

    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        text = render_document(result, RenderOptions(), pdf=True)
        document = weasyprint.HTML(
            string=text, base_url=pdf_render.templates_folder().as_uri() + "/", url_fetcher=pdf_render.asset_fetcher()
        ).render()
    finally:
        logger.removeHandler(handler)
    out = []
    for page in document.pages:
        right = page.width - page._page_box.margin_right  # layout boxes have no public API
        for box in _descendants(page._page_box):
            if getattr(box, "element_tag", None) in ("html", "body") or not hasattr(box, "margin_width"):
                continue
            if box.position_x + box.margin_width() > right + 1:
                out.append((box, box.position_x, box.margin_width()))
    return out, [r.getMessage() for r in handler.records if r.name == "weasyprint"]


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_hostile_long_words_stay_on_the_page(hostile: tuple[Rendered, list[str]]) -> None:
    overflowing, logs = overflowing_boxes(hostile[0].result)
    assert overflowing == []
    assert problems(logs) == []


def test_right_to_left_scripts_and_emoji_render_and_stay_on_the_page(tmp_path: Path) -> None:
    result, raw = audit_file(scripts_deployment(tmp_path), SMALL_FRAMEWORK)
    overflowing, logs = overflowing_boxes(result)
    assert overflowing == []
    rendered = _render(result, raw)
    # Emoji that no bundled font draws become boxes (a warning we allow); nothing else may go wrong.
    assert problems(logs + rendered.logs) == []
    assert len(rendered.reader.pages) >= 2
    assert rendered.reader.attachments["scripts.yaml"] == [raw]


def _descendants(box: Any) -> Iterator[Any]:
    for child in getattr(box, "children", []):
        if type(child).__name__ in ("MarginBox",):
            continue
        yield child
        yield from _descendants(child)


def test_the_fetcher_refuses_everything_outside_the_templates() -> None:
    from weasyprint.urls import FatalURLFetchingError

    fetcher = pdf_render.asset_fetcher()
    root = pdf_render.templates_folder()
    font = fetcher.fetch((root / "fonts" / "NotoSans-Regular.ttf").as_uri())
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    for url in [
        "file:///etc/passwd",
        "https://example.org/font.ttf",
        "http://127.0.0.1/x.css",
        "data:text/css,body{}",
        (root / "report.html.j2").as_uri(),
        root.as_uri() + "/fonts/../../render/pdf.py",
        "file://evil.example/" + str(root) + "/report.css",
    ]:
        with pytest.raises(FatalURLFetchingError):
            fetcher.fetch(url)


def test_an_external_reference_stops_the_render(monkeypatch: pytest.MonkeyPatch, case: Rendered) -> None:
    from weasyprint.urls import FatalURLFetchingError

    monkeypatch.setattr(
        pdf_render, "render_document", lambda *a, **k: '<html><body><img src="file:///etc/passwd"></body></html>'
    )
    with pytest.raises(FatalURLFetchingError):
        pdf_render.render(case.result, RenderOptions())


def test_the_text_path_does_not_import_weasyprint() -> None:
    code = "import sys, auditkit.cli, auditkit.render.text; print('weasyprint' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_without_harfbuzz_subsetting_whole_fonts_are_embedded_reproducibly(
    hostile: tuple[Rendered, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Machines without libharfbuzz-subset0 take this path: no warning, same bytes twice, larger file.
    first = hostile[0]
    subsetting_here = pdf_render._fast_subsetting()
    monkeypatch.setattr(pdf_render, "_fast_subsetting", lambda: False)
    again = _render(first.result, first.raw, page_size="Letter")
    assert problems(again.logs) == []
    assert pdf_render.render(first.result, RenderOptions(input_bytes=first.raw, page_size="Letter")) == again.data
    if subsetting_here:
        assert len(again.data) > len(first.data)
    else:  # this machine took the whole-font path already: the same bytes
        assert again.data == first.data
    assert squeeze("Наблюдение <b>не</b> законно") in again.squeezed()


def test_an_undetermined_grade_is_shown_as_a_range_never_a_bare_letter(tmp_path: Path) -> None:
    import yaml

    doc = {
        "format_version": 1,
        "deployment": {"name": "Press release", "audit_date": "2026-01-01"},
        "sources": [{"id": "pr", "publisher": "Operator", "title": "Press release", "date": "2026"}],
        "retention": {"max_days": {"value": 10, "sources": ["pr"]}},
        "scope": {"scanning": {"value": "targeted", "sources": ["pr"]}},
    }
    path = tmp_path / "press.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    result, raw = audit_file(path, SMALL_FRAMEWORK)
    # M1 66.7-100 (sunset clause open), M2 75-100 (de-identification open): overall 70.9-100, grade A-B.
    assert result.score is not None and (result.score.low, result.score.high) == (70.9, 100.0)
    assert (result.grade.high, result.grade.low) == ("A", "B")
    rendered = _render(result, raw)
    assert rendered.logs == []
    first = squeeze(rendered.reader.pages[0].extract_text())
    assert squeeze("OVERALL GRADE A–B UNDETERMINED score 70.9–100 of 100 2 of 4 rules decided") in first
    assert "OVERALLGRADEA" + "score" not in first
    summary = squeeze(rendered.text.split("Executive summary", 1)[1])
    assert (
        squeeze(
            "receives grade A–B (undetermined: 2 of 4 rules undecided), with an overall score of 70.9–100 out of 100"
        )
        in summary
    )
    assert (
        squeeze(
            "To settle M1 (insufficient information), establish: whether the programme ends on a fixed "
            "date unless renewed."
        )
        in rendered.squeezed()
    )


def _struct_elements(node: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """Every structure element under ``node`` (a pypdf object), depth first."""
    from pypdf.generic import ArrayObject, DictionaryObject

    seen = set() if seen is None else seen
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, ArrayObject):
        for item in node:
            yield from _struct_elements(item, seen)
    elif isinstance(node, DictionaryObject) and id(node) not in seen:
        seen.add(id(node))
        if "/S" in node:
            yield node
        if "/K" in node:
            yield from _struct_elements(node["/K"], seen)


def test_tables_are_tagged_with_rows_and_scoped_headers(case: Rendered) -> None:
    elements = list(_struct_elements(case.reader.trailer["/Root"]["/StructTreeRoot"]))
    tables = [e for e in elements if e["/S"] == "/Table"]
    assert len(tables) >= 3  # the cover facts, the verdicts, the methodology
    for table in tables:
        roles = [e["/S"] for e in _struct_elements(table["/K"])]
        assert "/TR" in roles, "a /Table with no rows"
        assert "/Table" not in roles, "a /Table nested in a /Table"
    headers = [e for e in elements if e["/S"] == "/TH"]
    assert headers
    scopes = {str(h["/A"].get_object()["/Scope"]) for h in headers}
    assert scopes == {"/Row", "/Column"}  # row headers on the cover and in the methodology, column heads above


def test_the_pdfua_checker_finds_nothing(case: Rendered, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(case.data)
    done = subprocess.run(
        [sys.executable, "-m", "pdfua", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(done.stdout)
    assert report["summary"]["findings"] == 0, report["findings"]
    assert report["summary"]["rules_run"] >= 11


def _headline_in(text: str, head: Any) -> list[str]:
    """The rule ids a report lists under its two headline headings, in order (whitespace removed first)."""
    flat = squeeze(text)
    start = flat.index("Redlinescrossed")
    end = flat.index(squeeze(head.others_title), start) + len(squeeze(head.others_title))
    red = re.findall(r"(P\d+-\d+)", flat[start:end])
    stop = min(
        (
            flat.index(m, end)
            for m in ("Findingsbyprinciple", "##Findings", "facts could not be established")
            if m in flat[end:]
        ),
        default=len(flat),
    )
    return red + ["|"] + re.findall(r"(P\d+-\d+)", flat[end:stop])


def test_the_headline_gaps_are_the_same_in_every_format(case: Rendered) -> None:
    from auditkit.render import html, markdown, text
    from auditkit.render.headline import headline

    head = headline(case.result)
    # The case study shows red lines and a list cut short (on established facts, or resting on reported ones).
    assert head.red_lines and (head.others_total > len(head.others) or head.attributed_total > len(head.attributed))
    expected = [g.rule for g in head.red_lines] + ["|"] + [g.rule for g in (*head.others, *head.attributed)]
    options = RenderOptions(input_bytes=case.raw)
    pages = {
        "text": text.render(case.result, options).decode(),
        "md": markdown.render(case.result, options).decode(),
        "html": re.sub(r"<[^>]+>", " ", html.render(case.result, options).decode().split("<h3>", 1)[1]),
        "pdf": "\n".join(p.extract_text() for p in case.reader.pages[2:4]),
    }
    for name, page in pages.items():
        assert squeeze(head.others_title) in squeeze(page), name
        if head.attributed:
            assert squeeze(head.attributed_title) in squeeze(page), name
        assert _headline_in(page, head) == expected, name


MAJOR_SECTIONS = (
    "Contents",
    "Executive summary",
    "Findings by principle",
    "Information gaps: questions for the operator",
    "Methodology",
    "Sources",
)
LABELS = ("Requirement", "Missing facts", "Decided by", "Already on the record")


def _body_lines(page: Any) -> list[tuple[float, str]]:
    """(y, text) of each line in a page's body, top first: the running header and footer left out."""
    height = float(page.mediabox.height)
    top, bottom = height - 20 * 72 / 25.4, 20 * 72 / 25.4  # the 20 mm margins of report.css
    found: list[tuple[float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and bottom < y < top:
            found.append((y, text.strip()))

    page.extract_text(visitor_text=visit)
    lines: dict[float, str] = {}
    for y, text in sorted(found, key=lambda item: -item[0]):
        key = next((k for k in lines if abs(k - y) < 2), y)
        lines[key] = (lines.get(key, "") + " " + text).strip()
    return sorted(lines.items(), key=lambda item: -item[0])


def test_pages_hold_together(case: Rendered) -> None:
    pages = [_body_lines(page) for page in case.reader.pages]
    height = float(case.reader.pages[0].mediabox.height) - 2 * 20 * 72 / 25.4
    top = float(case.reader.pages[0].mediabox.height) - 20 * 72 / 25.4
    for number, lines in enumerate(pages, start=1):
        assert lines, f"page {number} is empty"
        # No finding's label is left at the foot of a page or alone at the head of one.
        assert lines[-1][1] not in LABELS, f"page {number} ends with the label {lines[-1][1]!r}"
        assert lines[0][1] not in LABELS, f"page {number} starts with the label {lines[0][1]!r}"
        # No page less than about a third full, except the last before a major section (or the report's end).
        following = pages[number][0][1] if number < len(pages) else MAJOR_SECTIONS[-1]
        if not following.startswith(MAJOR_SECTIONS) and number > 1:
            filled = (top - lines[-1][0]) / height
            assert filled > 0.33, f"page {number} is only {filled:.0%} full"
    # Not-applicable rules are one compact list per principle, not a finding each.
    not_applicable = [f for f in case.result.findings if f.status is Status.NOT_APPLICABLE]
    assert not_applicable
    text = case.squeezed()
    for finding in not_applicable:
        assert squeeze(f"{finding.rule} {finding.title}: {finding.explanation}") in text
        assert squeeze(f"{finding.rule} {finding.title}severity") not in text
