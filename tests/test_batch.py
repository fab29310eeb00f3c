"""Several programmes at once: broken files, the league table in every format, CSV, progress and --jobs."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import MINI, cli

from auditkit.batch import csv_cell
from auditkit.cli import main

BASE = """\
format_version: 2
deployment:
  name: {name}
sources:
  - {{id: council-2024, kind: official_record, publisher: Riverside Council, title: Camera pilot decision, date: 2024-03, url: 'https://example.org/council-2024'}}
retention:
  max_days: {{value: {days}, sources: [council-2024]}}
  sunset_clause: {{value: yes, sources: [council-2024]}}
scope:
  scanning: {{value: {scanning}, sources: [council-2024]}}
"""


def write(folder: Path, stem: str, name: str, days: int = 30, scanning: str = "targeted") -> Path:
    path = folder / f"{stem}.yaml"
    path.write_text(BASE.format(name=name, days=days, scanning=scanning), encoding="utf-8")
    return path


@pytest.fixture()
def programmes(tmp_path: Path) -> list[Path]:
    """Three valid programmes: a good one, a mass-surveillance one (red line M2-01) and a middling one."""
    return [
        write(tmp_path, "alpha", "Alpha pilot", days=30),
        write(tmp_path, "bravo", "Bravo network", days=400, scanning="untargeted"),
        write(tmp_path, "charlie", "Charlie trial", days=400),
    ]


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "format_version: 1\ndeployment:\n  name: Broken\nretention:\n  max_days: {value: lots}\n", encoding="utf-8"
    )
    return path


def test_a_broken_file_does_not_stop_the_others(programmes: list[Path], broken: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.json"
    code, out, err = cli("audit", str(programmes[0]), str(broken), str(programmes[1]), "-f", MINI, "-o", str(target))
    assert (code, out) == (2, "")
    names = [r["deployment"]["name"] for r in json.loads(target.read_text(encoding="utf-8"))["results"]]
    assert names == ["Alpha pilot", "Bravo network"]
    lines = err.splitlines()
    assert lines[0] == f"wrote {target}"
    assert all(line.startswith(f"{broken}:5:") for line in lines[1:-1]) and len(lines) > 2
    assert lines[-1] == (
        f"auditkit: 1 of 3 files not audited because of the problems above: {broken}; the other 2 were audited"
    )


def test_only_broken_files_write_nothing(broken: Path, tmp_path: Path) -> None:
    second = tmp_path / "second.yaml"
    second.write_text("format_version: 1\n", encoding="utf-8")
    target = tmp_path / "all.json"
    code, out, err = cli("audit", str(broken), str(second), "-f", MINI, "-o", str(target))
    assert (code, out) == (2, "")
    assert not target.exists()
    assert str(broken) in err and str(second) in err and "wrote" not in err


def test_league_table_sorts_by_the_chosen_column(programmes: list[Path]) -> None:
    def order(*args: str) -> list[str]:
        code, out, err = cli("audit", *map(str, programmes), "-f", MINI, *args)
        assert (code, err) == (0, "")
        return [line.split("  ")[0] for line in out.splitlines()[2:5]]

    assert order("--sort", "file") == ["Alpha pilot", "Bravo network", "Charlie trial"]
    assert order() == ["Alpha pilot", "Charlie trial", "Bravo network"]  # grade, best first
    assert order("--sort=-score") == ["Bravo network", "Charlie trial", "Alpha pilot"]
    assert order("--sort", "name") == ["Alpha pilot", "Bravo network", "Charlie trial"]
    assert order("--sort", "M1")[0] == "Alpha pilot" and order("--sort=-M1")[0] != "Alpha pilot"
    assert order("--sort", "red-lines")[-1] == "Bravo network"


def test_league_table_has_grades_verdicts_coverage_and_red_lines(programmes: list[Path]) -> None:
    _, out, _ = cli("audit", *map(str, programmes), "-f", MINI, "--sort", "file")
    head, alpha, bravo = out.splitlines()[1:4]
    assert head.split() == ["Programme", "Grade", "Score", "M1", "M2", "Decided", "Red", "lines"]
    # No file says whether de-identification is claimed, so M2-02 (weight 1) may apply and fail: Alpha's M2 is
    # 75-100 (could still be met), overall 87.5-100, graded A at both ends.
    assert alpha.split()[2:] == ["A", "87.5-100", "met", "?", "86%", "-"]
    assert bravo.split()[2:5] == ["F", "16.7-29.2", "NOT"] and bravo.endswith("M2-01")


def test_an_unknown_sort_column_is_refused(programmes: list[Path]) -> None:
    code, out, err = cli("audit", *map(str, programmes), "-f", MINI, "--sort", "colour")
    assert (code, out) == (2, "")
    assert err.startswith("--sort: 'colour' is not a column; sort by one of: file, name, grade")
    code, _, err = cli("audit", *map(str, programmes), "-f", MINI, "--sort", "M7")
    assert code == 2 and "M1, M2" in err


def test_csv_programmes_and_findings_read_back(programmes: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "league.csv"
    code, out, err = cli("audit", *map(str, programmes), "-f", MINI, "-o", str(target), "--sort", "file")
    assert (code, out) == (0, "")
    findings = tmp_path / "league-findings.csv"
    assert err == f"wrote {target}\nwrote {findings}\n"
    with target.open(newline="", encoding="utf-8") as stream:
        table = list(csv.DictReader(stream))
    assert [r["programme"] for r in table] == ["Alpha pilot", "Bravo network", "Charlie trial"]
    assert table[1] == {
        "file": str(programmes[1]),
        "programme": "Bravo network",
        "hypothetical": "no",
        "grade": "F",
        "grade_worst": "F",
        "grade_best": "F",
        "score_low": "16.7",
        "score_high": "29.2",
        "decided": "0.8571",
        "red_lines": "M2-01",
        "M1": "not_met",
        "M2": "not_met",
    }
    with findings.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 3 * 4  # one row per programme and rule
    row = next(r for r in rows if r["programme"] == "Bravo network" and r["rule"] == "M2-01")
    assert (row["status"], row["red_line"], row["facts"], row["sources"]) == (
        "not_met",
        "yes",
        "scope.scanning=untargeted",
        "council-2024",
    )


def test_csv_to_stdout_and_to_a_folder(programmes: list[Path], tmp_path: Path) -> None:
    code, out, _ = cli("audit", str(programmes[0]), "-f", MINI, "--format", "csv")
    assert code == 0 and [r[1] for r in csv.reader(io.StringIO(out))] == ["programme", "Alpha pilot"]
    folder = tmp_path / "out"
    folder.mkdir()
    assert cli("audit", *map(str, programmes), "-f", MINI, "--format", "csv", "-o", str(folder))[0] == 0
    assert sorted(p.name for p in folder.iterdir()) == ["findings.csv", "programmes.csv"]


def test_csv_cells_never_become_formulas(tmp_path: Path) -> None:
    assert [csv_cell(v) for v in ("=1+1", "+x", "-x", "@x", "plain", 3, None)] == [
        "'=1+1",
        "'+x",
        "'-x",
        "'@x",
        "plain",
        "3",
        "",
    ]
    path = write(tmp_path, "evil", '"=HYPERLINK(\\"http://example.org\\")"')
    _, out, _ = cli("audit", str(path), "-f", MINI, "--format", "csv")
    assert list(csv.reader(io.StringIO(out)))[1][1] == '\'=HYPERLINK("http://example.org")'


@pytest.mark.parametrize(("fmt", "index"), [("md", "index.md"), ("html", "index.html")])
def test_reports_to_a_folder_come_with_an_index_page(
    programmes: list[Path], tmp_path: Path, fmt: str, index: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    code, _, err = cli("audit", *map(str, programmes), "-f", MINI, "--format", fmt, "-o", str(folder))
    assert code == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"alpha.{fmt}", f"bravo.{fmt}", f"charlie.{fmt}", index])
    assert err.splitlines()[-1] == f"wrote {folder / index}"
    page = (folder / index).read_text(encoding="utf-8")
    for stem, name in (("alpha", "Alpha pilot"), ("bravo", "Bravo network"), ("charlie", "Charlie trial")):
        link = f"[{name}](<{stem}.md>)" if fmt == "md" else f'<a href="{stem}.html">{name}</a>'
        assert link in page
    assert page.index("Alpha pilot") < page.index("Charlie trial") < page.index("Bravo network")
    assert "M2-01" in page


def test_a_programme_called_index_is_refused(programmes: list[Path], tmp_path: Path) -> None:
    other = write(tmp_path, "index", "Index programme")
    folder = tmp_path / "out"
    folder.mkdir()
    code, _, err = cli("audit", str(programmes[0]), str(other), "-f", MINI, "--format", "html", "-o", str(folder))
    assert code == 2 and "would replace the index page index.html" in err
    assert list(folder.iterdir()) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_on_a_terminal_only(programmes: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    out, err = io.StringIO(), _Terminal()
    assert main(["audit", *map(str, programmes), "-f", MINI], stdout=out, stderr=err) == 0
    assert "auditing:" in err.getvalue() and "/3 [" in err.getvalue()
    assert "League table" in out.getvalue() and "auditing" not in out.getvalue()
    monkeypatch.setenv("CI", "true")  # a CI log is not a terminal worth drawing on, even through a pseudo-tty
    err = _Terminal()
    assert main(["audit", *map(str, programmes), "-f", MINI], stdout=io.StringIO(), stderr=err) == 0
    assert err.getvalue() == ""
    assert cli("audit", *map(str, programmes), "-f", MINI)[2] == ""  # not a terminal: nothing


def test_pdfs_in_parallel_are_the_same_bytes_in_input_order(programmes: list[Path], tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    assert cli("audit", *map(str, programmes), "-f", MINI, "--format", "pdf", "-o", str(one), "--jobs", "1")[0] == 0
    code, _, err = cli("audit", *map(str, programmes), "-f", MINI, "-o", str(two), "--format", "pdf", "--jobs", "2")
    assert code == 0
    assert [line.rsplit("/", 1)[-1] for line in err.splitlines()] == [
        "alpha.pdf",
        "bravo.pdf",
        "charlie.pdf",
        "index.html",
    ]
    for name in ("alpha.pdf", "bravo.pdf", "charlie.pdf", "index.html"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    from pypdf import PdfReader

    assert "Bravo network" in PdfReader(two / "bravo.pdf").pages[0].extract_text()


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(value: str) -> None:
    code, _, err = cli("audit", "--jobs", value)
    assert code == 2
    assert err == (
        f"auditkit: Invalid value for '--jobs': '{value}' is not a number of processes; give 1 or more. "
        "See 'auditkit audit --help'.\n"
    )


def test_a_large_json_batch_in_worker_processes_is_the_same_document(tmp_path: Path, broken: Path) -> None:
    """16 files or more to JSON are audited in worker processes; the document is the one serial auditing gives."""
    paths = [
        write(tmp_path, f"p{i:02d}", f"Programme {i}", days=10 * i, scanning="targeted" if i % 3 else "untargeted")
        for i in range(18)
    ]
    serial, parallel = tmp_path / "serial.json", tmp_path / "parallel.json"
    assert cli("audit", *map(str, paths), "-f", MINI, "-o", str(serial), "--jobs", "1")[0] == 0
    code, out, err = cli("audit", *map(str, paths), "-f", MINI, "-o", str(parallel), "--jobs", "2")
    assert (code, out, err) == (0, "", f"wrote {parallel}\n")
    assert parallel.read_bytes() == serial.read_bytes()
    from auditkit.batch import join_json
    from auditkit.render.jsonout import dumps

    document = json.loads(serial.read_text(encoding="utf-8"))
    assert join_json([dumps(r) for r in document["results"]]) == dumps(document)
    assert [r["deployment"]["name"] for r in document["results"]] == [f"Programme {i}" for i in range(18)]
    # a broken file among them: the others are written, its problems printed, exit 2
    code, _, err = cli(
        "audit", *map(str, paths[:9]), str(broken), *map(str, paths[9:]), "-f", MINI, "-o", str(parallel), "--jobs", "2"
    )
    assert code == 2
    assert parallel.read_bytes() == serial.read_bytes()
    assert err.splitlines()[-1].startswith(
        f"auditkit: 1 of 19 files not audited because of the problems above: {broken}"
    )
    assert cli("audit", *map(str, paths), "-f", MINI, "--format", "json", "--fail-under", "90")[0] == 1


def test_a_large_json_batch_keeps_the_evidence_level_warnings_and_strict(tmp_path: Path) -> None:
    """In worker processes as one after the other.

    --evidence decides the same rules, the files' own warnings are printed the same, and --strict refuses the
    batch the same way.
    """
    paths = []
    for i in range(17):
        path = write(tmp_path, f"p{i:02d}", f"Programme {i}", days=10 * i)
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            "sources:\n", "sources:\n  - {id: blog, publisher: A blog, title: A post, date: 2024}\n", 1
        ).replace(
            "max_days: {value: " + str(10 * i) + ", sources: [council-2024]}",
            f"max_days: {{value: {i}, sources: [blog]}}",
        )
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    for evidence in ("established", "reported"):
        serial, parallel = tmp_path / f"serial-{evidence}.json", tmp_path / f"parallel-{evidence}.json"
        args = ("audit", *map(str, paths), "-f", MINI, "--evidence", evidence)
        one = cli(*args, "-o", str(serial), "--jobs", "1")
        two = cli(*args, "-o", str(parallel), "--jobs", "2")
        assert one[0] == two[0] == 0
        assert two[2] == one[2].replace(str(serial), str(parallel))
        assert "this source has no url or archive" in two[2] and len(two[2].splitlines()) == 2 * 17 + 1
        assert parallel.read_bytes() == serial.read_bytes()
        statuses = {
            f["status"]
            for r in json.loads(parallel.read_text())["results"]
            for f in r["findings"]
            if f["rule"] == "M1-01"
        }
        assert statuses == ({"unknown"} if evidence == "established" else {"met"})
    one = cli("audit", *map(str, paths), "-f", MINI, "--strict", "-o", str(tmp_path / "a.json"), "--jobs", "1")
    two = cli("audit", *map(str, paths), "-f", MINI, "--strict", "-o", str(tmp_path / "b.json"), "--jobs", "2")
    assert one == two and one[0] == 2 and "no url or archive" in one[2]
    assert not (tmp_path / "a.json").exists() and not (tmp_path / "b.json").exists()
    assert not list(tmp_path.glob(".*.part"))  # what was written while the workers went on is removed


# --- the JSON batch's worker processes ------------------------------------------------------------------------


@pytest.fixture()
def many(tmp_path: Path) -> list[Path]:
    """Eighteen valid programmes, enough for the JSON batch to use worker processes."""
    return [write(tmp_path, f"p{i:02d}", f"Programme {i}", days=10 * i) for i in range(18)]


def _no_children_left() -> bool:
    import os

    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_workers_taking_several_files_at_a_time_give_the_same_document(
    many: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit import batch

    serial = tmp_path / "serial.json"
    assert cli("audit", *map(str, many), "-f", MINI, "-o", str(serial), "--jobs", "1")[0] == 0
    monkeypatch.setattr(batch, "_MAX_TASKS", 4)  # 18 files: task numbers 0, 5, 10, 15, five files each
    parallel = tmp_path / "parallel.json"
    assert cli("audit", *map(str, many), "-f", MINI, "-o", str(parallel), "--jobs", "3") == (
        0,
        "",
        f"wrote {parallel}\n",
    )
    assert parallel.read_bytes() == serial.read_bytes()
    assert _no_children_left()


def test_a_parallel_batch_to_standard_output_is_the_same_document(many: list[Path], tmp_path: Path) -> None:
    serial = tmp_path / "serial.json"
    assert cli("audit", *map(str, many), "-f", MINI, "-o", str(serial), "--jobs", "1")[0] == 0
    code, out, err = cli("audit", *map(str, many), "-f", MINI, "--format", "json", "--jobs", "2")
    assert (code, err) == (0, "")
    assert out.encode("utf-8") == serial.read_bytes()


def _batch_with_a_file_that(
    fails: Callable[[], None], stem: str, many: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """Run the parallel JSON batch of ``many`` with ``fails()`` called in the worker that takes ``stem``."""
    from auditkit import batch

    real = batch._audit_json

    def audit_json(job: tuple[str, str]) -> batch.JsonItem:
        if Path(job[0]).stem == stem:
            fails()
        return real(job)

    monkeypatch.setattr(batch, "_audit_json", audit_json)  # the workers are forked with it
    target = tmp_path / "out.json"
    result = cli("audit", *map(str, many), "-f", MINI, "-o", str(target), "--jobs", "2")
    assert not target.exists() and not list(tmp_path.glob(".*.part"))
    assert _no_children_left()
    return result


def test_an_error_in_a_worker_is_an_internal_error_and_writes_nothing(
    many: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in serial auditing: one line naming the error, exit 3."""

    def fails() -> None:
        raise ValueError("the engine tripped over p07")

    assert _batch_with_a_file_that(fails, "p07", many, tmp_path, monkeypatch) == (
        3,
        "",
        "auditkit: internal error (ValueError: the engine tripped over p07); please report it with the input file\n",
    )


