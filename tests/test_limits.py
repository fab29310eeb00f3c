"""Every limit in docs/limits.md at its edge: just under is accepted quickly, just over is refused quickly.

"Quickly" is the documented budget (5 s to validate, on a loaded two-core
machine); typical times are far below (docs/limits.md, benchmarks/run.py).
The inputs come from benchmarks/edges.py, which the benchmark times too.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

import pytest
from cli_support import cli

from auditkit import yamlio
from auditkit.errors import InputError
from auditkit.model.load import parse_deployment
from auditkit.rules import loader
from auditkit.rules.loader import _load

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import edges

BUDGET = 5.0  # seconds: docs/limits.md, "no input inside the limits takes more than 5 s to validate"
HEAD = "format_version: 1\ndeployment:\n  name: Edge\n"


def _timed(action):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        return action(), time.perf_counter() - start
    except InputError as exc:
        return exc, time.perf_counter() - start


def _accepted(raw: bytes) -> None:
    outcome, seconds = _timed(lambda: parse_deployment(raw, "edge.yaml"))
    assert not isinstance(outcome, InputError), str(outcome)[:300]
    assert seconds < BUDGET


def _refused(raw: bytes, message: str) -> None:
    outcome, seconds = _timed(lambda: parse_deployment(raw, "edge.yaml"))
    assert isinstance(outcome, InputError), "accepted"
    assert message in str(outcome), str(outcome)[:300]
    assert seconds < BUDGET


# --- deployment files ------------------------------------------------------------------------------------


def test_file_size_edge() -> None:
    body = HEAD.encode()
    pad = yamlio.MAX_BYTES - len(body) - 3
    _accepted(body + b"# " + b"x" * pad + b"\n")
    _refused(body + b"# " + b"x" * (pad + 1) + b"\n", "the file is larger than 2 MiB")


def test_file_size_edge_on_disk(tmp_path: Path) -> None:
    """A file is read whole up to the cap and refused one byte past it, as the bytes above are."""
    body = HEAD.encode()
    at_cap = body + b"# " + b"x" * (yamlio.MAX_BYTES - len(body) - 3) + b"\n"
    path = tmp_path / "edge.yaml"
    path.write_bytes(at_cap)
    assert yamlio.read_file(path).text == at_cap
    path.write_bytes(at_cap + b"\n")
    with pytest.raises(InputError, match="the file is larger than 2 MiB"):
        yamlio.read_file(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX thing")
@pytest.mark.parametrize("extra", [0, yamlio.MAX_BYTES])
def test_a_pipe_is_read_whole_up_to_the_cap(tmp_path: Path, extra: int) -> None:
    """A pipe has no size to go by: it is read on until it ends, or one byte past the cap."""
    import threading

    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    text = HEAD.encode() + b"# " + b"x" * extra + b"\n"

    def write() -> None:
        with contextlib.suppress(BrokenPipeError):  # the reader stops one byte past the cap
            fifo.write_bytes(text)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        outcome: yamlio.Loaded | InputError = yamlio.read_file(fifo)
    except InputError as exc:
        outcome = exc
    writer.join()
    if extra:
        assert isinstance(outcome, InputError) and "larger than 2 MiB" in str(outcome)
    else:
        assert isinstance(outcome, yamlio.Loaded) and outcome.text == text


def test_a_file_that_grew_since_its_size_was_taken_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    path = tmp_path / "grown.yaml"
    path.write_bytes(HEAD.encode() + b"  description: " + b"x" * 5000 + b"\n")
    fstat = os.fstat
    monkeypatch.setattr(yamlio.os, "fstat", lambda fd: SimpleNamespace(st_size=fstat(fd).st_size // 3))
    assert yamlio.read_file(path).text == path.read_bytes()


def test_text_length_edge() -> None:
    _accepted((HEAD + f"  description: {'x' * yamlio.MAX_SCALAR_CHARS}\n").encode())
    _refused(
        (HEAD + f"  description: {'x' * (yamlio.MAX_SCALAR_CHARS + 1)}\n").encode(),
        f"this text is {yamlio.MAX_SCALAR_CHARS + 1} characters long, more than the 20000 allowed",
    )


def test_nesting_edge() -> None:
    def nested(depth: int) -> bytes:  # the note is a list nested inside the top mapping: depth counts both
        return (HEAD + "  description: " + "[" * (depth - 1) + "x" + "]" * (depth - 1) + "\n").encode()

    _refused(nested(yamlio.MAX_DEPTH + 1), f"nested too deeply (more than {yamlio.MAX_DEPTH} levels")
    outcome, seconds = _timed(lambda: parse_deployment(nested(yamlio.MAX_DEPTH - 1), "edge.yaml"))
    assert "nested too deeply" not in str(outcome) and seconds < BUDGET  # read; the model then wants text


def test_value_count_edge() -> None:
    per = 8  # values of one source entry (the entry, four keys' values and their keys, counted by the pre-scan)
    sources = "".join(
        f"  - {{id: s{i}, publisher: P, title: T, date: '2020'}}\n" for i in range(yamlio.MAX_NODES // per)
    )
    raw = (HEAD + "sources:\n" + sources + "retention:\n  max_days: {value: 4, sources: [s0]}\n").encode()
    _accepted(raw)
    over = sources + "".join(
        f"  - {{id: t{i}, publisher: P, title: T, date: '2020'}}\n" for i in range(yamlio.MAX_NODES // per + 10)
    )
    _refused((HEAD + "sources:\n" + over).encode(), "keys and values")


def test_problem_cap_edge() -> None:
    def bad_sources(count: int) -> bytes:
        return (
            HEAD
            + "sources:\n"
            + "".join(f"  - {{id: s{i}, publisher: P, title: T, date: 'x'}}\n" for i in range(count))
        ).encode()

    with pytest.raises(InputError) as exactly:
        parse_deployment(bad_sources(yamlio.MAX_PROBLEMS), "edge.yaml")
    assert len(exactly.value.problems) == yamlio.MAX_PROBLEMS
    with pytest.raises(InputError) as over:
        parse_deployment(bad_sources(yamlio.MAX_PROBLEMS + 1), "edge.yaml")
    assert len(over.value.problems) == yamlio.MAX_PROBLEMS + 1
    assert over.value.problems[-1].message == (
        "more problems follow but only the first 100 are listed; fix these, then run again"
    )


def test_undeclared_citations_at_the_value_limit_are_quick() -> None:
    """Finding 4: 'did you mean' over thousands of ids was quadratic (1,500 ids and 3,000 citations: 121 s)."""
    for declared, bad in ((1500, 3000), (2000, 8000), (50, 15000)):
        _refused(edges.undeclared_citations(declared, bad), "(did you mean 'source-number-0'?)")


def test_the_heaviest_valid_deployments_validate_quickly() -> None:
    _accepted(edges.largest_deployment())
    _accepted(edges.long_notes(8))


# --- rule packs ----------------------------------------------------------------------------------------------


def _pack_refused(folder: Path, message: str) -> None:
    outcome, seconds = _timed(lambda: _load(folder))
    assert isinstance(outcome, InputError), "accepted"
    assert [str(p) for p in outcome.problems] == [message]
    assert seconds < BUDGET


def _pack_accepted(folder: Path, rules: int) -> None:
    outcome, seconds = _timed(lambda: _load(folder))
    assert not isinstance(outcome, InputError), str(outcome)[:300]
    assert len(outcome.rules) == rules and seconds < BUDGET


def test_rule_file_count_edge(tmp_path: Path) -> None:
    folder = edges.pack_at_file_limit(tmp_path)
    _pack_accepted(folder, loader.MAX_RULE_FILES)
    (folder / "rules" / "one-more.yaml").write_text(
        (folder / "rules" / "M1-01.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    _pack_refused(
        folder, f"{folder}: more than {loader.MAX_RULE_FILES} rule files; a rule pack holds at most that many"
    )


def test_conditions_edge(tmp_path: Path) -> None:
    folder = edges.pack_at_condition_limit(tmp_path)
    count = len(list((folder / "rules").iterdir()))
    _pack_accepted(folder, count)
    edges.pack(tmp_path, count + 1, conditions=loader.MAX_RULE_CONDITIONS, name="edge-conditions-over")
    over = tmp_path / "edge-conditions-over"
    last = max((over / "rules").iterdir())
    _pack_refused(
        over,
        f"{last}: the rule pack has more than {loader.MAX_PACK_CONDITIONS} conditions in all, with "
        "this file; split it into several packs",
    )


def test_conditions_in_one_rule_edge(tmp_path: Path) -> None:
    _pack_accepted(edges.pack(tmp_path, 5, conditions=loader.MAX_RULE_CONDITIONS, name="one"), 5)
    over = edges.pack(tmp_path, 5, conditions=loader.MAX_RULE_CONDITIONS + 1, name="two")
    _pack_refused(
        over,
        f"{over}/rules/X0000.yaml:8:1: met_when: this rule has {loader.MAX_RULE_CONDITIONS + 1} "
        f"conditions, more than the {loader.MAX_RULE_CONDITIONS} allowed; split it into several "
        "rules",
    )


def test_cases_in_one_rule_edge(tmp_path: Path) -> None:
    def with_cases(name: str, count: int) -> Path:
        folder = edges.pack(tmp_path, 4, name=name)
        rule = folder / "rules" / "M1-02.yaml"
        text = rule.read_text(encoding="utf-8")
        case = text[text.index("  - {name") :].splitlines()[0]
        rule.write_text(
            text
            + "".join(case.replace("{name: ", f"{{name: n{i} ") + "\n" for i in range(count - text.count("  - {name"))),
            encoding="utf-8",
        )
        return folder

    _pack_accepted(with_cases("fifty", loader.MAX_RULE_CASES), 4)
    over = with_cases("fifty-one", loader.MAX_RULE_CASES + 1)
    rule = over / "rules" / "M1-02.yaml"
    line = rule.read_text(encoding="utf-8").splitlines().index("cases:") + 1
    _pack_refused(
        over,
        f"{rule}:{line}:1: cases: this rule has {loader.MAX_RULE_CASES + 1} test cases, more than "
        f"the {loader.MAX_RULE_CASES} allowed; keep the ones that show something new",
    )


def test_pack_bytes_edge(tmp_path: Path) -> None:
    under = edges.pack(tmp_path, loader.MAX_RULE_FILES, rationale=10_000, name="under")
    files = sorted(under.rglob("*.yaml"))
    room = loader.MAX_PACK_BYTES - sum(p.stat().st_size for p in files)
    for i, path in enumerate(files):  # the rest as comments, shared out
        share = room // len(files) + (room % len(files) if i == 0 else 0)
        path.write_text(path.read_text(encoding="utf-8") + "#" * (share - 1) + "\n", encoding="utf-8")
    rule = under / "rules" / "M1-01.yaml"
    assert sum(p.stat().st_size for p in under.rglob("*.yaml")) == loader.MAX_PACK_BYTES
    _pack_accepted(under, loader.MAX_RULE_FILES)
    rule.write_text(rule.read_text(encoding="utf-8") + "#\n", encoding="utf-8")
    outcome, seconds = _timed(lambda: _load(under))
    assert isinstance(outcome, InputError) and seconds < BUDGET
    assert str(outcome.problems[0]).endswith(
        ": the rule pack is larger than 4 MiB in all, with this file; a pack "
        "of hundreds of rules is far smaller, so this is probably not a rule "
        "pack"
    )


def test_pack_values_edge(tmp_path: Path) -> None:
    folder = edges.pack(tmp_path, 4, name="values")
    rules = [folder / "rules" / "M1-01.yaml", folder / "rules" / "M2-01.yaml"]
    texts = [rule.read_text(encoding="utf-8") for rule in rules]
    base = sum(loader._count(yamlio.read_file(p).data) for p in folder.rglob("*.yaml"))
    room = loader.MAX_PACK_VALUES - base

    def fill(extra: int) -> None:  # each reference {instrument: ref, legal_order: eu} is five values: the map,
        # two keys and their texts
        for rule, text, share in zip(rules, texts, (room // 10, room // 5 - room // 10 + extra), strict=True):
            refs = ", ".join(["{instrument: ref, legal_order: eu}"] * share)
            old = "references: [{instrument: auditkit tests, legal_order: civil_society}]"
            assert old in text
            rule.write_text(
                text.replace(old, f"references: [{{instrument: auditkit tests, legal_order: civil_society}}, {refs}]"),
                encoding="utf-8",
            )

    fill(-1)
    assert sum(loader._count(yamlio.read_file(p).data) for p in folder.rglob("*.yaml")) <= loader.MAX_PACK_VALUES
    _pack_accepted(folder, 4)
    fill(1)
    outcome, seconds = _timed(lambda: _load(folder))
    assert isinstance(outcome, InputError) and seconds < BUDGET
    assert [p.message for p in outcome.problems] == [
        (
            f"the rule pack holds more than {loader.MAX_PACK_VALUES} keys and values in all, with this file; a pack of "
            "hundreds of rules has far fewer"
        )
    ]


def test_pack_errors_are_capped_at_100_per_file(tmp_path: Path) -> None:
    """Finding 7: one rule file with 3,000 bad cases printed 12,000 lines."""
    folder = edges.pack(tmp_path, 4, name="capped")
    rule = folder / "rules" / "M1-01.yaml"
    text = rule.read_text(encoding="utf-8").replace(
        "cases:\n",
        "cases:\n"
        + "".join(
            f"  - {{name: bad {i}, facts: {{retention.max_dais: 1, scope.scaning: 2, legality.publish: 3}}, expect: met}}\n"
            for i in range(loader.MAX_RULE_CASES - 2)
        ),
    )
    rule.write_text(text, encoding="utf-8")
    outcome, seconds = _timed(lambda: _load(folder))
    assert isinstance(outcome, InputError) and seconds < BUDGET
    lines = [str(p) for p in outcome.problems]
    assert len(lines) == 101 and lines[-1] == (
        f"{rule}: more problems follow but only the first 100 are listed; fix these, then run again"
    )
    assert "test cases, more than" not in lines[0]


def test_grade_thresholds_must_go_down(tmp_path: Path) -> None:
    """Finding 8: grades {F: 50, A: 90} loaded, so a score of 100 got F."""
    folder = edges.pack(tmp_path, 4, name="grades")
    manifest = folder / "framework.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("grades: {A: 85, B: 70, C: 55, D: 40}", "grades: {F: 50, A: 90}"),
        encoding="utf-8",
    )
    code, out, err = cli("principles", "--check", "-f", str(folder))
    assert (code, out) == (2, "")
    assert err == (
        f"{manifest}:9:19: scoring.grades.A: grade 'A' comes after 'F' but its threshold 90 is not "
        "below 50; list grades from best to worst, each with a lower threshold than the one before\n"
    )


def test_every_limit_is_documented_with_its_value() -> None:
    from auditkit import dates
    from auditkit.render import view

    page = (Path(__file__).resolve().parents[1] / "docs" / "limits.md").read_text(encoding="utf-8")
    rows = {
        "MAX_BYTES": "2 MiB",
        "MAX_NODES": f"{yamlio.MAX_NODES:,}",
        "MAX_DEPTH": f"{yamlio.MAX_DEPTH} levels",
        "MAX_SCALAR_CHARS": f"{yamlio.MAX_SCALAR_CHARS:,} characters",
        "MAX_PROBLEMS": str(yamlio.MAX_PROBLEMS),
        "MAX_RULE_FILES": str(loader.MAX_RULE_FILES),
        "MAX_RULE_DEPTH": f"{loader.MAX_RULE_DEPTH} levels",
        "MAX_PACK_BYTES": f"{loader.MAX_PACK_BYTES // 1024 // 1024} MiB",
        "MAX_PACK_VALUES": f"{loader.MAX_PACK_VALUES:,}",
        "MAX_RULE_CONDITIONS": str(loader.MAX_RULE_CONDITIONS),
        "MAX_PACK_CONDITIONS": f"{loader.MAX_PACK_CONDITIONS:,}",
        "MAX_RULE_CASES": str(loader.MAX_RULE_CASES),
        "REPORT_SOURCES": str(view.REPORT_SOURCES),
        "REPORT_REFS": str(view.REPORT_REFS),
        "REPORT_NOTE": f"{view.REPORT_NOTE:,} characters",
        "REPORT_TEXT": f"{view.REPORT_TEXT} characters",
        "REPORT_RULE_TEXT": f"{view.REPORT_RULE_TEXT} characters",
        "REPORT_REFERENCES": str(view.REPORT_REFERENCES),
    }
    for name, value in rows.items():
        row = next((line for line in page.splitlines() if f"(`{name}`)" in line), "")
        assert f"| {value}" in row, (name, value, row)
    assert f"{dates.MIN_YEAR}-01-01 to {dates.MAX_YEAR}-12-31" in page
    assert yamlio.MAX_BYTES == 2 * 1024 * 1024
