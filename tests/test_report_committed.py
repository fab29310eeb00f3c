"""The committed reports in reports/ must match a fresh audit of each bundled case study.

When this fails, run ``python tools/make_reports.py`` and commit the result
(see reports/README.md).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from make_reports import audit_case, examples, html_bytes  # tools/, on the path by pyproject's pythonpath
from pypdf import PdfReader
from report_support import ROOT

from auditkit.render import RenderOptions, jsonout
from auditkit.render.pdf import json_attachment_name

REPORTS = ROOT / "reports"
FIX = "stale report: run 'python tools/make_reports.py' and commit reports/"


def _cases() -> list[Path]:
    return examples(ROOT / "examples")


@pytest.mark.parametrize("source", _cases(), ids=lambda p: p.stem)
def test_committed_pdf_carries_a_fresh_audit(source: Path) -> None:
    target = REPORTS / f"{source.stem}.pdf"
    assert target.is_file(), f"{target} is missing; {FIX}"
    case = audit_case(source)
    files = PdfReader(io.BytesIO(target.read_bytes())).attachments
    assert files.get(source.name) == [case.raw], f"{target}: the attached input differs; {FIX}"
    attached = files.get(json_attachment_name(case.result), [b""])[0]
    assert attached == jsonout.render(case.result, RenderOptions()), f"{target}: the attached JSON differs; {FIX}"


@pytest.mark.parametrize("source", _cases(), ids=lambda p: p.stem)
def test_committed_html_is_a_fresh_render(source: Path) -> None:
    target = REPORTS / f"{source.stem}.html"
    assert target.is_file(), f"{target} is missing; {FIX}"
    assert target.read_bytes() == html_bytes(audit_case(source)), f"{target}: {FIX}"


def test_no_report_without_a_case_study() -> None:
    stems = {p.stem for p in _cases()}
    extra = sorted(p.name for p in REPORTS.glob("*.*") if p.suffix in (".pdf", ".html") and p.stem not in stems)
    assert extra == [], f"reports without a case study in examples/: {extra}; delete them"
