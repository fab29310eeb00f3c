"""Third-party rule packs: every mistake located by file, line and field; no way to run code or reach outside.

Packs are built in tmp_path from the mini fixture framework, broken one way each.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_support import MINI as MINI_PATH
from cli_support import cli

from auditkit.errors import InputError
from auditkit.rules import loader
from auditkit.rules.loader import load_framework
from auditkit.yamlio import read_file

MINI = MINI_PATH
MET_WHEN = "met_when: {fact: retention.max_days, at_most: 30}"
DEPLOYMENT = """\
format_version: 2
deployment:
  name: Riverside camera pilot
sources:
  - {id: council-2024, kind: official_record, publisher: Riverside Council, title: Camera pilot decision, date: 2024-03,
     url: 'https://example.org/riverside/2024-03'}
retention:
  max_days: {value: 20, sources: [council-2024]}
scope:
  scanning: {value: targeted, sources: [council-2024]}
"""


def make_pack(root: Path, edit: Callable[[str], str] = lambda text: text, name: str = "my-pack") -> Path:
    """A copy of the mini framework under ``root/name`` with rule M1-01 passed through ``edit``."""
    pack = root / name
    shutil.copytree(MINI, pack)
    manifest = pack / "framework.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("id: mini", f"id: {name}"), encoding="utf-8")
    rule = pack / "rules" / "M1-01.yaml"
    rule.write_text(edit(rule.read_text(encoding="utf-8")), encoding="utf-8")
    return pack


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new)

    return edit


RULE = "rules/M1-01.yaml"
BROKEN: dict[str, tuple[Callable[[str], str], str]] = {
    "a misspelt operator": (
        replace(MET_WHEN, "met_when: {fact: retention.max_days, atmost: 30}"),
        (
            f"{RULE}:8:38: met_when.atmost: unknown key 'atmost' in a condition (did you mean 'at_most'?); expected "
            "{all: [...]}, {any: [...]}, {not: ...} or {fact: section.name, is|in|at_most|at_least|disclosed: ...}"
        ),
    ),
    "a condition with two tests": (
        replace(MET_WHEN, "met_when: {all: [{fact: retention.max_days, at_most: 30, is: 5}]}"),
        (
            f"{RULE}:8:18: met_when.all[1]: a fact condition needs exactly one test (is, in, at_most, at_least or "
            "disclosed); this one has is, at_most"
        ),
    ),
    "an unknown fact path": (
        replace(MET_WHEN, "met_when: {not: {fact: retention.max_day, at_most: 30}}"),
        (
            f"{RULE}:8:18: met_when.not.fact: no fact 'retention.max_day' in the deployment format (did you mean "
            "'retention.max_days'?); run 'auditkit schema deployment' for the list"
        ),
    ),
    "a number as text": (
        replace(MET_WHEN, "met_when: {fact: retention.max_days, at_most: thirty}"),
        (
            f"{RULE}:8:38: met_when.at_most: 'at_most' needs a whole number of zero or more, or a period such as "
            "{days: 30} or {hours: 24}, not 'thirty'"
        ),
    ),
    "an aspect that is not law or practice": (
        replace(MET_WHEN, "met_when: {fact: retention.max_days, aspect: rules, at_most: 30}"),
        (
            f"{RULE}:8:38: met_when.aspect: 'rules' is not a side of a fact; 'aspect' is law or practice "
            "(leave it out to read both sides)"
        ),
    ),
    "a period for a count": (
        replace(MET_WHEN, "met_when: {fact: retention.max_days, at_most: {days: 30}}"),
        (
            f"{RULE}:8:38: met_when.at_most: retention.max_days is a number, not a period; compare it with a "
            "whole number, not {days: 30}"
        ),
    ),
    "a number for a period": (
        replace(MET_WHEN, "met_when: {fact: retention.matches, at_most: 30}"),
        (
            f"{RULE}:8:37: met_when.at_most: retention.matches is a period; compare it with {{days: N}} or "
            "{hours: N}, not 30"
        ),
    ),
    "a period in weeks": (
        replace(MET_WHEN, "met_when: {fact: retention.matches, at_most: {weeks: 2}}"),
        (
            f"{RULE}:8:37: met_when.at_most: 'at_most' needs a whole number of zero or more, or a period such as "
            "{days: 30} or {hours: 24}, not {weeks: 2}"
        ),
    ),
    "a period tested with is": (
        replace(MET_WHEN, "met_when: {fact: retention.matches, is: indefinite}"),
        (
            f"{RULE}:8:37: met_when.is: retention.matches is a period; test it with at_most or at_least and "
            "{days: N} or {hours: N}"
        ),
    ),
    "a value the fact cannot hold": (
        replace(MET_WHEN, "met_when: {fact: scope.scanning, in: [targeted, everyone]}"),
        f"{RULE}:8:34: met_when.in: scope.scanning cannot be 'everyone'; expected one of: targeted, untargeted",
    ),
    "a word that is not yes or no for a yes/no fact": (
        replace(MET_WHEN, "met_when: {fact: retention.sunset_clause, is: maybe}"),
        f"{RULE}:8:43: met_when.is: retention.sunset_clause cannot be 'maybe'; expected yes or no",
    ),
    "an unknown principle": (
        replace("principle: M1", "principle: M9"),
        f"{RULE}:3:1: principle: no principle 'M9' in framework.yaml; expected one of: M1, M2",
    ),
    "a wrong type and a wrong enum": (
        lambda text: text.replace("weight: 2", "weight: heavy").replace("severity: high", "severity: severe"),
        (
            f"{RULE}:4:1: severity: 'severe' is not allowed; expected one of: critical, high, medium, low\n"
            f"{RULE}:5:1: weight: 'heavy' is not a whole number"
        ),
    ),
    "an unknown field": (
        replace("remedy:", "remedies:"),
        (
            f"{RULE}:1:1: the required field 'remedy' is missing; add it\n"
            f"{RULE}:10:1: remedies: unknown field 'remedies' (did you mean 'remedy'?); check its spelling or remove it"
        ),
    ),
    "a test case on an unknown fact": (
        replace("{retention.max_days: 10}", "{retention.max_dys: 10}"),
        (
            f"{RULE}:15:27: cases[1].facts.retention.max_dys: no fact 'retention.max_dys' in the deployment format "
            "(did you mean 'retention.max_days'?)"
        ),
    ),
    "a YAML syntax error": (
        replace("title: Data is", "title: Data: is"),
        (
            f"{RULE}:2:12: YAML syntax error: a ':' appears where it is not expected; put a space after each ':' and "
            "quote text that contains ': '"
        ),
    ),
    "an empty rule file": (
        lambda text: "",
        (
            f"{RULE}: the file is empty; a rule is 'key: value' lines (id, title, principle, met_when, ...); copy a "
            "bundled rule to start"
        ),
    ),
    "a list instead of a rule": (
        lambda text: "- id: M1-01\n",
        f"{RULE}:1:1: the file holds a list, but a rule is a set of 'key: value' lines",
    ),
    "a python tag": (
        replace(MET_WHEN, "met_when: !!python/object/apply:os.system ['touch pwned']"),
        (
            f"{RULE}:8:11: met_when: the tag '!!python/object/apply:os.system' is not allowed; remove it (auditkit "
            "reads plain values only and never runs code from a file)"
        ),
    ),
    "an include tag": (
        replace(MET_WHEN, "met_when: !include ../../secrets.yaml"),
        (
            f"{RULE}:8:11: met_when: the tag '!include' is not allowed; remove it (auditkit reads plain values only "
            "and never runs code from a file)"
        ),
    ),
    "a $ref include": (
        replace(MET_WHEN, "met_when: {$ref: 'https://evil.example/condition.json'}"),
        (
            f"{RULE}:8:12: met_when.$ref: unknown key '$ref' in a condition; expected {{all: [...]}}, {{any: [...]}}, "
            "{not: ...} or {fact: section.name, is|in|at_most|at_least|disclosed: ...}"
        ),
    ),
    "a list where 'is' wants one value": (
        replace(MET_WHEN, "met_when: {fact: scope.scanning, is: [targeted]}"),
        f"{RULE}:8:34: met_when.is: 'is' needs one value (text, a number, true or false), not a list",
    ),
    "an empty 'in' list": (
        replace(MET_WHEN, "met_when: {fact: retention.max_days, in: []}"),
        f"{RULE}:8:38: met_when.in: 'in' needs a list of one or more values, such as [a, b]",
    ),
    "disclosed: false": (
        replace(MET_WHEN, "met_when: {fact: retention.max_days, disclosed: false}"),
        (
            f"{RULE}:8:38: met_when.disclosed: 'disclosed' can only be true; for 'not disclosed' write "
            "{not: {fact: ..., disclosed: true}}"
        ),
    ),
    "a $ref at the top": (
        lambda text: text + "$ref: ../../../etc/passwd\n",
        f"{RULE}:17:1: $ref: unknown field '$ref'; check its spelling or remove it",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_pack_is_reported_by_file_line_and_field(case: str, tmp_path: Path) -> None:
    edit, expected = BROKEN[case]
    pack = make_pack(tmp_path, edit)
    lines = "".join(f"{pack}/{line}\n" for line in expected.split("\n"))
    assert cli("principles", "-f", str(pack)) == (2, "", lines)
    deployment = tmp_path / "d.yaml"
    deployment.write_text(DEPLOYMENT, encoding="utf-8")
    assert cli("audit", str(deployment), "-f", str(pack)) == (2, "", lines)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_every_broken_rule_file_is_reported_not_only_the_first(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, lambda text: "")
    (pack / "rules" / "M2-01.yaml").write_text("id: [\n", encoding="utf-8")
    (pack / "rules" / "M2-02.yaml").write_text(
        (pack / "rules" / "M2-02.yaml").read_text(encoding="utf-8").replace("principle: M2", "principle: M7"),
        encoding="utf-8",
    )
    code, _, err = cli("principles", "-f", str(pack))
    assert code == 2
    assert [line.split(": ", 1)[0] for line in err.splitlines()] == [
        f"{pack}/rules/M1-01.yaml",
        f"{pack}/rules/M2-01.yaml:2:1",
        f"{pack}/rules/M2-02.yaml:3:1",
    ]


def test_duplicate_rule_ids_are_reported_with_both_files(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    shutil.copy(pack / "rules" / "M1-01.yaml", pack / "rules" / "M1-09.yaml")
    assert cli("principles", "-f", str(pack)) == (
        2,
        "",
        (
            f"{pack}/rules/M1-09.yaml:1:1: id: the rule id 'M1-01' is also used in {pack}/rules/M1-01.yaml; "
            "ids must be unique\n"
        ),
    )


def test_a_broken_manifest_lists_every_problem(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    (pack / "framework.yaml").write_text(
        "id: My Pack\ntitle: x\nversion: 1\nprinciples: []\nscoring: {met_at: 200}\n", encoding="utf-8"
    )
    code, _, err = cli("principles", "-f", str(pack))
    where = f"{pack}/framework.yaml"
    assert code == 2
    assert err.splitlines() == [
        f"{where}:1:1: the required field 'source' is missing; add it",
        (
            f"{where}:1:1: id: 'My Pack' is not in the expected form; use lowercase letters, digits and '-', such as "
            "agora-2020"
        ),
        f"{where}:2:1: title: this text is too short; write at least 3 characters",
        f"{where}:3:1: version: 1 is not text; put it in quotes",
        f"{where}:4:1: principles: this list is empty or too short; give at least 1",
        *(
            f"{where}:5:1: scoring: the required field '{name}' is missing; add it"
            for name in ("partially_met_at", "grades", "red_line_grade")
        ),
        f"{where}:5:11: scoring.met_at: 200 is too large; the maximum is 100",
    ]


def test_a_folder_without_framework_yaml_or_rules(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    (pack / "framework.yaml").unlink()
    assert cli("principles", "-f", str(pack)) == (
        2,
        "",
        (
            f"{pack}: this folder has no framework.yaml; a rule pack is a folder with framework.yaml and a "
            "rules/ folder\n"
        ),
    )
    other = make_pack(tmp_path, name="no-rules")
    shutil.rmtree(other / "rules")
    assert cli("principles", "-f", str(other)) == (
        2,
        "",
        f"{other}: this framework has no rules/ folder; add one with one YAML file per rule\n",
    )
    missing = tmp_path / "nowhere"
    code, _, err = cli("principles", "-f", str(missing))
    assert code == 2 and err.startswith(f"{missing}: no framework with this id or folder; bundled: ")


def test_a_pack_cannot_read_files_outside_its_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    link = make_pack(tmp_path, name="file-link")
    (link / "rules" / "evil.yaml").symlink_to(secret)
    folder = make_pack(tmp_path, name="folder-link")
    (folder / "rules" / "more").symlink_to(tmp_path, target_is_directory=True)
    manifest = make_pack(tmp_path, name="manifest-link")
    (manifest / "framework.yaml").unlink()
    (manifest / "framework.yaml").symlink_to(secret)
    for pack, shown in ((link, "rules/evil.yaml"), (folder, "rules/more")):
        assert cli("principles", "-f", str(pack)) == (
            2,
            "",
            f"{pack}/{shown}: rule files must be plain files inside the framework folder, not links\n",
        )
    code, _, err = cli("principles", "-f", str(manifest))
    assert (code, err) == (
        2,
        (
            f"{manifest}/framework.yaml: framework.yaml is a link to a file outside the "
            "framework folder; a pack may only use files inside its folder\n"
        ),
    )
    assert "hunter2" not in err


def test_loading_a_pack_never_opens_a_network_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a rule pack tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    pack = make_pack(tmp_path, lambda text: "# yaml-language-server: $schema=https://evil.example/s.json\n" + text)
    rule = pack / "rules" / "M1-02.yaml"
    rule.write_text(
        rule.read_text(encoding="utf-8").replace(
            "references: [{instrument: auditkit tests, legal_order: civil_society}]",
            "references: [{instrument: auditkit tests, legal_order: civil_society, url: 'https://evil.example/track.png'}]",
        ),
        encoding="utf-8",
    )
    framework = load_framework(str(pack))
    assert [r.id for r in framework.rules] == ["M1-01", "M1-02", "M2-01", "M2-02"]
    broken = make_pack(tmp_path, replace(MET_WHEN, "met_when: {$ref: 'https://evil.example/c.json'}"), name="ref")
    with pytest.raises(InputError):
        load_framework(str(broken))


def test_a_valid_pack_audits_together_with_the_default_framework(tmp_path: Path) -> None:
    pack = make_pack(tmp_path)
    deployment = tmp_path / "riverside.yaml"
    deployment.write_text(DEPLOYMENT, encoding="utf-8")
    code, out, err = cli("audit", str(deployment), "-f", "agora-2020", "-f", str(pack), "--format", "json")
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert [f["id"] for f in result["frameworks"]] == ["agora-2020", "my-pack"]
    principles = [(p["framework"], p["id"]) for p in result["principles"]]
    assert ("agora-2020", "P1") in principles and ("my-pack", "M1") in principles and ("my-pack", "M2") in principles
    mine = {f["rule"]: f["status"] for f in result["findings"] if f["framework"] == "my-pack"}
    assert mine["M1-01"] == "met" and mine["M2-01"] == "met"
    assert any(f["framework"] == "agora-2020" for f in result["findings"])


def test_a_pack_reusing_a_bundled_rule_id_is_refused(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, replace("id: M1-01", "id: P7-01"))
    deployment = tmp_path / "riverside.yaml"
    deployment.write_text(DEPLOYMENT, encoding="utf-8")
    code, _, err = cli("audit", str(deployment), "-f", "agora-2020", "-f", str(pack))
    assert (code, err) == (
        2,
        (
            f"{pack}/rules/M1-01.yaml: id: the rule id 'P7-01' is also used by framework "
            "'agora-2020'; rename one of them\n"
        ),
    )


def test_a_framework_given_twice_or_unknown_is_a_clear_error(tmp_path: Path) -> None:
    deployment = tmp_path / "riverside.yaml"
    deployment.write_text(DEPLOYMENT, encoding="utf-8")
    code, out, err = cli("audit", str(deployment), "-f", "agora-2020", "-f", "agora-2020")
    assert (code, out) == (2, "")
    assert err.endswith(": the framework 'agora-2020' is given twice; give it once\n") and err.count("\n") == 1
    code, out, err = cli("audit", str(deployment), "-f", "agora-2021")
    assert (code, out) == (2, "")
    assert err.startswith("agora-2021: no framework with this id or folder; bundled: ") and "agora-2020" in err


# --- format 2 in rule conditions: periods as thresholds, and one side of a fact (aspect) ---------------------

PERIOD_RULE = """\
id: M1-01
title: Alerts are kept 24 hours or less
principle: M1
severity: high
weight: 2
rationale: Alerts kept for long can be searched again for other purposes.
failure_reason: Alerts are kept for more than 30 days.
met_when: {fact: retention.matches, at_most: {hours: 24}}
partial_when: {fact: retention.matches, at_most: {days: 30}}
remedy: Alerts shall be deleted within 24 hours.
references: [{instrument: auditkit tests, legal_order: civil_society}]
origin: {requirement: auditkit}
thresholds: [{figure: "24 hours", value: 24, origin: auditkit}, {figure: "30 days", value: 30, origin: auditkit}]
cases:
  - {name: a day, facts: {retention.matches: {hours: 24}}, expect: met}
  - {name: deleted at once, facts: {retention.matches: immediately}, expect: met}
  - {name: a week, facts: {retention.matches: {days: 7}}, expect: partial}
  - {name: kept for ever, facts: {retention.matches: indefinite}, expect: not_met}
