"""The report view (render/view.py): one home for what the reports say, and nothing read from the catalogue."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
import yaml
from report_support import audit_file

from auditkit.engine import audit
from auditkit.model.load import load_deployment
from auditkit.render import RenderOptions, view
from auditkit.render import html as html_render
from auditkit.render import markdown as md_render
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

SRC = Path(view.__file__).resolve().parents[1]  # src/auditkit
RENDER = SRC / "render"
CASE = Path(__file__).resolve().parents[1] / "examples" / "los-angeles-alpr.yaml"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    return names | {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}


@pytest.mark.parametrize("module", sorted(RENDER.glob("*.py")), ids=lambda p: p.name)
def test_renderers_never_read_the_fact_catalogue(module: Path) -> None:
    """The result carries the words of the facts it names; a renderer that looked them up could drift."""
    assert not {m for m in _imports(module) if m.startswith("auditkit.model.catalog")}, module.name


SHARED = {
    name: value
    for name, value in vars(view).items()
    if name.isupper() and isinstance(value, str) and len(value) >= 20 and " " in value
}


def _sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(SRC.rglob("*")) if p.suffix in (".py", ".j2"))


@pytest.mark.parametrize("name", sorted(SHARED))
def test_each_shared_sentence_is_written_once(name: str) -> None:
    """A sentence every format prints is written in render/view.py and nowhere else (no format re-words it)."""
    sentence = SHARED[name]
    assert _sources().count(sentence[:40]) == 1, f"{name} is written more than once: {sentence[:40]!r}"


def test_the_shared_sentences_include_those_the_formats_used_to_repeat() -> None:
    assert {"HYPOTHETICAL_NOTE", "NO_QUESTIONS", "SETTLE_INTRO", "KEPT_SECRET", "NO_SOURCES"} <= set(SHARED)


def test_the_view_is_frozen_and_marks_no_score_by_a_flag() -> None:
    result, _ = audit_file(CASE, DEFAULT_FRAMEWORK)
    report = view.report_view(result)
    with pytest.raises(AttributeError):
        report.cover.score = "99"  # type: ignore[misc]
    assert report.cover.scored and report.cover.score_phrase == f"score {report.cover.score} of 100"
    undecided = [f for p in report.principles for f in p.findings if f.missing]
    assert undecided  # the case study leaves facts open
    for finding in undecided:
        assert [m.question for m in finding.missing] == [result.fact_texts[m.path].question for m in finding.missing]


def test_requirement_structure_is_data_from_the_engine_to_the_page() -> None:
    """The result carries each requirement line's depth; the report nests by it (nothing parses indentation)."""
    from auditkit.model.result import RequirementLine
    from auditkit.render import RenderOptions, html

    result, _ = audit_file(CASE, DEFAULT_FRAMEWORK)
    finding = next(f for f in result.findings if f.rule == "P2-05")
    assert finding.requirement[:6] == [
        RequirementLine(depth=0, text="applies when:"),
        RequirementLine(depth=1, text="targeting a specific person requires a prior court order: yes"),
        RequirementLine(depth=0, text="requires:"),
        RequirementLine(depth=1, text="all of these:"),
        RequirementLine(depth=2, text="court orders are limited in time: yes"),
        RequirementLine(depth=2, text="court orders are limited in scope and method: yes"),
    ]
    assert not any(line.text != line.text.strip() for f in result.findings for line in f.requirement)
    page = html.render(result, RenderOptions()).decode()
    assert '<li class="depth-2">court orders are limited in time: yes</li>' in page


def _without(tmp_path: Path, *keys: str) -> Path:
    """The Los Angeles case study with ``keys`` of its deployment block left out."""
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    for key in keys:
        data["deployment"].pop(key)
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _html_rows(page: str, table: str) -> list[tuple[str, str]]:
    """A two-column table of an HTML page as (label, text of the value), tags dropped, entities read."""
    body = page.split(f'<table class="{table}">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<tr><th scope="row">(.*?)</th><td[^>]*>(.*?)</td></tr>', body, re.DOTALL)
    return [(html.unescape(k), html.unescape(re.sub(r"<br>", " ", re.sub(r"<(?!br)[^>]+>", "", v)))) for k, v in cells]


