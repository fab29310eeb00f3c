"""Docs generated from data stay in step with the data."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from auditkit.cli import main
from auditkit.model.scoring import describe
from auditkit.render.markdown import method_lines
from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

ROOT = Path(__file__).resolve().parents[1]


def test_rules_page_is_regenerated_from_the_rule_files() -> None:
    out = io.StringIO()
    assert main(["principles", "--markdown"], stdout=out, stderr=io.StringIO()) == 0
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == out.getvalue(), (
        "docs/rules.md is stale: run 'auditkit principles --markdown > docs/rules.md'"
    )
    assert (
        "### P3-01: The system does not process every person, vehicle or device within its reach (red line)"
        in out.getvalue()
    )


def test_rules_page_shows_each_rules_origin_thresholds_quotes_and_definitions() -> None:
    page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rules = page.count("\n### P")
    assert rules >= 50 and page.count("**Origin.**") == rules
    assert "- auditkit's threshold: 30 days (a policy choice, not a legal limit)" in page
    assert "  > All collected data must be securely deleted after achieving the goals" in page
    assert "(national law, RU)" in page and "(civil-society standard)" in page
    assert "## Definitions used by the remedies" in page and "- **operator** means" in page
    assert "## Changes" in page and "### Version 2.0" in page


METHOD_BEGIN = "<!-- generated from auditkit.model.scoring: do not edit; refresh with "
METHOD_END = "<!-- end of generated method -->"


def test_scoring_page_method_is_generated(request: pytest.FixtureRequest) -> None:
    """docs/scoring.md quotes the method as every report states it, with the default framework's thresholds."""
    path = ROOT / "docs" / "scoring.md"
    page = path.read_text(encoding="utf-8")
    start = page.index("\n", page.index(METHOD_BEGIN)) + 1
    end = page.index(METHOD_END)
    block = "\n".join(method_lines(describe(load_framework(DEFAULT_FRAMEWORK).scoring)))
    if request.config.getoption("--update-golden"):
        path.write_text(page[:start] + block + page[end:], encoding="utf-8")
        return
    assert page[start:end] == block, (
        "docs/scoring.md is stale: run '.venv/bin/pytest tests/test_docs.py --update-golden'"
    )


def test_scoring_page_states_the_default_thresholds() -> None:
    manifest = yaml.safe_load((ROOT / "principles" / "agora-2020" / "framework.yaml").read_text())
    scoring = manifest["scoring"]
    page = " ".join((ROOT / "docs" / "scoring.md").read_text(encoding="utf-8").split())
    assert f"*met* when even the low end is {scoring['met_at']} or more" in page
    assert f"both ends lie between {scoring['partially_met_at']} and {scoring['met_at']}" in page
    assert f"high end's score is below {scoring['partially_met_at']}" in page
    assert (
        f"A principle is **met** at a score of {scoring['met_at']} or more and **partially met** at a "
        f"score of {scoring['partially_met_at']} or more" in page
    )
    (a, b, c, d) = scoring["grades"].items()
    assert f"{a[0]} at {a[1]} or more, {b[0]} at {b[1]}, {c[0]} at {c[1]}, {d[0]} at {d[1]}, otherwise F" in page
    assert f"caps the overall grade at {scoring['red_line_grade']}" in page
    assert "min_coverage" not in scoring


def test_scoring_page_names_every_decisive_rule_and_the_properties_that_back_it() -> None:
    from auditkit.rules.loader import load_framework

    page = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    for rule in load_framework("agora-2020").rules:
        if rule.decisive:
            assert f"| {rule.id} " in page, rule.id
    flat = " ".join(page.split())
    assert "an operator cannot score better by publishing less" in flat
    for name in (
        "test_a_completed_audit_lies_inside_the_range_of_the_incomplete_one",
        "test_answering_facts_never_widens_a_range_nor_contradicts_a_verdict",
        "test_taking_facts_away_never_narrows_a_range",
    ):
        assert name in (ROOT / "tests" / "test_properties.py").read_text(encoding="utf-8")
    assert "**Adding a fact never widens**" in flat and "**removing a fact never narrows**" in flat


def test_readme_quickstart_has_exactly_the_two_commands_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = [line for line in quickstart.splitlines() if line.startswith("python3 -m venv")]
    assert len(commands) == 2
    assert "auditkit audit examples/moscow-safe-city-frt.yaml --format pdf" in commands[0]
    assert commands[1].endswith("pytest -q")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "grep -m1 -E '^python3 -m venv \\.venv && .*auditkit audit ' README.md" in ci


def test_the_quickstart_report_lands_where_git_ignores_it() -> None:
    import shlex
    import subprocess

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = next(line for line in readme.splitlines() if line.startswith("python3 -m venv") and " audit " in line)
    words = shlex.split(command.split("auditkit audit", 1)[1])
    target = words[words.index("-o") + 1]
    assert "/" in target, f"the quickstart writes {target} into the repository root"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert f"test -s {target}" in ci, ".ci/run checks another file than the README's command writes"
    ignored = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "-q", target], check=False)
    if ignored.returncode != 128:  # 128: not a git checkout (an unpacked release); nothing to ask
        assert ignored.returncode == 0, f"git does not ignore {target}"