"""
SIDE_RULE = """\
id: M2-01
title: In practice, only people named in an authorisation are scanned
principle: M2
severity: critical
weight: 3
rationale: What is done matters more than what the law allows.
failure_reason: In practice, people not named in an authorisation are scanned.
met_when: {fact: scope.scanning, aspect: practice, is: targeted}
remedy: Scanning shall be limited in practice to people named in a prior authorisation.
references: [{instrument: auditkit tests, legal_order: civil_society}]
origin: {requirement: auditkit}
cases:
  - {name: both targeted, facts: {scope.scanning: {law: targeted, practice: targeted}}, expect: met}
  - {name: the law only, facts: {scope.scanning: {law: targeted, practice: untargeted}}, expect: not_met}
  - {name: practice decides, facts: {scope.scanning: {law: untargeted, practice: targeted}}, expect: met}
"""


def format2_pack(root: Path, period_rule: str = PERIOD_RULE) -> Path:
    """The mini framework's two principles with one rule each: a period threshold, and a practice-only test."""
    pack = make_pack(root)
    for old in (pack / "rules").iterdir():
        old.unlink()
    (pack / "rules" / "M1-01.yaml").write_text(period_rule, encoding="utf-8")
    (pack / "rules" / "M2-01.yaml").write_text(SIDE_RULE, encoding="utf-8")
    return pack


