"""The CLI's working paths, driven in-process through auditkit.cli.main."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from cli_support import MINI, cli, description

from auditkit.cli import main, parse
from auditkit.template import template

FILLED = """\
format_version: 2
deployment:
  name: Riverside camera pilot
  jurisdiction: Riverside
sources:
  - {id: council-2024, kind: official_record, publisher: Riverside Council, title: Camera pilot decision, date: 2024-03,
     url: 'https://example.org/riverside/2024-03'}
retention:
  max_days: {value: 400, sources: [council-2024]}
  sunset_clause: {value: yes, sources: [council-2024]}
scope:
  scanning: {value: untargeted, sources: [council-2024]}
deidentification:
  claimed: {value: no, sources: [council-2024]}
"""


@pytest.fixture()
def filled(tmp_path: Path) -> Path:
    return description(tmp_path, FILLED)


def test_validate_accepts_a_valid_file(filled: Path) -> None:
    assert cli("validate", str(filled)) == (0, f"{filled}: valid\n", "")


def test_audit_text_shows_principles_red_lines_and_gaps(filled: Path) -> None:
    code, out, err = cli("audit", str(filled), "-f", MINI)
    assert (code, err) == (0, "")
    assert "audit of Riverside camera pilot" in out
    # The cap says how strong its facts are (the fixture's source is a regulator: established).
    flat = " ".join(out.split())
    assert "Overall: grade F (capped at F: red line M2-01 crossed on established facts [1]); score 16.7/100" in flat
    assert "Red lines crossed:\n- M2-01 " in out  # the headline gaps, as in every format
    assert "M1 Retention" in out and "M2 Scope" in out
    assert "- M2-01 [Not met, critical, red line] Everyone in view is scanned." in out
    assert "Remedy: The operator shall not scan people not named in a prior authorisation." in out


def test_audit_json_matches_the_published_result_schema(filled: Path) -> None:
    code, out, _ = cli("audit", str(filled), "-f", MINI, "--format", "json")
    assert code == 0
    data = json.loads(out)
    _, schema_text, _ = cli("schema", "result")
    jsonschema.Draft202012Validator(json.loads(schema_text)).validate(data)
    assert data["frameworks"] == [
        {
            "id": "mini",
            "title": "Mini test framework",
            "version": "0.1",
            "source": {"title": "auditkit tests", "publisher": "auditkit", "date": "2026"},
        }
    ]
    assert data["deployment"]["name"] == "Riverside camera pilot"
    assert data["schema_version"] == 3
    assert data["grade"] == {"low": "F", "high": "F"} and data["red_lines_crossed"] == ["M2-01"]
    assert data["score"] == {"low": 16.7, "high": 16.7}
    finding = next(f for f in data["findings"] if f["rule"] == "M1-01")
    assert (finding["status"], finding["sources"], finding["missing"]) == ("not_met", ["council-2024"], [])
    assert len(data["input_sha256"]) == 64


def test_batch_json_and_text(filled: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.yaml"
    second.write_text(FILLED.replace("untargeted", "targeted").replace("Riverside camera", "Second"))
    code, out, _ = cli("audit", str(filled), str(second), "-f", MINI, "--format", "json")
    assert code == 0
    batch = json.loads(out)
    assert [r["deployment"]["name"] for r in batch["results"]] == ["Riverside camera pilot", "Second pilot"]
    _, schema_text, _ = cli("schema", "result")
    jsonschema.Draft202012Validator(json.loads(schema_text)).validate(batch)
    code, out, _ = cli("audit", str(filled), str(second), "-f", MINI, "--sort", "file")
    lines = out.splitlines()
    assert lines[0] == "League table of 2 programmes, sorted by file"
    assert lines[2].startswith("Riverside camera pilot") and lines[2].endswith("M2-01")
    assert lines[3].startswith("Second pilot")


def test_options_and_files_come_in_any_order(filled: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.yaml"
    second.write_text(FILLED.replace("Riverside camera", "Second"))
    code, out, err = cli("audit", str(filled), "--format", "json", str(second), "-f", MINI)
    assert (code, err) == (0, "")
    assert [r["deployment"]["name"] for r in json.loads(out)["results"]] == ["Riverside camera pilot", "Second pilot"]
    assert cli("validate", str(filled), "--help")[1].startswith("usage: auditkit validate")
    assert cli("audit", "-f", MINI, "--", str(filled))[0] == 0  # '--' ends the options, for a file named '-x'


def test_fail_under_exits_1_only_below_the_threshold(filled: Path) -> None:
    # M1 scores 33.3 and M2 0: overall 16.7, settled
    assert cli("audit", str(filled), "-f", MINI, "--fail-under", "16.8")[0] == 1
    assert cli("audit", str(filled), "-f", MINI, "--fail-under", "16.7")[0] == 0


def test_fail_under_passes_only_on_the_low_end(filled: Path) -> None:
    # Sunset clause left unknown: M1-02 (weight 1) could be met or not, M1 ranges 0-33.3, overall 0-16.7.
    filled.write_text(FILLED.replace("sunset_clause: {value: yes, sources: [council-2024]}", "sunset_clause: unknown"))
    data = json.loads(cli("audit", str(filled), "-f", MINI, "--format", "json")[1])
    assert data["score"] == {"low": 0.0, "high": 16.7}
    assert cli("audit", str(filled), "-f", MINI, "--fail-under", "10")[0] == 1  # the high end alone does not pass
    assert cli("audit", str(filled), "-f", MINI, "--fail-under", "0")[0] == 0


def test_output_file_is_written(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    code, out, err = cli("audit", str(filled), "-f", MINI, "--format", "json", "-o", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text())["deployment"]["name"] == "Riverside camera pilot"
    assert err == f"wrote {target}\n"


def test_audit_date_flag_overrides_the_file(filled: Path) -> None:
    _, out, _ = cli("audit", str(filled), "-f", MINI, "--format", "json", "--audit-date", "2026-01-02")
    assert json.loads(out)["deployment"]["audit_date"] == "2026-01-02"


def test_init_template_validates_and_audits_to_insufficient_information(tmp_path: Path) -> None:
    target = tmp_path / "new.yaml"
    assert cli("init", str(target))[0] == 0
    assert target.read_text() == template()
    assert cli("validate", str(target))[0] == 0
    code, out, _ = cli("audit", str(target), "--format", "json")
    data = json.loads(out)
    assert code == 0
    # Nothing known: every principle could still be met (or, for P5, not apply), nothing is graded.
    assert {p["verdict"] for p in data["principles"]} == {"insufficient_information"}
    assert data["score"] == {"low": 0.0, "high": 100.0}
    assert data["grade"] == {"low": "F", "high": "A"}
    assert data["red_lines_open"] == ["P3-01"]
    assert cli("init", str(target))[0] == 2  # never overwrites without --force


def test_template_asks_every_question() -> None:
    from auditkit.model.catalog import catalogue

    text = template()
    for info in catalogue().values():
        name = info.path.split(".", 1)[1]
        assert f"  {name}: unknown\n" in text


@pytest.mark.parametrize("kind", ["deployment", "ruleset", "framework", "result"])
def test_schemas_are_valid_draft_2020_12(kind: str) -> None:
    code, out, _ = cli("schema", kind)
    schema = json.loads(out)
    assert code == 0 and schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_deployment_schema_accepts_the_filled_example(filled: Path) -> None:
    import yaml

    _, out, _ = cli("schema", "deployment")
    document = yaml.safe_load(FILLED.replace("value: yes", "value: true").replace("value: no", "value: false"))
    document["sources"][0]["date"] = "2024-03"
    jsonschema.Draft202012Validator(json.loads(out)).validate(document)


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("audit", "compare", "plan", "annex", "validate", "init", "principles", "schema"):
        assert f"  {command}" in out


def test_unknown_option_is_a_one_line_usage_error() -> None:
    code, _, err = cli("audit", "--formt", "json")
    assert code == 2
    assert err == "auditkit: No such option '--formt'. Did you mean '--format'? See 'auditkit audit --help'.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("audti",), "No such command 'audti'. Did you mean 'audit'? See 'auditkit --help'."),
        (("--verison",), "No such option '--verison'. Did you mean '--version'? See 'auditkit --help'."),
        (("validate",), "Missing argument FILE. See 'auditkit validate --help'."),
        (("audit", "-o"), "Option '--output' needs a value. See 'auditkit audit --help'."),
        (
            ("audit", "--format", "jsn"),
            "Invalid value for '--format': 'jsn' is not one of text, json, md, html, pdf, csv. See 'auditkit audit --help'.",
        ),
        (
            ("audit", "--fail-under", "150"),
            "Invalid value for '--fail-under': '150' is not a score from 0 to 100. See 'auditkit audit --help'.",
        ),
        (
            ("audit", "--fail-under", "nan"),
            "Invalid value for '--fail-under': 'nan' is not a score from 0 to 100. See 'auditkit audit --help'.",
        ),
        (
            ("schema", "rules"),
            (
                "Invalid value for 'KIND': 'rules' is not one of deployment, ruleset, framework, "
                "result. See 'auditkit schema --help'."
            ),
        ),
        (("init", "a.yaml", "b.yaml"), "Got unexpected extra argument (b.yaml). See 'auditkit init --help'."),
        (("audit", "--form", "json"), "No such option '--form'. Did you mean '--format'? See 'auditkit audit --help'."),
    ],
)
def test_usage_errors_say_what_to_fix_in_one_line(args: tuple[str, ...], message: str) -> None:
    assert cli(*args) == (2, "", f"auditkit: {message}\n")


def test_bare_command_shows_help_on_stderr_and_fails() -> None:
    code, out, err = cli()
    assert (code, out) == (2, "")
    assert err.startswith("usage: auditkit [-h] [--version] COMMAND [ARGS]...")
    assert "Run 'auditkit COMMAND --help'" in err


def test_help_and_version_go_to_the_given_stream(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli("--version")
    assert (code, out, err) == (0, "auditkit 0.1.0\n", "")
    code, out, err = cli("validate", "--help")
    assert (code, err) == (0, "")
    assert out.startswith("usage: auditkit validate [-h] [--strict] FILE [FILE ...]")
    assert "Exit 0 when every file is valid, 2 otherwise." in out
    assert capsys.readouterr() == ("", "")  # nothing leaked to the real stdout or stderr


@pytest.mark.parametrize(("given", "meant"), [("LETTER", "letter"), ("a4", "A4"), ("Letter", "letter")])
def test_page_size_ignores_case(given: str, meant: str) -> None:
    assert parse(["audit", "--page-size", given]).page_size == meant


def test_validate_imports_nothing_it_does_not_need(filled: Path) -> None:
    """Start-up (benchmarks/, section 3): validate reads YAML and runs pydantic, nothing else of weight."""
    heavy = ["weasyprint", "jinja2", "jsonschema", "click", "importlib.metadata"]
    code = (
        "import json, sys; from auditkit.cli import main; "
        f"code = main(['validate', {str(filled)!r}], stdout=open('/dev/null', 'w')); "
        f"print(json.dumps([code, [m for m in {heavy!r} if m in sys.modules]]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == [0, []]  # importlib.metadata: see skip_pydantic_plugin_scan


def test_the_console_script_collects_garbage_again_after_loading(filled: Path) -> None:
    """The collector is held off while loading (start-up), then runs again for rendering, in that process only."""
    code = (
        "import gc, sys; from auditkit.cli import main; "
        f"main(['validate', {str(filled)!r}], stdout=open('/dev/null', 'w'), own_process=True); "
        "print(gc.isenabled(), gc.get_freeze_count() > 1000)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True"]
    import gc

    frozen = gc.get_freeze_count()
    assert cli("validate", str(filled))[0] == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen  # in-process callers are left as they were


def test_the_plugin_stub_is_all_pydantic_asks_of_its_loader() -> None:
    """skip_pydantic_plugin_scan replaces pydantic.plugin._loader with get_plugins() -> ().

    If a pydantic upgrade imports anything else from that module, or from elsewhere, this fails before users do.
    """
    import pydantic

    root = Path(pydantic.__file__).parent
    users = {
        str(path.relative_to(root)): [
            line.strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if "_loader" in line and "import" in line
        ]
        for path in root.rglob("*.py")
    }
    users = {name: lines for name, lines in users.items() if lines}
    assert users == {"plugin/_schema_validator.py": ["from ._loader import get_plugins"]}
    from pydantic.plugin import _schema_validator

    assert "get_plugins()" in Path(_schema_validator.__file__).read_text(encoding="utf-8")


def test_text_path_does_not_import_weasyprint(filled: Path) -> None:
    code = (
        "import sys; from auditkit.cli import main; "
        f"main(['audit', {str(filled)!r}, '-f', {MINI!r}], stdout=open('/dev/null', 'w')); "
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize(
    ("name", "start"),
    [
        ("report.json", b"{"),
        ("report.md", b"# Human-rights audit"),
        ("report.html", b"<!DOCTYPE html>"),
        ("report.txt", b"auditkit "),
    ],
)
def test_the_format_follows_the_output_extension(filled: Path, tmp_path: Path, name: str, start: bytes) -> None:
    target = tmp_path / name
    code, out, err = cli("audit", str(filled), "-f", MINI, "-o", str(target))
    assert (code, out, err) == (0, "", f"wrote {target}\n")
    assert target.read_bytes().startswith(start)


def test_a_pdf_extension_without_format_writes_a_pdf(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    assert cli("audit", str(filled), "-f", MINI, "-o", str(target))[0] == 0
    assert target.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("fmt", "name", "message"),
    [
        (
            "text",
            "x.pdf",
            ("--format text does not match the .pdf extension; drop --format to write pdf, or name the file with .txt"),
        ),
        (
            "json",
            "x.HTML",
            (
                "--format json does not match the .HTML extension; drop --format to write html, or name "
                "the file with .json"
            ),
        ),
    ],
)
def test_a_format_that_contradicts_the_extension_is_refused(
    filled: Path, tmp_path: Path, fmt: str, name: str, message: str
) -> None:
    target = tmp_path / name
    code, out, err = cli("audit", str(filled), "-f", MINI, "--format", fmt, "-o", str(target))
    assert (code, out, err) == (2, "", f"{target}: {message}\n")
    assert not target.exists()


def test_an_unknown_extension_keeps_the_given_or_default_format(filled: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.out"
    assert cli("audit", str(filled), "-f", MINI, "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("auditkit ")
    assert cli("audit", str(filled), "-f", MINI, "--format", "json", "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").startswith("{")
