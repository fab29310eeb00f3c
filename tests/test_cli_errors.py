"""The CLI's error paths: outputs are all-or-nothing, never over an input, and every failure is one line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cli_support import MINI as MINI_PATH
from cli_support import cli

from auditkit import outputs

MINI = str(MINI_PATH)
VALID = """\
format_version: 2
deployment:
  name: Riverside camera pilot
sources:
  - {id: council-2024, kind: official_record, publisher: Riverside Council, title: Camera pilot decision, date: 2024-03,
     url: 'https://example.org/riverside/2024-03'}
retention:
  max_days: {value: 400, sources: [council-2024]}
"""


@pytest.fixture()
def deployment(tmp_path: Path) -> Path:
    path = tmp_path / "riverside.yaml"
    path.write_text(VALID, encoding="utf-8")
    return path


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_a_failing_renderer_leaves_the_old_report_and_no_partial_file(
    deployment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = deployment.parent / "report.md"
    report.write_text("the earlier report\n", encoding="utf-8")

    def broken(result: object, options: object) -> bytes:
        raise RuntimeError("template exploded\nsecond line")

    monkeypatch.setattr("auditkit.render.renderer", lambda fmt: broken)
    code, out, err = cli("audit", str(deployment), "-f", MINI, "--format", "md", "-o", str(report))
    assert (code, out) == (3, "")
    assert err == (
        "auditkit: internal error (RuntimeError: template exploded second line); please report it with the input file\n"
    )
    assert report.read_text(encoding="utf-8") == "the earlier report\n"
    assert _leftovers(deployment.parent) == []


def test_a_renderer_failing_on_the_second_file_writes_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        path.write_text(VALID, encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    calls: list[int] = []

    def second_fails(result: object, options: object) -> bytes:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return b"# report\n"

    monkeypatch.setattr("auditkit.render.renderer", lambda fmt: second_fails)
    code, _, err = cli("audit", str(first), str(second), "-f", MINI, "--format", "md", "-o", str(out_dir))
    assert (code, err) == (130, "auditkit: interrupted\n")
    assert list(out_dir.iterdir()) == []


def test_a_failed_rename_keeps_the_old_file_and_removes_the_temporary_one(
    deployment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = deployment.parent / "report.json"
    report.write_text("{}\n", encoding="utf-8")

    def no_space(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    code, out, err = cli("audit", str(deployment), "-f", MINI, "--format", "json", "-o", str(report))
    assert (code, out) == (2, "")
    assert err == (
        f"{report}: cannot write the report (No space left on device); the earlier file, if any, is unchanged\n"
    )
    assert report.read_text(encoding="utf-8") == "{}\n"
    assert _leftovers(deployment.parent) == []


def test_an_interrupt_while_writing_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "r.txt"

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomic(target, b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_auditkit_may_not_write_to_is_a_user_error(deployment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(**kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(outputs.tempfile, "mkstemp", denied)
    target = deployment.parent / "r.html"
    code, _, err = cli("audit", str(deployment), "-f", MINI, "--format", "html", "-o", str(target))
    assert (code, err) == (2, f"{target}: cannot write here (Permission denied); choose another folder\n")
    assert not target.exists()


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html"])
def test_the_report_is_never_written_over_its_own_input(deployment: Path, fmt: str) -> None:
    before = deployment.read_bytes()
    code, out, err = cli("audit", str(deployment), "-f", MINI, "--format", fmt, "-o", str(deployment))
    assert (code, out) == (2, "")
    assert err == (
        f"{deployment}: this is one of the input files, so writing the report here would destroy it; "
        "choose another output name\n"
    )
    assert deployment.read_bytes() == before


def test_nor_over_its_input_through_a_link_or_another_spelling(deployment: Path) -> None:
    before = deployment.read_bytes()
    soft, hard = deployment.parent / "soft.md", deployment.parent / "hard.md"
    soft.symlink_to(deployment)
    os.link(deployment, hard)
    dotted = deployment.parent / "." / ".." / deployment.parent.name / deployment.name
    for target in (soft, hard, dotted):
        code, _, err = cli("audit", str(deployment), "-f", MINI, "--format", "md", "-o", str(target))
        assert code == 2 and "this is one of the input files" in err, err
    assert deployment.read_bytes() == before


def test_an_input_among_many_is_found_by_any_name_and_others_are_not(tmp_path: Path) -> None:
    """check_target looks the target up once and compares it with every input that exists."""
    inputs = [tmp_path / f"p{i}.yaml" for i in range(5)]
    for path in inputs[1:]:
        path.write_text(VALID, encoding="utf-8")  # p0.yaml does not exist
    os.link(inputs[3], tmp_path / "hard.json")
    (tmp_path / "soft.json").symlink_to(inputs[4])
    (tmp_path / "other.json").write_text("{}", encoding="utf-8")
    for name in ("hard.json", "soft.json", "p2.yaml"):
        with pytest.raises(outputs.InputError, match="this is one of the input files"):
            outputs.check_target(tmp_path / name, inputs)
    outputs.check_target(tmp_path / "other.json", inputs)  # an existing file that is no input may be replaced
    outputs.check_target(tmp_path / "new.json", inputs)  # a new name
    outputs.check_target(inputs[0], inputs)  # an input that does not exist is nothing to destroy


def test_output_into_a_missing_folder_is_a_clear_error(deployment: Path) -> None:
    target = deployment.parent / "no-such-folder" / "report.html"
    code, out, err = cli("audit", str(deployment), "-f", MINI, "--format", "html", "-o", str(target))
    assert (code, out) == (2, "")
    assert err == (
        f"{target}: the folder {target.parent} does not exist; create it first, or choose another output name\n"
    )


def test_output_onto_a_folder_is_a_clear_error(deployment: Path) -> None:
    code, _, err = cli("audit", str(deployment), "-f", MINI, "--format", "json", "-o", str(deployment.parent))
    assert (code, err) == (2, f"{deployment.parent}: this is a folder; give a file name for the output\n")


def test_two_inputs_with_one_name_cannot_share_a_report(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = tmp_path / "a" / "city.yaml", tmp_path / "b" / "city.yaml"
    for path in (first, second):
        path.write_text(VALID, encoding="utf-8")
    code, _, err = cli("audit", str(first), str(second), "-f", MINI, "--format", "md", "-o", str(tmp_path))
    assert (code, err) == (
        2,
        (f"{second}: this file and {first} would both be reported as city.md; rename one of them\n"),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_a_good_report_replaces_the_old_one_and_leaves_nothing_else(deployment: Path) -> None:
    report = deployment.parent / "report.json"
    report.write_text("old\n", encoding="utf-8")
    code, _, err = cli("audit", str(deployment), "-f", MINI, "--format", "json", "-o", str(report))
    assert (code, err) == (0, f"wrote {report}\n")
    assert report.read_text(encoding="utf-8").startswith("{")
    assert _leftovers(deployment.parent) == []
    assert oct(report.stat().st_mode & 0o777) == "0o644"


def test_an_internal_error_is_one_line_without_a_traceback(deployment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(*args: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("auditkit.engine.audit", bug)
    code, out, err = cli("audit", str(deployment), "-f", MINI)
    assert (code, out) == (3, "")
    assert (
        err == "auditkit: internal error (ZeroDivisionError: division by zero); please report it with the input file\n"
    )


def test_bad_input_to_audit_writes_no_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format_version: 1\ndeployment: {}\n", encoding="utf-8")
    target = tmp_path / "report.html"
    code, _, err = cli("audit", str(bad), "-f", MINI, "--format", "html", "-o", str(target))
    assert (code, err) == (2, f"{bad}:2:1: deployment.name: the required field 'name' is missing; add it\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_init_never_overwrites_and_needs_an_existing_folder(deployment: Path) -> None:
    before = deployment.read_bytes()
    assert cli("init", str(deployment)) == (
        2,
        "",
        f"{deployment}: this file exists; choose another name or add --force to overwrite it\n",
    )
    assert deployment.read_bytes() == before
    missing = deployment.parent / "nowhere" / "new.yaml"
    assert cli("init", str(missing)) == (
        2,
        "",
        f"{missing}: the folder for this file does not exist; create it first\n",
    )


def test_a_bad_audit_date_and_unknown_options_are_usage_errors(deployment: Path) -> None:
    assert cli("audit", str(deployment), "-f", MINI, "--audit-date", "31/01/2026") == (
        2,
        "",
        "--audit-date: '31/01/2026' is not a date; write it as YYYY-MM-DD\n",
    )
    code, out, err = cli("audit", str(deployment), "--colour")
    assert (code, out) == (2, "")
    assert err.startswith("auditkit: No such option") and "--colour" in err and err.count("\n") == 1