def split_deployment(root: Path, law: str, practice: str) -> Path:
    """A description whose alerts are kept 7 days and whose scanning differs in law and in practice."""
    path = root / "d.yaml"
    path.write_text(
        DEPLOYMENT.replace(
            "  max_days: {value: 20, sources: [council-2024]}", "  matches: {value: {days: 7}, sources: [council-2024]}"
        ).replace(
            "  scanning: {value: targeted, sources: [council-2024]}",
            f"  scanning:\n    law: {{value: {law}, sources: [council-2024]}}\n"
            f"    practice: {{value: {practice}, sources: [council-2024]}}",
        ),
        encoding="utf-8",
    )
    return path


def test_a_pack_may_compare_periods_and_read_one_side_of_a_fact(tmp_path: Path) -> None:
    pack = format2_pack(tmp_path)
    assert cli("principles", "--check", "-f", str(pack)) == (0, "2 rules in 1 framework(s): all checks passed\n", "")
    deployment = split_deployment(tmp_path, law="untargeted", practice="targeted")
    code, out, err = cli("audit", str(deployment), "-f", str(pack), "--format", "json")
    assert (code, err) == (0, "")
    statuses = {f["rule"]: f["status"] for f in json.loads(out)["findings"]}
    assert statuses == {"M1-01": "partial", "M2-01": "met"}  # 7 days is within 30, not 24 hours; practice decides


