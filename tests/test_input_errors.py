"""Bad deployment files: one clear, located line per problem, exit 2, never a traceback.

Each malformed input lives in tests/fixtures/invalid/NAME.{yaml,json} beside
NAME.expected: the exit code on the first line ("exit 2"), then stderr
exactly. The limits tests build abusive inputs in memory and check they are
refused quickly (see docs/limits.md).
"""

from __future__ import annotations

import codecs
import re
import time
from pathlib import Path

import pytest
from cli_support import cli

from auditkit import yamlio
from auditkit.errors import InputError
from auditkit.model.load import load_deployment, parse_deployment

INVALID = Path(__file__).parent / "fixtures" / "invalid"
CASES = sorted(p.name for p in INVALID.iterdir() if p.suffix != ".expected")
# file:line:col: field.path: message   (line/col and path are absent only when they mean nothing)
LINE = re.compile(r"^(?P<file>[^:]+)(:(?P<line>\d+):(?P<col>\d+))?: ((?P<path>[^ :]+): )?(?P<msg>\S.*)$")
PYDANTIC_WORDS = (
    "Input should",
    "Value error",
    "Field required",
    "pydantic",
    "Traceback",
    "String should",
    "Extra inputs",
    "tag:yaml.org",
)

VALID = """\
format_version: 2
deployment:
  name: Safe City
sources:
  - {id: decree-2019, kind: law, publisher: City of Moscow, title: Decree 410, date: 2019-06-10,
     url: 'https://example.org/decree-410'}
legality:
  published: {value: yes, sources: [decree-2019]}
"""


def test_there_is_a_fixture_for_every_kind_of_bad_input() -> None:
    kinds = {
        "yaml_",
        "json_",
        "duplicate_key",
        "wrong_types",
        "unknown_fields",
        "enum_value",
        "fact_without_source",
        "source_not_declared",
        "empty",
        "binary_",
        "latin1",
        "top_level_list",
        "format_version_3",
        "python_tag",
        "alias_bomb",
        "deep_flow",
        "deep_block",
        "long_text",
    }
    assert all(any(case.startswith(kind) for case in CASES) for kind in kinds)
    assert len(CASES) >= 45


@pytest.mark.parametrize("name", CASES)
def test_bad_input_gives_its_expected_lines(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID)
    expected = (INVALID / (Path(name).stem + ".expected")).read_text(encoding="utf-8")
    first, _, lines = expected.partition("\n")
    start = time.perf_counter()
    code, out, err = cli("validate", name)
    assert time.perf_counter() - start < 2.0
    assert (f"exit {code}", out, err) == (first, "", lines)
    for line in err.splitlines():
        match = LINE.match(line)
        assert match is not None and match["file"] == name, line
        assert not any(word in line for word in PYDANTIC_WORDS), line
        assert line.isprintable(), line


@pytest.mark.parametrize(
    "name", ["unknown_fields.yaml", "fact_bad_values.yaml", "python_tag.yaml", "yaml_tabs.yaml", "deep_flow.yaml"]
)
def test_audit_reports_the_same_problems_as_validate(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(INVALID)
    _, _, validated = cli("validate", name)
    mini = str(Path(__file__).parent / "fixtures" / "frameworks" / "mini")
    assert cli("audit", name, "-f", mini) == (2, "", validated)


def test_every_file_is_checked_and_every_problem_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(INVALID)
    code, out, err = cli("validate", "duplicate_key.yaml", "enum_value.yaml", "empty.yaml")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "duplicate_key.yaml:5:3: deployment.name: the key 'name' is given twice (first on line 3); keep one of them",
        *(INVALID / "enum_value.expected").read_text(encoding="utf-8").splitlines()[1:],
        "empty.yaml: the file is empty; run 'auditkit init' for a template to fill in",
    ]


