"""Regression tests for what an outside fuzzing run found (issue 15), one section per finding.

Reproducers that are a single deployment file live in tests/fixtures/invalid/
with their exact messages (json_big_integer*, date_impossible,
source_numeric_*, source_many_undeclared, terminal_escape_key); the rest are
here, each with the exact message and exit code it must give.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import MINI, MINI_FOLDER, MOSCOW, ROOT, auditkit_process, cli, description

from auditkit import outputs
from auditkit.dates import check_date
from auditkit.errors import InputError
from auditkit.escape import file_label, markdown, markdown_code, terminal
from auditkit.interrupts import Terminated
from auditkit.rules.loader import MAX_RULE_DEPTH, _load

INVALID = Path(__file__).parent / "fixtures" / "invalid"
VALID = """\
format_version: 2
deployment:
  name: Riverside camera pilot
sources:
  - {id: council-2024, kind: official_record, publisher: Riverside Council, title: Camera pilot decision, date: 2024-03, url: 'https://example.org/council-2024'}
retention:
  max_days: {value: 400, sources: [council-2024]}
"""


@pytest.fixture()
def deployment(tmp_path: Path) -> Path:
    return description(tmp_path, VALID)


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(MINI_FOLDER, pack)
    return pack


# --- 1. JSON integers over 4,300 digits ---------------------------------------------------------------


def test_a_huge_json_integer_in_a_pack_is_read_as_a_bad_value_not_a_crash(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    (pack / "rules" / "M1-01.yaml").write_text("[" + "1" * 4301 + "]\n", encoding="utf-8")
    manifest = pack / "framework.yaml"
    code, out, err = cli("audit", str(MOSCOW), "-f", str(pack))
    assert (code, out) == (2, "")
    assert err == (f"{pack}/rules/M1-01.yaml:1:1: the file holds a list, but a rule is a set of 'key: value' lines\n")
    manifest.write_text('{"id": ' + "7" * 5000 + "}", encoding="utf-8")
    code, _, err = cli("principles", "--check", "-f", str(pack))
    assert (code, err) == (
        2,
        "".join(
            f"{manifest}:1:1: the required field '{name}' is missing; add it\n"
            for name in ("title", "version", "source", "principles", "scoring")
        ),
    )


# --- 2. one date type ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2024-02-29", "2000-02-29", "1600-01-01", "2199-12-31", "2023-12-31"])
def test_real_dates_are_dates(text: str) -> None:
    assert check_date(text) == text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2024-02-30", "February 2024 has days 01 to 29; write a real date"),
        ("1900-02-29", "February 1900 has days 01 to 28; write a real date"),
        ("2024-13-01", "the month must be from 01 to 12; write it as YYYY-MM-DD"),
        ("2024-00-10", "the month must be from 01 to 12; write it as YYYY-MM-DD"),
        ("0000-01-01", "the year must be from 1600 to 2199; write it as YYYY-MM-DD"),
        ("9999-99-99", "the year must be from 1600 to 2199; write it as YYYY-MM-DD"),
        ("٢٠٢٤-٠١-٠١", "write it with the digits 0-9, as YYYY-MM-DD"),
        ("２０２４-０１-０１", "write it with the digits 0-9, as YYYY-MM-DD"),
        ("2024-1-1", "write it as YYYY-MM-DD"),
        ("2024-01", "write it as YYYY-MM-DD"),
        ("2024-01-01 ", "write it as YYYY-MM-DD"),
        ("2024-01-01\n", "write it as YYYY-MM-DD"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        check_date(text)
    assert str(caught.value) == reason


def test_partial_dates_where_the_format_allows_them() -> None:
    assert [check_date(x, partial=True) for x in ("2019", 2019, "2019-05", "2019-05-31")] == [
        "2019",
        "2019",
        "2019-05",
        "2019-05-31",
    ]
    for bad, reason in (
        ("2019-13", "the month must be from 01 to 12"),
        (True, "write it as YYYY, YYYY-MM"),
        (20190, "write it as YYYY, YYYY-MM"),
        ("1599", "the year must be from 1600"),
    ):
        with pytest.raises(ValueError, match=reason):
            check_date(bad, partial=True)


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2024-02-30", "February 2024 has days 01 to 29; write a real date"),
        ("٢٠٢٤-٠١-٠١", "write it with the digits 0-9, as YYYY-MM-DD"),
    ],
)
def test_the_audit_date_option_takes_the_same_dates(deployment: Path, date: str, message: str) -> None:
    assert cli("audit", str(deployment), "-f", MINI, "--audit-date", date) == (
        2,
        "",
        f"--audit-date: '{date}' is not a date; {message}\n",
    )


def test_a_leap_day_audit_date_renders_in_every_format(deployment: Path, tmp_path: Path) -> None:
    text = deployment.read_text(encoding="utf-8").replace(
        "name: Riverside camera pilot", "name: Riverside camera pilot\n  audit_date: '2024-02-29'"
    )
    deployment.write_text(text, encoding="utf-8")
    for fmt in ("json", "md", "html", "pdf"):
        target = tmp_path / f"r.{fmt}"
        code, _, err = cli("audit", str(deployment), "-f", MINI, "--format", fmt, "-o", str(target))
        assert (code, err) == (0, f"wrote {target}\n")
    assert "29 February 2024" in (tmp_path / "r.html").read_text(encoding="utf-8") or "2024-02-29" in (
        tmp_path / "r.html"
    ).read_text(encoding="utf-8")


# --- 6. deep folders in a pack's rules/ ---------------------------------------------------------------


def test_deeply_nested_rule_folders_are_refused_quickly(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    folder = pack / "rules"
    fd = os.open(folder, os.O_RDONLY)
    try:  # 1,000 levels: made relative to each parent, as a path this long exceeds PATH_MAX
        for _ in range(1000):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
    finally:
        os.close(fd)
    try:
        start = time.perf_counter()
        with pytest.raises(InputError) as caught:
            _load(pack)
        assert time.perf_counter() - start < 1.0
    finally:  # pytest's own clean-up recurses and would fail on 1,000 levels
        subprocess.run(["rm", "-rf", str(pack / "rules" / "d")], check=True)
    deepest = "/".join(["d"] * (MAX_RULE_DEPTH + 1))
    assert [str(p) for p in caught.value.problems] == [
        (
            f"{pack}/rules/{deepest}: folders inside rules/ are nested more than {MAX_RULE_DEPTH} levels deep; keep "
            "rule files at most that deep"
        )
    ]


def test_rule_files_at_the_deepest_allowed_level_load(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    deep = pack / "rules" / Path(*["d"] * MAX_RULE_DEPTH)
    deep.mkdir(parents=True)
    (pack / "rules" / "M1-01.yaml").rename(deep / "M1-01.yaml")
    framework = _load(pack)
    assert "M1-01" in [r.id for r in framework.rules]


# --- 8. control characters in keys ----------------------------------------------------------------------


def test_a_control_character_in_a_pack_key_is_refused(tmp_path: Path) -> None:
    pack = _pack(tmp_path)
    manifest = pack / "framework.yaml"
    text = manifest.read_text(encoding="utf-8")
    assert "  grades: {A: 85" in text
    manifest.write_text(text.replace("grades: {A: 85", 'grades: {"\\e]0;owned\\a\\e[2J": 85'), encoding="utf-8")
    code, out, err = cli("audit", str(MOSCOW), "-f", str(pack))
    assert (code, out) == (2, "")
    assert err == (
        f"{manifest}:9:12: scoring.grades.?]0;owned??[2J: this key holds an invisible control "
        "character (U+001B) that could hide or reorder what a report shows; remove it\n"
    )


# --- 9. -o onto special files ---------------------------------------------------------------------------


def _special_message(name: Path, kind: str) -> str:
    return (
        f"{name}: this is {kind}, not a regular file, and auditkit writes reports only to regular files or "
        "new names; choose a file name, or '-o -' for standard output\n"
    )


def test_output_onto_a_fifo_is_refused_and_the_fifo_stays(deployment: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    code, out, err = cli("audit", str(deployment), "-f", MINI, "--format", "md", "-o", str(fifo))
    assert (code, out, err) == (2, "", _special_message(fifo, "a named pipe (FIFO)"))
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_onto_a_device_node_is_refused_and_the_node_stays(deployment: Path, tmp_path: Path) -> None:
    node = tmp_path / "null"  # a private copy of /dev/null's node; the real /dev is never touched
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    code, out, err = cli("audit", str(deployment), "-f", MINI, "--format", "json", "-o", str(node))
    assert (code, out, err) == (2, "", _special_message(node, "a device"))
    assert stat.S_ISCHR(os.lstat(node).st_mode)
    assert outputs.write_atomic.__name__  # the writer refuses too, for callers that skip the check:
    with pytest.raises(InputError, match="this is a device"):
        outputs.write_atomic(node, b"x")
    assert stat.S_ISCHR(os.lstat(node).st_mode) and list(tmp_path.glob(".null.*")) == []


def test_output_through_a_symlink_is_refused_unless_the_target_is_named(deployment: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    code, _, err = cli("audit", str(deployment), "-f", MINI, "--format", "md", "-o", str(link))
    assert (code, err) == (
        2,
        (
            f"{link}: this is a link to {real}; auditkit does not write through links, so "
            "give that file's own name if you mean to replace it\n"
        ),
    )
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "old\n"
    assert cli("audit", str(deployment), "-f", MINI, "--format", "md", "-o", str(real))[0] == 0
    assert real.read_text(encoding="utf-8").startswith("# Human-rights audit")


def test_a_link_to_standard_output_is_refused_with_the_dash_hint(deployment: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    link = tmp_path / "stdout"  # like /dev/stdout, a link to something that is not a regular file
    link.symlink_to(fifo)
    code, _, err = cli("audit", str(deployment), "-f", MINI, "-o", str(link))
    assert (code, err) == (
        2,
        (
            f"{link}: this is a link, not a regular file; give the name of a regular file, "
            "or '-o -' for standard output\n"
        ),
    )


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html", "pdf"])
def test_dash_writes_any_format_to_standard_output(deployment: Path, fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with out.open("wb") as stdout:
        run = auditkit_process(
            ["audit", str(deployment), "-f", MINI, "--format", fmt, "-o", "-"],
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=120,
            cwd=tmp_path,
        )
    assert (run.returncode, run.stderr) == (0, b"")
    data = out.read_bytes()
    assert data.startswith(
        {"text": b"auditkit ", "json": b"{", "md": b"# Human", "html": b"<!DOCTYPE", "pdf": b"%PDF-"}[fmt]
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "riverside.yaml"]


def test_stale_temporary_files_of_dead_processes_are_removed(deployment: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    ).stdout.strip()
    stale = tmp_path / f".r.json.{dead}.abc123_z.part"
    old = tmp_path / ".r.json.k2j4h5g6.part"  # an older version's name, without the pid
    alive = tmp_path / f".r.json.{os.getpid()}.def456_y.part"  # a writer still at work: left alone
    others = [tmp_path / ".other.json.1.abcdefgh.part", tmp_path / f".r.json.md.{dead}.abcdefgh.part"]
    for path in (stale, old, alive, *others):
        path.write_text("half a report", encoding="utf-8")
    os.utime(old, (time.time() - 2 * outputs.STALE_SECONDS,) * 2)
    assert cli("audit", str(deployment), "-f", MINI, "--format", "json", "-o", str(target))[0] == 0
    assert sorted(p.name for p in tmp_path.glob(".*.part")) == sorted([alive.name, *(p.name for p in others)])


def test_sigterm_while_writing_removes_the_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "r.txt"

    def terminated(fd: int) -> None:
        raise Terminated

    monkeypatch.setattr(os, "fsync", terminated)
    with pytest.raises(Terminated):
        outputs.write_atomic(target, b"data")
    assert list(tmp_path.iterdir()) == []


def test_sigterm_is_one_line_and_exit_143(deployment: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def terminated(*args: object) -> None:
        raise Terminated

    monkeypatch.setattr("auditkit.engine.audit", terminated)
    assert cli("audit", str(deployment), "-f", MINI) == (143, "", "auditkit: terminated\n")


# --- 10. file names that are not UTF-8, or hold control characters ------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html"])
def test_a_file_name_that_is_not_utf8_is_shown_with_its_bytes(tmp_path: Path, fmt: str) -> None:
    name = os.fsdecode(b"bad\xff\x1b[2J.yaml")
    shutil.copy(MOSCOW, tmp_path / name)
    run = auditkit_process(["audit", name, "--format", fmt], capture_output=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 0
    # The case study cites two articles whose web address could not be found, so validation warns; the
    # warnings name the file escaped, like everything else.
    assert b"\x1b" not in run.stderr and b"\xff" not in run.stderr
    for line in run.stderr.decode().splitlines():
        assert line.startswith("bad\\xFF?[2J.yaml:") and ": warning: " in line, line
    assert b"\x1b" not in run.stdout and b"\xff" not in run.stdout
    shown = {
        "text": b"Input: bad\\xFF?[2J.yaml",
        "json": b'"input_file": "bad\\\\xFF?[2J.yaml"',
        "md": b"bad\\\\xFF?\\[2J.yaml",
        "html": b"bad\\xFF?[2J.yaml",
    }[fmt]
    assert shown in run.stdout
    bad = tmp_path / os.fsdecode(b"worse\xfe.yaml")
    bad.write_text("format_version: 1\n", encoding="utf-8")
    run = auditkit_process(["validate", bad.name], capture_output=True, cwd=tmp_path, timeout=120)
    assert (run.returncode, run.stderr) == (
        2,
        b"worse\\xFE.yaml:1:1: deployment: the required field 'deployment' is missing; add it\n",
    )


def test_the_escaping_functions() -> None:
    assert terminal("a\nb\tc\x1b[2J\x07") == "a b c?[2J?"
    assert file_label(os.fsdecode(b"a\xff\x9b.yaml")) == "a\\xFF\\x9B.yaml"
    assert markdown("<b>x</b> *y* `z` [a](b) | & @ ~") == "\\<b\\>x\\</b\\> \\*y\\* \\`z\\` \\[a\\](b) \\| \\& \\@ \\~"
    assert markdown("see https://evil.example, www.evil.example, mailto:x") == (
        "see https\\://evil.example, www\\.evil.example, mailto\\:x"
    )
    assert markdown("write to a.b@example.org now") == "write to `a.b@example.org` now"
    assert markdown_code("plain") == "`plain`"
    assert markdown_code("a`b``c") == "``` a`b``c ```"


# --- 11. Markdown: code spans and autolinks, checked with GitHub's own renderer -------------------------------


def test_markdown_cannot_be_broken_out_of_or_grow_links(tmp_path: Path) -> None:
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    name = "evil` <img src=x onerror=alert(1)> `.yaml"
    text = VALID.replace(
        "name: Riverside camera pilot",
        "name: Riverside camera pilot\n  description: 'mail "
        "boss@evil.example or visit https://evil.example and www.evil.example'",
    )
    (tmp_path / name).write_text(text, encoding="utf-8")
    run = auditkit_process(
        ["audit", name, "-f", MINI, "--format", "md"], capture_output=True, cwd=tmp_path, timeout=120, text=True
    )
    assert run.returncode == 0, run.stderr
    html = cmarkgfm.github_flavored_markdown_to_html(run.stdout, options=Options.CMARK_OPT_UNSAFE)
    assert "<img" not in html and "onerror" not in html.replace("onerror=alert(1)&gt;", "")
    assert "evil.example" in html and 'href="mailto:' not in html
    assert not [line for line in html.splitlines() if "evil.example" in line and "<a " in line]
    assert "<code>auditkit audit evil` &lt;img src=x onerror=alert(1)&gt; `.yaml --format json</code>" in html


# --- 12. exit codes under a closed pipe -------------------------------------------------------------------------


def _closed_pipe() -> tuple[int, int]:
    read, write = os.pipe()
    os.close(read)
    return read, write


def test_a_closed_stderr_keeps_exit_2() -> None:
    _, write = _closed_pipe()
    try:
        run = auditkit_process(
            ["validate", "many_problems.yaml"], cwd=INVALID, stdout=subprocess.PIPE, stderr=write, timeout=60
        )
    finally:
        os.close(write)
    assert (run.returncode, run.stdout) == (2, b"")


def test_a_closed_stdout_keeps_the_exit_code(tmp_path: Path) -> None:
    _, write = _closed_pipe()
    try:
        below = auditkit_process(
            ["audit", str(MOSCOW), "--fail-under", "90"], stdout=write, stderr=subprocess.PIPE, timeout=60
        )
        fine = auditkit_process(["audit", str(MOSCOW)], stdout=write, stderr=subprocess.PIPE, timeout=60)
    finally:
        os.close(write)
    assert (below.returncode, _without_warnings(below.stderr)) == (1, b"")
    assert (fine.returncode, _without_warnings(fine.stderr)) == (0, b"")


def _without_warnings(stderr: bytes) -> bytes:
    """Standard error less the validation warnings the Moscow case study prints.

    Two of its sources have no address that could be found; without their warnings, a test can hold that
    nothing else was said.
    """
    return b"".join(line for line in stderr.splitlines(keepends=True) if b": warning: " not in line)


# --- 13. interrupts at any moment ---------------------------------------------------------------------------------

# Sends a real SIGINT (or SIGTERM) to the process the moment it starts importing MODULE: during the heavy imports.
_SIGNAL_DURING_IMPORT = """
import os, signal, sys
MODULE, SIGNAL = sys.argv[1], getattr(signal, sys.argv[2])
class Trip:
    def find_spec(self, name, path=None, target=None):
        if name == MODULE:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), SIGNAL)
        return None