@pytest.mark.parametrize(
    ("edit", "line"),
    [
        (
            (
                "{name: a week, facts: {retention.matches: {days: 7}}, expect: partial}",
                "{name: a week, facts: {retention.matches: {days: 7}}, expect: met}",
            ),
            "rules/M1-01.yaml: M1-01: case 'a week' expects met but gives partial",
        ),
        (
            (', {figure: "30 days", value: 30, origin: auditkit}]', "]"),
            (
                "rules/M1-01.yaml: M1-01: the condition compares with 30 days but no threshold (with value: 30) "
                "says where that figure comes from (origin: auditkit or instrument)"
            ),
        ),
    ],
)
def test_principles_check_lints_period_rules(tmp_path: Path, edit: tuple[str, str], line: str) -> None:
    assert edit[0] in PERIOD_RULE
    pack = format2_pack(tmp_path, PERIOD_RULE.replace(*edit))
    assert cli("principles", "--check", "-f", str(pack)) == (2, "", f"{pack}/{line}\n")


def test_plan_repairs_a_period_and_one_side_of_a_fact(tmp_path: Path) -> None:
    pack = format2_pack(tmp_path)
    deployment = split_deployment(tmp_path, law="targeted", practice="untargeted")
    after = tmp_path / "after.yaml"
    code, out, err = cli("plan", str(deployment), "-f", str(pack), "-t", "A", "--write-after", str(after))
    assert (code, err) == (0, f"wrote {after}\n")
    assert "- How long matches and alerts are kept (retention.matches): 7 days -> 1 day\n" in out
    assert "Proved by auditing the changed description again." in out
    code, out, err = cli("audit", str(after), "-f", str(pack), "--format", "json")
    assert {f["rule"]: f["status"] for f in json.loads(out)["findings"]} == {"M1-01": "met", "M2-01": "met"}


