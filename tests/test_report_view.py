"""The report view (render/view.py): one home for what the reports say, and nothing read from the catalogue."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from report_support import audit_file

from auditkit.render import view
from auditkit.rules.loader import DEFAULT_FRAMEWORK

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
