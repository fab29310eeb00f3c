"""auditkit compare: principles, changed rules with their facts and sources, caps, facts added/removed/changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_support import MINI, MINI_FOLDER, cli, description

from auditkit import compare
from auditkit.engine import audit
from auditkit.model.load import load_deployment
from auditkit.rules.loader import load_framework

BEFORE = """\
format_version: 2
deployment:
  name: Riverside camera pilot
sources:
  - {id: council-2024, kind: official_record, publisher: Riverside Council, title: Camera pilot decision, date: 2024-03, url: 'https://example.org/council-2024'}
  - {id: amendment-7, kind: official_record, publisher: Riverside Council, title: Amendment 7, date: 2025-01, url: 'https://example.org/amendment-7'}
retention:
  max_days: {value: 400, sources: [council-2024]}
  sunset_clause: unknown
scope:
  scanning: {value: untargeted, sources: [council-2024]}
deidentification:
  claimed: {value: no, sources: [council-2024]}
"""
AFTER = (
    BEFORE.replace("max_days: {value: 400, sources: [council-2024]}", "max_days: {value: 30, sources: [amendment-7]}")
    .replace("sunset_clause: unknown", "sunset_clause: {value: yes, sources: [amendment-7]}")
    .replace("deidentification:\n  claimed: {value: no, sources: [council-2024]}\n", "")
)


@pytest.fixture()
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return description(tmp_path, BEFORE, "before.yaml"), description(tmp_path, AFTER, "after.yaml")


def test_text_shows_principles_rules_facts_and_what_caps_the_grade(pair: tuple[Path, Path]) -> None:
    code, out, err = cli("compare", *map(str, pair), "-f", MINI)
    assert (code, err) == (0, "")
    assert "grade F, score 0" in out and "grade F, score 50" in out
    assert "- Red line M2-01 still crossed." in out
    assert "- The grade after is capped at F by the red line crossed, whatever the score." in out
    assert "M1 Retention  Not met" in out
    assert "M1-01 Data is kept 30 days or less: Not met -> Met." in out
    assert "- The retention period in days (retention.max_days): 400 [council-2024] -> 30\n  [amendment-7]" in out
    assert "M1-02 The programme has a sunset clause: Unknown -> Met." in out
    assert "M2-01" not in out.split("Rules whose status changed")[1].split("Facts added")[0]  # unchanged
    assert "Facts added (1)" in out and "Facts removed (1)" in out and "Facts changed (1)" in out
    assert "(deidentification.claimed): no\n  [council-2024] -> not stated" in out


def test_json_lists_every_change(pair: tuple[Path, Path]) -> None:
    code, out, _ = cli("compare", *map(str, pair), "-f", MINI, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["comparison_version"] == 1
    assert data["caps"] == [
        "red line M2-01 still crossed",
        "the grade after is capped at F by the red line crossed, whatever the score",
    ]
    assert [(r["rule"], r["before"], r["after"]) for r in data["rules"]] == [
        ("M1-01", "not_met", "met"),
        ("M1-02", "unknown", "met"),
        ("M2-02", "not_applicable", "unknown"),
    ]
    assert data["rules"][0]["facts"] == [
        {
            "path": "retention.max_days",
            "label": "the retention period in days",
            "kind": "changed",
            "before": "400",
            "before_sources": ["council-2024"],
            "after": "30",
            "after_sources": ["amendment-7"],
        }
    ]
    assert [f["path"] for f in data["facts"]["added"]] == ["retention.sunset_clause"]
    assert [f["path"] for f in data["facts"]["removed"]] == ["deidentification.claimed"]
    m1 = data["principles"][0]
    assert (m1["before_verdict"], m1["after_verdict"], m1["before_score"], m1["after_score"]) == (
        "Not met",
        "Met",
        "0-33.3",
        "100",
    )  # before: M1-02 (weight 1) unknown, so M1 is 0 to 33.3
    assert data["notes"] == []


def test_an_identical_pair_shows_no_change(pair: tuple[Path, Path]) -> None:
    _, out, _ = cli("compare", str(pair[0]), str(pair[0]), "-f", MINI)
    assert "No rule changed status." in out and "Facts changed (0)" in out


def test_red_lines_newly_and_no_longer_crossed(pair: tuple[Path, Path], tmp_path: Path) -> None:
    fixed = tmp_path / "fixed.yaml"
    fixed.write_text(AFTER.replace("untargeted", "targeted"), encoding="utf-8")
    _, out, _ = cli("compare", str(pair[0]), str(fixed), "-f", MINI)
    assert "- Red line M2-01 no longer crossed." in out and "capped at" not in out
    _, out, _ = cli("compare", str(fixed), str(pair[0]), "-f", MINI)
    assert "- Red line M2-01 newly crossed." in out


def test_different_rule_sets_are_named(pair: tuple[Path, Path], tmp_path: Path) -> None:
    older = tmp_path / "mini-old"
    shutil.copytree(MINI_FOLDER, older)
    manifest = older / "framework.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('version: "0.1"', 'version: "0.0"'), encoding="utf-8"
    )
    (older / "rules" / "M1-02.yaml").unlink()
    code, out, _ = cli("compare", *map(str, pair), "-f", MINI, "--before-framework", str(older), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["notes"] == [
        (
            "The rule sets differ: before mini 0.0, after mini 0.1. Only after: M1-02. A change in a "
            "status may come from the rules rather than the facts."
        )
    ]
    assert ("M1-02", "absent", "met") in [(r["rule"], r["before"], r["after"]) for r in data["rules"]]


def test_different_format_versions_are_named(pair: tuple[Path, Path]) -> None:
    framework = load_framework(MINI)
    old, new = (load_deployment(p) for p in pair)
    newer = new.deployment.model_copy(update={"format_version": 3})  # stands for a later format of the same facts
    result = compare.compare(
        audit(old, [framework]), audit(new, [framework]), old.deployment, newer, [framework], [framework]
    )
    assert result.notes == [
        ("The two descriptions are in different format versions (2 and 3); facts are compared by their meaning.")
    ]
    assert [r.rule for r in result.rules] == ["M1-01", "M1-02", "M2-02"]


@pytest.mark.parametrize(
    ("name", "start"),
    [("c.md", b"# Comparison: Riverside camera pilot"), ("c.html", b"<!DOCTYPE html>"), ("c.pdf", b"%PDF-")],
)
def test_documents_by_extension(pair: tuple[Path, Path], tmp_path: Path, name: str, start: bytes) -> None:
    target = tmp_path / name
    code, _, err = cli("compare", *map(str, pair), "-f", MINI, "-o", str(target))
    assert (code, err) == (0, f"wrote {target}\n")
    data = target.read_bytes()
    assert data.startswith(start)
    if name.endswith(".pdf"):
        from pypdf import PdfReader

        text = " ".join(page.extract_text() for page in PdfReader(target).pages)
        assert "Red line M2-01 still crossed." in text and "400 [council-2024]" in text
        assert cli("compare", *map(str, pair), "-f", MINI, "-o", str(tmp_path / "again.pdf"))[0] == 0
        assert (tmp_path / "again.pdf").read_bytes() == data  # reproducible
    else:
        assert "M1-01" in data.decode("utf-8") and "council-2024" in data.decode("utf-8")


def test_a_broken_file_is_reported_with_the_other(pair: tuple[Path, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format_version: 1\ndeployment: {}\n", encoding="utf-8")
    code, out, err = cli("compare", str(broken), str(pair[1]), "-f", MINI)
    assert (code, out) == (2, "")
    assert err.startswith(f"{broken}:2:") and len(err.splitlines()) == 1
    assert cli("compare", str(pair[0]), "-f", MINI)[0] == 2  # AFTER missing: a usage error
    assert cli("compare", *map(str, pair), "--format", "docx")[0] == 2


def test_the_bundled_examples_compare() -> None:
    root = Path(__file__).resolve().parents[1] / "examples"
    code, out, _ = cli(
        "compare", str(root / "moscow-safe-city-frt.yaml"), str(root / "hypothetical-well-governed.yaml")
    )
    assert code == 0
    assert "- Red line P3-01 no longer crossed." in out
    assert "P3-03 Necessity and proportionality are assessed for each search: Not met -> Met." in out


MAX_DAYS_UNKNOWN = """\
  max_days:
    value: unknown