def test_an_unknown_fact_could_still_differ_in_law_and_practice(tmp_path: Path) -> None:
    # Met when the practice is targeted, partly met when at least the law is. Unknown, scanning could turn
    # out targeted in law and not in practice, so 'partial' must be among what the rule could be, although
    # no single answer given to both sides makes it partial.
    pack = format2_pack(tmp_path)
    (pack / "rules" / "M2-01.yaml").write_text(
        SIDE_RULE.replace(
            "met_when: {fact: scope.scanning, aspect: practice, is: targeted}\n",
            "met_when: {fact: scope.scanning, aspect: practice, is: targeted}\n"
            "partial_when: {fact: scope.scanning, aspect: law, is: targeted}\n",
        ).replace(
            "{name: the law only, facts: {scope.scanning: {law: targeted, practice: untargeted}}, expect: not_met}",
            "{name: the law only, facts: {scope.scanning: {law: targeted, practice: untargeted}}, expect: partial}",
        ),
        encoding="utf-8",
    )
    assert cli("principles", "--check", "-f", str(pack))[0] == 0
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text(
        DEPLOYMENT.replace("  scanning: {value: targeted, sources: [council-2024]}", "  scanning: unknown")
    )
    code, out, err = cli("audit", str(unknown), "-f", str(pack), "--format", "json")
    assert (code, err) == (0, "")
    found = next(f for f in json.loads(out)["findings"] if f["rule"] == "M2-01")
    assert (found["status"], found["possible"]) == ("unknown", ["met", "partial", "not_applicable", "not_met"])
    answered = split_deployment(tmp_path, law="targeted", practice="untargeted")
    code, out, err = cli("audit", str(answered), "-f", str(pack), "--format", "json")
    assert {f["rule"]: f["status"] for f in json.loads(out)["findings"]}["M2-01"] == "partial"