def test_a_worker_that_dies_is_an_internal_error_and_writes_nothing(
    many: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    code, out, err = _batch_with_a_file_that(lambda: os._exit(9), "p11", many, tmp_path, monkeypatch)  # as if killed
    assert (code, out) == (3, "")
    # Which file the parent misses first depends on timing: p11, or one the dead worker held, not yet written.
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].endswith("); please report it with the input file")
    assert re.fullmatch(
        r"auditkit: internal error \(WorkerLost: a worker process ended before it (audited|wrote) .*", lines[0]
    )


def test_sigterm_during_a_parallel_batch_ends_every_process_and_leaves_no_file(
    many: list[Path], tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "out.json"
    code = (
        "import sys, time; from auditkit import batch; real = batch._audit_json; "
        "batch._audit_json = lambda job: (time.sleep(0.3), real(job))[1]; "
        f"sys.argv = ['auditkit', 'audit', *{[str(p) for p in many]!r}, '-f', {str(MINI)!r}, '-o', {str(target)!r}, "
        "'--jobs', '2']; from auditkit.entry import entry; entry()"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(2.0)  # start-up, then the workers are some files in (18 files at 0.3 s each take 2.7 s on two)
    process.send_signal(signal.SIGTERM)  # to the parent alone: it stops its workers itself
    _, err = process.communicate(timeout=30)
    assert (process.returncode, err) == (143, b"auditkit: terminated\n")
    assert not target.exists() and not list(tmp_path.glob(".*.part"))
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # no worker is left running


def test_the_output_s_writing_to_disk_is_started_behind_where_it_has_got(
    many: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The output (fsynced at the end) is written back as it grows, always a stretch behind; standard output not."""
    import os

    from auditkit import batch

    serial = tmp_path / "serial.json"
    assert cli("audit", *map(str, many), "-f", MINI, "-o", str(serial), "--jobs", "1")[0] == 0
    size = serial.stat().st_size
    behind = size // 8
    monkeypatch.setattr(batch, "_WRITE_BACK", behind)
    started: list[tuple[int, int, int]] = []  # offset, length, where the document had got then
    got = [0]
    real_fadvise, real_write_back = os.posix_fadvise, batch._write_back

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        assert advice == os.POSIX_FADV_DONTNEED
        started.append((offset, length, got[0]))
        real_fadvise(fd, offset, length, advice)

    def write_back(stream: Any, done: int, target: Path) -> int:
        got[0] = stream.tell()
        return real_write_back(stream, done, target)

    monkeypatch.setattr(os, "posix_fadvise", fadvise)
    monkeypatch.setattr(batch, "_write_back", write_back)
    for jobs in ("2", "3"):  # the batch in worker processes (with one, the document is written at once)
        started.clear()
        parallel = tmp_path / f"jobs{jobs}.json"
        assert cli("audit", *map(str, many), "-f", MINI, "-o", str(parallel), "--jobs", jobs)[0] == 0
        assert parallel.read_bytes() == serial.read_bytes()
        assert len(started) >= 3 and started[0][0] == 0
        for (offset, length, now), following in zip(started, [*started[1:], None], strict=True):
            assert length >= behind and offset + length + behind <= now  # a stretch behind where the file got
            assert following is None or following[0] == offset + length  # one after the other, no gap
        assert started[-1][0] + started[-1][1] >= size - 3 * behind
    started.clear()
    code, out, _ = cli("audit", *map(str, many), "-f", MINI, "--format", "json", "--jobs", "2")
    assert code == 0 and out.encode("utf-8") == serial.read_bytes() and started == []


def test_the_document_an_output_replaces_is_let_go_of_from_the_cache_and_kept_until_then(
    many: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The earlier output's cached pages are dropped while the workers go on; its contents stay until the rename."""
    import os

    from auditkit import batch

    output = tmp_path / "out.json"
    output.write_bytes(b"the earlier document")
    earlier = output.stat().st_ino
    monkeypatch.setattr(batch, "_WRITE_BACK", 1024)
    dropped: list[int] = []  # the inode of each file whose pages are dropped whole
    real = os.posix_fadvise

    def fadvise(fd: int, offset: int, length: int, advice: int) -> None:
        if (offset, length) == (0, 0):
            dropped.append(os.fstat(fd).st_ino)
        real(fd, offset, length, advice)

    monkeypatch.setattr(os, "posix_fadvise", fadvise)
    # refused (--strict and a file's own warning): the earlier document is untouched, though let go of
    text = (
        many[3]
        .read_text(encoding="utf-8")
        .replace("sources:\n", "sources:\n  - {id: blog, publisher: A blog, title: A post, date: 2024}\n", 1)
    )
    many[3].write_text(text, encoding="utf-8")
    code, _, err = cli("audit", *map(str, many), "-f", MINI, "--strict", "-o", str(output), "--jobs", "2")
    assert code == 2 and "no url or archive" in err
    assert output.read_bytes() == b"the earlier document" and dropped == [earlier]
    dropped.clear()
    assert cli("audit", *map(str, many), "-f", MINI, "-o", str(output), "--jobs", "2")[0] == 0
    assert dropped == [earlier] and output.stat().st_ino != earlier
    assert json.loads(output.read_bytes())["results"][0]["deployment"]["name"] == "Programme 0"


def test_only_a_regular_file_is_let_go_of_and_nothing_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from auditkit import batch

    touched: list[int] = []
    real = os.posix_fadvise
    monkeypatch.setattr(os, "posix_fadvise", lambda fd, *a: touched.append(os.fstat(fd).st_ino) or real(fd, *a))
    fifo, link, regular = tmp_path / "fifo", tmp_path / "link", tmp_path / "regular"
    os.mkfifo(fifo)  # opening it to read would wait for a writer
    regular.write_bytes(b"x")
    link.symlink_to(regular)
    for path in (fifo, link, tmp_path / "missing", tmp_path):
        batch._uncache(path)
    assert touched == []
    batch._uncache(regular)
    assert touched == [regular.stat().st_ino]