def test_a_folder_or_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    assert cli("validate", str(tmp_path)) == (
        2,
        "",
        f"{tmp_path}: this is a folder, not a file; give the path of a .yaml or .json file\n",
    )
    missing = tmp_path / "nope.yaml"
    assert cli("validate", str(missing)) == (2, "", f"{missing}: no such file; check the path and spelling\n")


def test_an_unreadable_file_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text(VALID, encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)  # chmod 000 means nothing to root, who may run the tests
    assert cli("validate", str(path)) == (2, "", f"{path}: auditkit may not read this file; check its permissions\n")


# --- inputs that must just work -------------------------------------------------------------------


def _load(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    assert cli("validate", str(path)) == (0, f"{path}: valid\n", "")
    return load_deployment(path).deployment


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    deployment = _load(tmp_path, "bom.yaml", codecs.BOM_UTF8 + VALID.encode())
    assert deployment.deployment.name == "Safe City"


def test_utf16_from_windows_notepad_is_fine(tmp_path: Path) -> None:
    deployment = _load(tmp_path, "utf16.yaml", VALID.encode("utf-16"))
    assert deployment.legality.published is not None and deployment.legality.published.value is True


def test_tab_indented_json_is_fine(tmp_path: Path) -> None:
    text = (
        '{\n\t"format_version": 2,\n\t"deployment": {\n\t\t"name": "Safe City"\n\t},\n\t"sources": [{"id": "s1",'
        ' "kind": "press", "publisher": "p", "title": "t", "date": "2020", "url": "https://example.org/s1"}],\n\t"legality": {"published": {"value": "no",'
        ' "sources": ["s1"]}}\n}\n'
    )
    deployment = _load(tmp_path, "tabs.json", text.encode())
    assert deployment.legality.published is not None and deployment.legality.published.value is False


def test_yaml_11_words_stay_text_in_text_fields_and_answer_yes_no_facts(tmp_path: Path) -> None:
    text = VALID.replace(
        "name: Safe City",
        "name: no\n  operator: on\n  period: 2019\n  technology: 1.50\n  auditor: true\n  hypothetical: no",
    )
    text += (
        "  competent_body: {value: no, sources: [decree-2019]}\n"
        "  names_technology: {value: Yes, sources: [decree-2019]}\n"
    )
    deployment = _load(tmp_path, "words.yaml", text.encode())
    about = deployment.deployment
    assert (about.name, about.operator, about.period, about.technology, about.auditor) == (
        "no",
        "on",
        "2019",
        "1.50",
        "true",
    )
    assert about.hypothetical is False
    assert deployment.legality.competent_body is not None and deployment.legality.competent_body.value is False
    assert deployment.legality.names_technology is not None and deployment.legality.names_technology.value is True


def test_quoted_numbers_and_unquoted_dates_are_text(tmp_path: Path) -> None:
    text = (
        VALID.replace("date: 2019-06-10", "date: 2019")
        + "retention:\n  max_days: {value: 30, sources: [decree-2019]}\n"
    )
    deployment = _load(tmp_path, "dates.yaml", text.encode())
    assert deployment.sources[0].date == "2019"
    assert deployment.retention.max_days is not None and deployment.retention.max_days.value == 30


# --- resource limits ---------------------------------------------------------------------------------


def _refused(raw: bytes, needle: str) -> float:
    """Seconds taken to refuse ``raw`` with a message containing ``needle``."""
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        parse_deployment(raw, "abuse.yaml")
    elapsed = time.perf_counter() - start
    assert needle in str(caught.value), str(caught.value)[:300]
    assert "\n" not in str(caught.value) or len(caught.value.problems) <= yamlio.MAX_PROBLEMS + 1
    return elapsed


def _bomb(levels: int) -> bytes:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


ABUSE = {
    "billion laughs": (_bomb(10), "expands to more than"),
    "flow nesting 500k deep": (b"x: " + b"[" * 500_000 + b"]" * 500_000, "nested too deeply"),
    "unclosed flow nesting": (b"x: " + b"{a: " * 400_000, "nested too deeply"),
    "block nesting": ("".join(" " * i + f"k{i}:\n" for i in range(1200)).encode(), "nested too deeply"),
    "block list nesting": ("".join(" " * i + "-\n" for i in range(1400)).encode(), "nested too deeply"),
    "JSON nesting": (b'{"a": ' * 250_000 + b"1" + b"}" * 250_000, "nested too deeply"),
    "alias nesting": (
        b"a: &a " + b"[" * 30 + b"1" + b"]" * 30 + b"\nb: " + b"[" * 30 + b"*a" + b"]" * 30,
        "nested too deeply",
    ),
    "file over the size cap": (b"format_version: 1\n# " + b"x" * yamlio.MAX_BYTES, "larger than"),
    "one huge string": (
        b"format_version: 1\ndeployment:\n  name: " + b"x" * (yamlio.MAX_BYTES - 100),
        "characters long, more than",
    ),
    "many keys": (b"".join(b"k%d: 1\n" % i for i in range(150_000))[: yamlio.MAX_BYTES], "keys and values"),
    "many list items": (b"a: [" + b"1," * 900_000 + b"]", "keys and values"),
    "a 100,000-digit number": (b"format_version: " + b"9" * 100_000, "format_version"),
    "many duplicate keys": (b"".join(b"k: %d\n" % i for i in range(15_000)), "only the first 100"),
    "many foreign tags": (
        b"".join(b"k%d: !!python/name:os.system x\n" % i for i in range(15_000)),
        "only the first 100",
    ),
}


@pytest.mark.parametrize("case", list(ABUSE))
def test_abusive_input_is_refused_quickly(case: str) -> None:
    raw, needle = ABUSE[case]
    assert len(raw) <= yamlio.MAX_BYTES + 100
    assert _refused(raw, needle) < 1.5


def test_limits_leave_room_for_real_files() -> None:
    """A generous real deployment (100 sources, long notes) is far inside every limit."""
    sources = "".join(
        f"  - {{id: s{i}, publisher: P, title: T {i}, date: '2020', url: 'https://example.org/{i}', "
        f"note: '{'n' * 2000}'}}\n"
        for i in range(100)
    )
    raw = (VALID.replace("sources:\n", "sources:\n" + sources)).encode()
    start = time.perf_counter()
    loaded = parse_deployment(raw, "big.yaml")
    assert len(loaded.deployment.sources) == 101
    assert time.perf_counter() - start < 1.0
    assert yamlio.MAX_DEPTH >= 20 and yamlio.MAX_NODES >= 10_000 and yamlio.MAX_SCALAR_CHARS >= 10_000


# --- safe loading only ---------------------------------------------------------------------------


def test_no_code_uses_an_unsafe_yaml_loader() -> None:
    src = Path(__file__).parents[1] / "src" / "auditkit"
    unsafe = re.compile(
        r"yaml\.(load|load_all|unsafe_load|full_load)\(|\b(Unsafe|Full)Loader\b|yaml\.Loader\b|"
        r"\bLoader=yaml\.Loader\b|yaml\.add_constructor|typ=.(unsafe|full|base)"
    )
    offenders = [
        f"{p}:{n}"
        for p in src.rglob("*.py")
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if unsafe.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['true']",
        "!!python/name:os.system",
        "!!python/object:builtins.dict {}",
        "!!binary aGVsbG8=",
        "!include x.yaml",
        "!!set {a, b}",
        "!!omap [a: 1]",
    ],
)
def test_tags_are_refused_with_a_location(tag: str) -> None:
    raw = f"format_version: 1\ndeployment:\n  name: x\n  operator: {tag}\n".encode()
    with pytest.raises(InputError) as caught:
        parse_deployment(raw, "tagged.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.path) == (4, 13, "deployment.operator")
    assert "is not allowed; remove it" in problem.message
