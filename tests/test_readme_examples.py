"""The README's compare, plan and annex examples run as written (from a copy of the examples folder)."""

from __future__ import annotations

import os
import shlex
import shutil
from pathlib import Path

import pytest
from cli_support import cli

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Amendments: compare, plan, annex", 1)[1].split("\n## ", 1)[0]
    return [
        line.split("  #")[0].strip()
        for line in section.splitlines()
        if line.startswith("auditkit ") and "before.yaml" not in line
    ]


def test_the_readme_has_an_example_of_each_command() -> None:
    words = {shlex.split(c)[1] for c in readme_commands()}
    assert words == {"plan", "compare", "annex"}


def test_the_readme_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for command in readme_commands():
        code, _, err = cli(*shlex.split(command)[1:])
        assert code == 0, (command, err)
    assert "Red line P3-01 no longer crossed." in " ".join(
        cli("compare", "examples/moscow-safe-city-frt.yaml", "after.yaml")[1].split()
    )
    assert sorted(os.listdir(tmp_path)) == ["after.yaml", "annex.docx", "annex.pdf", "examples"]