"""
MAX_DAYS_FIVE = """\
  max_days:
    value: 5
    sources: [{id: forklog-2021, at: "the DIT's statement"}]
"""


def test_a_format1_file_against_its_format2_version(tmp_path: Path) -> None:
    """A real format-1 case study against a copy migrated to format 2, then amended with format-2 syntax.

    The copy is made by 'auditkit migrate' and given a pinpoint citation: the note names both versions and
    only the amended fact and the rule it decides show as changes; the migration itself changes no fact.
    """
    # The bundled case study is format 2 now; its format-1 copy is kept as a fixture.
    moscow = Path(__file__).resolve().parent / "fixtures" / "format1" / "moscow-safe-city-frt.yaml"
    before, after = tmp_path / "before.yaml", tmp_path / "after.yaml"
    shutil.copyfile(moscow, before)
    shutil.copyfile(moscow, after)
    assert "\nformat_version: 1\n" in before.read_text(encoding="utf-8")
    assert cli("migrate", str(after))[0] == 0
    assert "\nformat_version: 2" in after.read_text(encoding="utf-8")
    note = "The two descriptions are in different format versions (1 and 2); facts are compared by their meaning."

    code, out, _ = cli("compare", str(before), str(after), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["notes"] == [note]
    assert data["rules"] == [] and all(data["facts"][kind] == [] for kind in ("added", "removed", "changed"))

    text = after.read_text(encoding="utf-8")
    assert MAX_DAYS_UNKNOWN in text
    after.write_text(text.replace(MAX_DAYS_UNKNOWN, MAX_DAYS_FIVE), encoding="utf-8")
    assert cli("validate", str(after))[0] == 0
    code, out, _ = cli("compare", str(before), str(after), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["notes"] == [note]
    assert [(r["rule"], r["before"], r["after"]) for r in data["rules"]] == [("P7-01", "unknown", "met")]
    facts = [f["path"] for kind in ("added", "removed", "changed") for f in data["facts"][kind]]
    assert facts == ["retention.max_days"]
    code, out, _ = cli("compare", str(before), str(after))
    flat = " ".join(out.split())
    assert code == 0 and note in flat
    assert "P7-01 Data is kept no longer than auditkit's 30-day threshold: Unknown -> Met." in flat
    assert "(retention.max_days): unknown -> 5 [forklog-2021]" in flat