# --- the schema check the bundled rule files passed before release ------------------------------------------


def _bundled_files() -> dict[str, tuple[Path, str]]:
    """Every bundled rule-pack file: its name under principles/ -> (path, the schema it must pass)."""
    root = loader.builtin_root()
    files = {}
    for framework in loader.builtin_ids():
        folder = root / framework
        files[f"{framework}/framework.yaml"] = (folder / "framework.yaml", "framework.schema.json")
        for path in loader._rule_files(folder, folder):
            files[path.relative_to(root).as_posix()] = (path, "rule.schema.json")
    return files


def test_the_schema_checked_manifest_names_every_bundled_file_as_it_is(request: pytest.FixtureRequest) -> None:
    """Each bundled file is checked against its schema here, for real, and its digest must be in the manifest.

    A rule file changed without the manifest fails this test (and is then simply checked at load time);
    `pytest tests/test_rule_packs.py --update-golden` rewrites the manifest once every file passes.
    """
    import jsonschema

    expected = {}
    for name, (path, schema) in _bundled_files().items():
        doc = read_file(path)
        text, data = doc.text, doc.data
        validator = jsonschema.Draft202012Validator(json.loads(loader.schema_text(schema)))
        assert not list(validator.iter_errors(data)), f"{name} does not pass {schema}"
        expected[name] = loader.checked_digest(text, schema)
    target = Path(loader.__file__).with_name(loader.CHECKED_NAME)
    if request.config.getoption("--update-golden"):
        about = (
            "sha256 of each schema's text, a NUL byte and a bundled file's bytes, for every bundled rule-pack "
            "file that passed its JSON Schema; rewritten by pytest tests/test_rule_packs.py --update-golden"
        )
        target.write_text(json.dumps({"about": about, "files": expected}, indent=2) + "\n", encoding="utf-8")
    held = json.loads(target.read_text(encoding="utf-8"))["files"]
    assert held == expected, "a bundled rule file changed: pytest tests/test_rule_packs.py --update-golden"