sys.meta_path.insert(0, Trip())
from auditkit.entry import entry
sys.argv = ["auditkit", *sys.argv[3:]]
entry()
"""


@pytest.mark.parametrize(
    ("module", "sig", "code", "line"),
    [
        ("yaml", "SIGINT", 130, b"auditkit: interrupted\n"),
        ("pydantic", "SIGINT", 130, b"auditkit: interrupted\n"),
        ("datetime", "SIGINT", 130, b"auditkit: interrupted\n"),  # pydantic-core's C-API import panicked
        ("auditkit.cli", "SIGINT", 130, b"auditkit: interrupted\n"),
        ("weasyprint", "SIGINT", 130, b"auditkit: interrupted\n"),
        ("pydantic", "SIGTERM", 143, b"auditkit: terminated\n"),
    ],
)
def test_a_signal_during_the_imports_is_one_line(module: str, sig: str, code: int, line: bytes, tmp_path: Path) -> None:
    run = subprocess.run(
        check=False,
        args=[
            sys.executable,
            "-c",
            _SIGNAL_DURING_IMPORT,
            module,
            sig,
            "audit",
            str(MOSCOW),
            "--format",
            "pdf",
            "-o",
            str(tmp_path / "r.pdf"),
        ],
        capture_output=True,
        timeout=120,
    )
    assert (run.returncode, run.stdout, _without_warnings(run.stderr)) == (code, b"", line)
    assert list(tmp_path.iterdir()) == []


# Tells the test (through a pipe) when auditkit's first module is loaded: what runs before it is the
# interpreter's own start-up, where no program can catch Ctrl-C.
_READY = """
import os, sys
from auditkit.entry import entry
os.write(int(sys.argv[1]), b"x")
os.close(int(sys.argv[1]))
sys.argv = ["auditkit", *sys.argv[2:]]
entry()
"""


def test_ctrl_c_at_spread_out_moments_is_always_one_line(tmp_path: Path) -> None:
    """Real Ctrl-C (SIGINT) at moments spread over a PDF audit: 130 and one line, or a finished report."""
    outcomes = []
    for delay in (0.0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4, 0.8, 1.5):
        target = tmp_path / "r.pdf"
        read, write = os.pipe()
        process = subprocess.Popen(
            [sys.executable, "-c", _READY, str(write), "audit", str(MOSCOW), "--format", "pdf", "-o", str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(write,),
        )
        os.close(write)
        assert os.read(read, 1) == b"x"
        os.close(read)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
        err = _without_warnings(err)
        if process.returncode == 0:
            assert err == f"wrote {target}\n".encode() and target.read_bytes().startswith(b"%PDF-")
            target.unlink()
        else:
            assert (process.returncode, out, err) == (130, b"", b"auditkit: interrupted\n"), delay
        outcomes.append(process.returncode)
        assert [p.name for p in tmp_path.iterdir()] == []
    assert 130 in outcomes


# --- 14. large but valid inputs: a report prints a bounded amount, and says where the rest is -----------------


def test_a_report_caps_long_lists_and_texts_and_says_so(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import edges

    from auditkit.render.view import REPORT_NOTE, REPORT_REFS, REPORT_SOURCES

    raw = edges.many_sources(REPORT_SOURCES + 25, note=REPORT_NOTE + 500)
    path = tmp_path / "many.yaml"
    path.write_bytes(raw)
    code, md, err = cli("audit", str(path), "-f", MINI, "--format", "md")
    assert (code, err) == (0, "")
    assert "… and 25 more sources, not listed here; the full list is in the audit's JSON result." in md
    assert f"\\[{REPORT_SOURCES}\\] Publisher {REPORT_SOURCES - 1}." in md
    assert f"\\[{REPORT_SOURCES + 1}\\]" not in md
    assert f" and {REPORT_SOURCES + 25 - REPORT_REFS} more" in md  # after the fact's first source numbers
    assert md.count("n" * REPORT_NOTE + " … (shortened; the full text is in the audit's JSON result)") == REPORT_SOURCES
    code, html, _ = cli("audit", str(path), "-f", MINI, "--format", "html")
    assert "… and 25 more sources, not listed here" in html and html.count('<li id="source-') == REPORT_SOURCES
    code, data, _ = cli("audit", str(path), "-f", MINI, "--format", "json")
    assert (
        data.count('"number":') == REPORT_SOURCES + 25 and data.count("n" * (REPORT_NOTE + 500)) == REPORT_SOURCES + 25
    )


def test_lint_lines_quoting_a_pack_value_are_printable(tmp_path: Path) -> None:
    """Found by the structure-aware fuzz run: a case value with U+FEFF reached the terminal raw."""
    pack = _pack(tmp_path)
    rule = pack / "rules" / "M2-01.yaml"
    text = rule.read_text(encoding="utf-8")
    assert "{scope.scanning: untargeted}" in text
    rule.write_text(
        text.replace("{scope.scanning: untargeted}", '{scope.scanning: "untargeted \\uFEFF"}'), encoding="utf-8"
    )
    code, out, err = cli("principles", "--check", "-f", str(pack))
    assert (code, out) == (2, "")
    line = next(line for line in err.splitlines() if "M2-01" in line and "case 'untargeted'" in line)
    assert line.isprintable() and "untargeted ?" in line
    assert all(line.isprintable() for line in err.splitlines())