def _md_rows(page: str, first: str) -> list[tuple[str, str]]:
    """The Markdown table whose first row's label is ``first``, as (label, value)."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first} |"))
    rows = []
    for line in lines[start:]:
        if not line.startswith("| "):
            break
        label, value = line[2:-2].split(" | ", 1)
        rows.append((label, value.replace("\\", "")))
    return rows


def test_the_cover_facts_are_laid_out_once_and_every_format_prints_them(tmp_path: Path) -> None:
    """The view carries the cover's rows; HTML and Markdown, full and brief, print exactly those rows."""
    path = _without(tmp_path, "jurisdiction", "operator", "technology")
    loaded = load_deployment(path, display=path.name)
    result = audit(loaded, [load_framework(DEFAULT_FRAMEWORK)])
    options = RenderOptions(input_bytes=loaded.raw)
    full, brief = view.report_view(result), view.brief_view(result)
    c = full.cover
    assert [(r.label, r.value) for r in full.cover_rows] == [
        ("Jurisdiction", "not given"),
        ("Operator", "not given"),
        ("Kind of programme", "Automatic licence-plate recognition"),  # from scope.technology_kind (i12f)
        ("Period", c.period),
        ("Audit date", "2026-11-21"),
        ("Framework", c.frameworks),
        ("Auditor", "auditkit project (example audit)"),
        ("Input", "case.yaml"),
    ]
    assert full.cover_rows[-1].hash_line == f"SHA-256 {result.input_sha256}"
    assert [(r.label, r.value) for r in brief.cover_rows] == [
        *[(r.label, r.value) for r in full.cover_rows[:4]],
        ("Audit date", "2026-11-21, by auditkit project (example audit)"),
        ("Framework", c.frameworks),
    ]
    page = html_render.render(result, options).decode("utf-8")
    brief_page = html_render.render(result, RenderOptions(input_bytes=loaded.raw, brief=True)).decode("utf-8")
    md = md_render.render(result, options).decode("utf-8")
    brief_md = md_render.render(result, RenderOptions(input_bytes=loaded.raw, brief=True)).decode("utf-8")

    def shown(rows: tuple[view.Row, ...], sha: str, ref: str) -> list[tuple[str, str]]:
        return [
            (
                r.label,
                r.value
                + "".join(ref.format(n) for n in r.refs)
                + (f" ({r.pins})" if r.pins else "")
                + (sha.format(r.hash_line) if r.hash_line else ""),
            )
            for r in rows
        ]

    assert full.cover_rows[2].refs == (2,) and full.cover_rows[2].pins == "[2] letter of transmittal, para 2"
    assert _html_rows(page, "cover-facts") == shown(full.cover_rows, " {}", "[{}]")
    assert _html_rows(brief_page, "cover-facts") == shown(brief.cover_rows, " {}", "[{}]")
    assert _md_rows(md, "Jurisdiction") == shown(full.cover_rows, " ({})", " [{}]")
    assert _md_rows(brief_md, "Jurisdiction") == shown(brief.cover_rows, " ({})", " [{}]")
    assert f"| Input | case.yaml (SHA-256 {result.input_sha256}) |" in md
    method = [(r.label, r.value) for r in full.method_rows]
    assert method[-3:] == [("auditkit version", c.version), ("Input file", "case.yaml"), ("Input SHA-256", c.sha256)]
    assert _html_rows(page, "method-table")[-len(method) :] == method
    assert _md_rows(md, "Input SHA-256") == method[-1:]


HOMES = ("view.py", "labels.py")  # the report's words: the view, and the status and flag words it shares with text


def test_no_format_lays_out_a_cover_or_methodology_label_of_its_own() -> None:
    """The labels of the cover's facts, the methodology's details and the titles are written in render/view.py only."""
    result, _ = audit_file(CASE, DEFAULT_FRAMEWORK)
    full = view.report_view(result)
    labels = {r.label for r in (*full.cover_rows, *full.method_rows)} | set(vars(view.TITLES).values())
    assert {"Jurisdiction", "Operator", "Technology", "Period", "Auditor", "Input SHA-256"} <= labels
    assert {"Human-rights audit", "Verdict for each principle", "Overall grade", "red line"} <= labels
    templates = "\n".join(p.read_text(encoding="utf-8") for p in sorted((SRC / "templates").glob("*.j2")))
    renderers = "\n".join(p.read_text(encoding="utf-8") for p in sorted(RENDER.glob("*.py")) if p.name not in HOMES)
    for label in sorted(labels):
        assert f">{label}<" not in templates and f">{label} · " not in templates, label
        assert f'"{label}"' not in renderers and f'"# {label}' not in renderers, label
    assert _sources().count('"not given"') == 1
