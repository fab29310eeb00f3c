"""A bounded fuzz run of the reader and validator: only InputError may ever escape.

Random bytes, random text, and valid files mutated the way hands and broken
editors mutate them (characters that mean something in YAML, lost or extra
indentation, cut lines). Each input must be accepted or refused with an
InputError whose lines are printable, within the per-example deadline.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.errors import InputError
from auditkit.model.load import parse_deployment
from auditkit.rules.loader import _load
from auditkit.template import template

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import fuzz

FUZZ = settings(
    max_examples=300,
    derandomize=True,
    deadline=1000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MINI = Path(__file__).parent / "fixtures" / "frameworks" / "mini"
FILLED = """\
format_version: 1
deployment:
  name: "Moscow \\"Safe City\\""
  period: 2019
  hypothetical: no
sources:
  - {id: decree-2019, publisher: City, title: Decree 410, date: 2019-06-10, url: 'https://example.org/a'}
  - id: novaya
    publisher: Novaya Gazeta
    title: |
      An article
      on two lines
    date: "2020"
legality:
  published: {value: yes, sources: [decree-2019], note: 'read from p. 3'}
  instrument_type: {value: government_decree, sources: [decree-2019, novaya]}
retention:
  max_days: {value: 30, sources: [novaya]}
scope:
  scanning: undisclosed
  camera_count: unknown
"""
SEEDS = [
    FILLED,
    template(),
    (
        '{"format_version": 1, "deployment": {"name": "x"}, "legality": {"published": '
        '{"value": "no", "sources": ["a"]}}, "sources": [{"id": "a", "publisher": "p", "title": "t", "date": "2020"}]}'
    ),
]
YAML_BITS = st.sampled_from(fuzz.YAML_BITS)


def check(raw: bytes) -> None:
    """Parse and validate; anything but InputError is a bug, and messages must be one printable line each."""
    try:
        parse_deployment(raw, "fuzz.yaml")
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            line = str(problem)
            assert line.startswith("fuzz.yaml") and "Traceback" not in line
            assert all(ch.isprintable() for ch in problem.path), line


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "cut-line", "indent", "dedent", "repeat-line"]))
        lines = text.split("\n")
        row = min(text.count("\n", 0, at), len(lines) - 1)
        if kind == "insert":
            text = text[:at] + draw(YAML_BITS) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=12)) :]
        elif kind == "cut-line":
            lines[row] = lines[row][: draw(st.integers(min_value=0, max_value=len(lines[row])))]
            text = "\n".join(lines)
        elif kind == "indent":
            lines[row] = " " * draw(st.integers(min_value=1, max_value=5)) + lines[row]
            text = "\n".join(lines)
        elif kind == "dedent":
            lines[row] = lines[row].lstrip()
            text = "\n".join(lines)
        else:
            lines.insert(row, lines[row])
            text = "\n".join(lines)
    return text


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes(raw: bytes) -> None:
    check(raw)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text(text: str) -> None:
    check(text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(mutated())
def test_mutated_valid_files(text: str) -> None:
    check(text.encode("utf-8", errors="surrogatepass"))


@FUZZ
@given(st.lists(YAML_BITS | st.text(max_size=5), max_size=200))
def test_yaml_punctuation_soup(parts: list[str]) -> None:
    check("".join(parts).encode("utf-8", errors="surrogatepass"))


RULE_EDITS = st.tuples(
    st.sampled_from(sorted(p.name for p in (MINI / "rules").iterdir())),
    st.lists(YAML_BITS, min_size=1, max_size=4),
    st.integers(min_value=0, max_value=600),
)


@settings(max_examples=80, derandomize=True, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(edit=RULE_EDITS)
def test_mutated_rule_files_in_a_pack(
    edit: tuple[str, list[str], int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    name, bits, at = edit
    pack = tmp_path_factory.mktemp("pack")
    shutil.copytree(MINI, pack, dirs_exist_ok=True)
    rule = pack / "rules" / name
    original = rule.read_text(encoding="utf-8")
    rule.write_bytes((original[:at] + "".join(bits) + original[at:]).encode("utf-8", errors="surrogatepass"))
    try:
        _load(pack)  # uncached: every example reads its own files
    except InputError as exc:
        assert exc.problems and all(str(p).startswith(str(pack)) for p in exc.problems)


def test_structure_aware_fuzz_run_of_examples_and_packs() -> None:
    """A bounded run of benchmarks/fuzz.py (the long run is documented in docs/limits.md).

    Mutated case studies and rule packs go through validate, audit in four formats and principles --check;
    the exit code is 0, 1 or 2 only.
    """
    summary = fuzz.run(seconds=None, count=160, seed=20260101)
    assert summary["failures"] == []
    assert summary["inputs"] == 160 and summary["packs"] > 20 and summary["deployments"] > 100
    assert set(summary["exits_by_code"]) <= {0, 1, 2} and summary["first_command_exits"].get(0, 0) > 10
    assert summary["first_command_exits"].get(2, 0) > 50
