"""``auditkit migrate``: format 1 -> format 2, keeping comments and order, auditing to the same verdicts.

tests/fixtures/format1/ keeps copies of the case studies as they were written in format 1.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_support import cli

FORMAT1 = Path(__file__).parent / "fixtures" / "format1"
CASES = sorted(p.name for p in FORMAT1.glob("*.yaml"))


def verdicts(path: Path) -> dict[str, object]:
    code, out, _ = cli("audit", str(path), "--format", "json")
    assert code == 0
    result = json.loads(out)
    return {
        "rules": {f["rule"]: f["status"] for f in result["findings"]},
        "principles": {p["id"]: (p["verdict"], p["score"]) for p in result["principles"]},
        "grade": result["grade"],
        "score": result["score"],
    }


def test_there_are_format1_fixtures() -> None:
    assert len(CASES) >= 4


@pytest.mark.parametrize("name", CASES)
def test_migrating_keeps_every_line_and_the_verdicts(name: str, tmp_path: Path) -> None:
    original = FORMAT1 / name
    target = tmp_path / name
    shutil.copyfile(original, target)
    assert "format_version: 1" in original.read_text(encoding="utf-8")
    assert cli("migrate", str(target)) == (0, "", f"{target}: migrated to format_version 2\n")
    before = original.read_text(encoding="utf-8").splitlines()
    after = target.read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)  # comments, blank lines, order: all kept
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    [(old, new)] = changed
    assert old == "format_version: 1"
    assert new.startswith("format_version: 2  # migrated from format 1 by 'auditkit migrate'")
    assert cli("validate", str(target))[0] == 0
    assert verdicts(target) == verdicts(original)
    assert cli("migrate", str(target)) == (0, "", f"{target}: already format_version 2; left as it is\n")


def test_migrate_writes_nothing_unless_every_file_loads(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    shutil.copyfile(FORMAT1 / CASES[0], good)
    bad.write_text("format_version: 1\ndeployment: {name: x}\nlegality: {published: maybe}\n", encoding="utf-8")
    before = good.read_bytes()
    code, out, err = cli("migrate", str(good), str(bad))
    assert (code, out) == (2, "")
    assert err.startswith(f"{bad}:3:12: legality.published: 'maybe' is not an answer here")
    assert good.read_bytes() == before


def test_migrate_rewrites_json_as_json(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text('{"format_version": 1, "deployment": {"name": "x", "jurisdiction": "Ülm"}}', encoding="utf-8")
    assert cli("migrate", str(path))[0] == 0
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "format_version": 2,
        "deployment": {"name": "x", "jurisdiction": "Ülm"},
    }
