"""auditkit annex: every proposed clause in one document, definitions first; Markdown, HTML, PDF and DOCX."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest
from cli_support import MINI, MOSCOW, cli, description

RIVERSIDE = """\
format_version: 1
deployment:
  name: Riverside camera pilot
  operator: Riverside Council
  audit_date: "2026-01-31"
sources:
  - {id: council-2024, publisher: Riverside Council, title: Camera pilot decision, date: 2024-03}
retention:
  max_days: {value: 400, sources: [council-2024]}
scope:
  scanning: {value: untargeted, sources: [council-2024]}
deidentification:
  claimed: {value: yes, sources: [council-2024]}
"""


@pytest.fixture()
def riverside(tmp_path: Path) -> Path:
    return description(tmp_path, RIVERSIDE)


def test_markdown_starts_with_definitions_then_red_lines_then_the_rest(riverside: Path) -> None:
    code, out, err = cli("annex", str(riverside), "-f", MINI)
    assert (code, err) == (0, "")
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    assert headings == [
        "### Clause 1. Definitions",
        "### Clause 2. Nobody is scanned without a specific authorisation",
        "### Clause 3. Data is kept 30 days or less",
        "### Clauses to consider once the facts are known",
        "### Clause 4. The programme has a sunset clause",
        "### Clause 5. De-identified data can be verified",
    ]
    assert "- “the operator” means Riverside Council." in out
    assert "The operator shall not scan people not named in a prior authorisation." in out
    assert "**Source:** Proposed for rule M2-01, a red line: the audit finds it not met." in out


def test_docx_reads_back_with_python_docx_and_is_reproducible(riverside: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "annex.docx", tmp_path / "again.docx"
    assert cli("annex", str(riverside), "-f", MINI, "-o", str(first)) == (0, "", f"wrote {first}\n")
    assert cli("annex", str(riverside), "-f", MINI, "-o", str(second))[0] == 0
    assert first.read_bytes() == second.read_bytes()
    document = docx.Document(str(first))
    texts = [p.text for p in document.paragraphs if p.text]
    assert texts[0] == "Amendments annex: Riverside camera pilot"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == "Clause 1. Definitions"
    assert headings[1] == "Clause 2. Nobody is scanned without a specific authorisation"
    assert "The operator shall delete data within 30 days of collection." in texts
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets[1] == "“the operator” means Riverside Council."
    props = document.core_properties
    assert props.created.replace(tzinfo=None) == props.modified.replace(tzinfo=None) == datetime(2026, 1, 31)
    assert props.title == "Amendments annex: Riverside camera pilot"
    with zipfile.ZipFile(first) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_pdf_and_html_carry_the_same_clauses(riverside: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    pdf, html = tmp_path / "annex.pdf", tmp_path / "annex.html"
    assert cli("annex", str(riverside), "-f", MINI, "-o", str(pdf))[0] == 0
    assert cli("annex", str(riverside), "-f", MINI, "--format", "html", "-o", str(html))[0] == 0
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert text.index("Clause 1. Definitions") < text.index("Clause 2. Nobody is scanned")
    assert "The operator shall not scan people not named in a prior authorisation." in text
    page = html.read_text(encoding="utf-8")
    assert "<h2>Clause 1. Definitions</h2>" in page and "&#x201c;the system&#x201d;" not in page
    assert "“the system” means the programme audited here: Riverside camera pilot." in page


def test_plan_annex_holds_only_the_plan_clauses(riverside: Path) -> None:
    code, out, _ = cli("annex", str(riverside), "-f", MINI, "--plan", "--target", "C")
    assert code == 0
    headings = [line for line in out.splitlines() if line.startswith("### ")]
    _, planned, _ = cli("plan", str(riverside), "-f", MINI, "--target", "C", "--format", "json")
    steps = json.loads(planned)["steps"]
    assert headings == [
        "### Clause 1. Definitions",
        *(f"### Clause {i}. {s['title']}" for i, s in enumerate(steps, start=2)),
    ]
    assert headings[1] == "### Clause 2. Nobody is scanned without a specific authorisation"
    assert "Clauses to consider" not in out
    assert "step 1 of the plan to reach grade C or better; the audit finds it not met" in out


def test_the_bundled_case_study_annex_is_complete() -> None:
    code, out, _ = cli("annex", str(MOSCOW))
    assert code == 0
    headings = [line for line in out.splitlines() if line.startswith("### Clause ")]
    assert headings[0] == "### Clause 1. Definitions"
    assert (
        headings[1] == "### Clause 2. The system does not process every person, vehicle or device within its reach"
    )  # red lines first
    _, audit_json, _ = cli("audit", str(MOSCOW), "--format", "json")
    findings = json.loads(audit_json)["findings"]
    proposed = [f for f in findings if f["status"] in ("not_met", "partial", "unknown")]
    assert len(headings) == 1 + len(proposed)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--plan",),
            (
                "auditkit: --plan and --target go together: --plan --target C takes the clauses of the plan to "
                "grade C. See 'auditkit annex --help'."
            ),
        ),
        (
            ("--target", "C"),
            (
                "auditkit: --plan and --target go together: --plan --target C takes the clauses of the plan "
                "to grade C. See 'auditkit annex --help'."
            ),
        ),
    ],
)
def test_plan_and_target_go_together(riverside: Path, args: tuple[str, ...], message: str) -> None:
    assert cli("annex", str(riverside), *args) == (2, "", message + "\n")


def test_docx_needs_a_file_and_a_matching_extension(riverside: Path, tmp_path: Path) -> None:
    code, _, err = cli("annex", str(riverside), "--format", "docx")
    assert code == 2 and err == "--output: a DOCX file needs a name; add -o FILE.docx\n"
    code, _, err = cli("annex", str(riverside), "--format", "md", "-o", str(tmp_path / "a.docx"))
    assert code == 2 and "--format md does not match the .docx extension" in err


def test_the_rule_sets_own_definitions_clause_comes_first() -> None:
    from auditkit.rules.loader import load_framework

    framework = load_framework("agora-2020")
    code, out, _ = cli("annex", str(MOSCOW))
    assert code == 0
    definitions = out.split("### Clause 1. Definitions", 1)[1].split("### Clause 2.", 1)[0]
    assert framework.definitions_clause and framework.definitions_clause in definitions
    for term in framework.definitions:
        assert f"- “{term.term}” means " in definitions
    assert "auditkit's, to be adapted" not in definitions