def _counting_schema_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the loader checks against a schema from now on (the cache of loaded frameworks emptied)."""
    checked: list[str] = []
    real = loader._schema

    def schema(name: str) -> object:
        checked.append(name)
        return real(name)

    monkeypatch.setattr(loader, "_schema", schema)
    loader._load_cached.cache_clear()
    return checked


def test_the_bundled_rules_load_without_a_schema_check(monkeypatch: pytest.MonkeyPatch) -> None:
    checked = _counting_schema_checks(monkeypatch)
    framework = load_framework("agora-2020")
    assert checked == []
    assert len([r for p in framework.principles for r in p.rules]) == len(_bundled_files()) - 1
    loader._load_cached.cache_clear()


def test_an_edited_bundled_rule_is_checked_and_its_mistake_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of the bundled pack skips the check only for the files left as they were."""
    pack = tmp_path / "agora-copy"
    shutil.copytree(loader.builtin_root() / "agora-2020", pack)
    rule = min((pack / "rules").glob("*.yaml"))
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("\ntitle:", "\ntitel:", 1), encoding="utf-8")
    checked = _counting_schema_checks(monkeypatch)
    with pytest.raises(InputError) as caught:
        load_framework(str(pack))
    assert checked == ["rule.schema.json"]  # this file only: the other 58 are byte for byte the bundled ones
    problems = caught.value.problems
    assert {p.file for p in problems} == {str(pack / "rules" / rule.name)}
    assert "the required field 'title' is missing; add it" in [p.message for p in problems]
    assert any(p.message.startswith("unknown field 'titel'") for p in problems)
    loader._load_cached.cache_clear()


def test_a_digest_covers_the_schema_as_well_as_the_file() -> None:
    rule = min((loader.builtin_root() / "agora-2020" / "rules").glob("*.yaml")).read_bytes()
    digest = loader.checked_digest(rule, "rule.schema.json")
    assert digest in loader._checked()
    assert loader.checked_digest(rule, "framework.schema.json") != digest
    assert loader.checked_digest(rule + b"\n", "rule.schema.json") not in loader._checked()
