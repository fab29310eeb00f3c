"""Golden outputs: the text, Markdown, brief Markdown and JSON report of every case study in examples/.

Any change to a report's wording fails here with a unified diff. When the
change is intended, refresh the files and review them as a diff:

    .venv/bin/pytest tests/test_golden.py --update-golden
    git diff tests/golden/

The HTML and PDF reports are checked the same way by test_report_committed.py.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from report_support import EXAMPLES

from auditkit.engine import audit
from auditkit.model.load import load_deployment
from auditkit.model.result import AuditResult
from auditkit.render import Format, RenderOptions, renderer
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

GOLDEN = Path(__file__).resolve().parent / "golden"
REFRESH = "pytest tests/test_golden.py --update-golden, then review 'git diff tests/golden/'"

# suffix of the golden file -> how it is rendered
OUTPUTS: dict[str, tuple[Format, bool]] = {
    ".txt": (Format.TEXT, False),
    ".md": (Format.MD, False),
    ".brief.md": (Format.MD, True),
    ".json": (Format.JSON, False),
}


def _cases() -> list[Path]:
    return sorted(EXAMPLES.glob("*.yaml"))


def _audit(source: Path) -> tuple[AuditResult, bytes]:
    """Audit a case study as 'auditkit audit examples/NAME.yaml' does, under its bare file name (no absolute path)."""
    loaded = load_deployment(source, display=source.name)
    return audit(loaded, [load_framework(DEFAULT_FRAMEWORK)]), loaded.raw


def _diff(expected: str, actual: str, name: str) -> str:
    lines = difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True), f"golden/{name}", "now"
    )
    return "".join(lines)


@pytest.mark.parametrize("source", _cases(), ids=lambda p: p.stem)
def test_outputs_match_golden(source: Path, request: pytest.FixtureRequest) -> None:
    result, raw = _audit(source)
    update = bool(request.config.getoption("--update-golden"))
    differences = []
    for suffix, (fmt, brief) in OUTPUTS.items():
        actual = renderer(fmt)(result, RenderOptions(input_bytes=raw, brief=brief))
        target = GOLDEN / f"{source.stem}{suffix}"
        if update:
            target.write_bytes(actual)
            continue
        assert target.is_file(), f"{target.name} is missing; run {REFRESH}"
        expected = target.read_bytes()
        if expected != actual:
            differences.append(_diff(expected.decode("utf-8"), actual.decode("utf-8"), target.name))
    if differences:
        pytest.fail(f"output differs from tests/golden/; if intended, run {REFRESH}\n" + "\n".join(differences), False)


def test_no_golden_file_without_a_case_study() -> None:
    names = {f"{p.stem}{suffix}" for p in _cases() for suffix in OUTPUTS}
    extra = sorted(p.name for p in GOLDEN.iterdir() if p.name not in names)
    assert extra == [], f"golden files without a case study in examples/: {extra}; delete them"
