"""Many programmes at once: the league table (text, Markdown, HTML index, CSV) and the findings CSV.

One row per audited programme: its name, grade (a range when the facts leave
it open), score, the verdict on each principle, the share of the rule weight
the facts could decide, and the red lines crossed. ``SORT_COLUMNS`` lists the
columns a table can be sorted by; each sorts best first (the name A-Z, the
file in the order given), and a leading '-' reverses it.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import sys
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn, Self, TypeVar

from auditkit import summary
from auditkit.errors import Problem, single
from auditkit.model.result import AuditResult, Verdict
from auditkit.render.labels import verdict_colour, verdict_label

if TYPE_CHECKING:
    from pathlib import Path

    from auditkit.model.load import LoadedDeployment
    from auditkit.render import RenderOptions
    from auditkit.rules.model import Framework

SORT_COLUMNS = ("file", "name", "grade", "score", "coverage", "red-lines")
WIDTH = 100


@dataclass(frozen=True)
class Row:
    """One programme in the league table."""

    index: int  # position in the input order
    file: str
    report: str | None  # the programme's own report, relative to the index page, when one was written
    result: AuditResult
    verdicts: dict[str, Verdict]

    @property
    def name(self) -> str:
        """The programme's name, as its description gives it."""
        return self.result.deployment.name


def rows(results: list[AuditResult], files: list[str], reports: Sequence[str | None] | None = None) -> list[Row]:
    """The league table's rows in input order; principles are named framework:id when several frameworks."""
    several = len({p.framework for r in results for p in r.principles}) > 1
    out = []
    for i, (result, file) in enumerate(zip(results, files, strict=True)):
        verdicts = {summary.principle_key(p, several): p.verdict for p in result.principles}
        out.append(Row(index=i, file=file, report=reports[i] if reports else None, result=result, verdicts=verdicts))
    return out


def principle_columns(table: list[Row]) -> list[str]:
    """Every principle any row has a verdict for, in the order they first appear."""
    seen: dict[str, None] = {}
    for row in table:
        for key in row.verdicts:
            seen.setdefault(key, None)
    return list(seen)


def check_sort(column: str, principles: list[str] | None = None) -> str:
    """The sort column as given, or a one-line error naming the columns there are."""
    name = column.removeprefix("-")
    allowed = [*SORT_COLUMNS, *(principles or [])]
    if name in allowed or (principles is None and re.fullmatch(r"([a-z0-9-]+:)?[A-Za-z]+[0-9]+", name)):
        return column
    raise single(
        "--sort",
        f"'{column}' is not a column; sort by one of: {', '.join(allowed)}"
        f"{'' if principles else ', or a principle such as P3'} (--sort=-COLUMN reverses)",
    )


def sort(table: list[Row], column: str) -> list[Row]:
    """The rows sorted by ``column`` (best first; '-column' reverses), ties kept in input order."""
    name, reverse = column.removeprefix("-"), column.startswith("-")
    if name in ("file", "name", "grade", "score", "coverage", "red-lines"):

        def key(row: Row) -> Any:
            low, high = summary.score_bounds(row.result)
            worst, best = summary.grades(row.result)
            return {
                "file": (row.index,),
                "name": (row.name.casefold(), row.index),
                "grade": (summary.grade_rank(worst), summary.grade_rank(best), -(low or -1), row.index),
                "score": (-(low if low is not None else -1), -(high if high is not None else -1), row.index),
                "coverage": (-summary.coverage(row.result), row.index),
                "red-lines": (len(row.result.red_lines_crossed), row.index),
            }[name]
    else:
        columns = {c.upper(): c for c in principle_columns(table)}
        if name.upper() not in columns:
            check_sort(column, list(columns.values()))
        wanted = columns[name.upper()]

        def key(row: Row) -> Any:
            verdict = row.verdicts.get(wanted)
            return (summary.VERDICT_RANK[verdict] if verdict else 9, row.index)

    ordered = sorted(table, key=key)
    return ordered[::-1] if reverse else ordered


# --- text ----------------------------------------------------------------------------------------------


def text(table: list[Row], column: str, skipped: int = 0) -> bytes:
    """The league table for a terminal."""
    principles = principle_columns(table)
    out = [f"League table of {len(table)} programme{'s' if len(table) != 1 else ''}, sorted by {column}"]
    head = f"{'Programme':<40} {'Grade':<6} {'Score':>10} " + " ".join(f"{p[-5:]:>5}" for p in principles)
    out.append(head + f" {'Decided':>7}  Red lines")
    for row in sort(table, column):
        name = ("(hyp.) " if row.result.deployment.hypothetical else "") + row.name
        name = name if len(name) <= 40 else name[:39] + "…"
        cells = " ".join(
            f"{summary.SHORT_VERDICT[row.verdicts[p]] if p in row.verdicts else '':>5}" for p in principles
        )
        out.append(
            f"{name:<40} {summary.grade_text(row.result):<6} {summary.score_text(row.result):>10} {cells} "
            f"{summary.coverage(row.result):>7.0%}  {', '.join(row.result.red_lines_crossed) or '-'}"
        )
    out.append("")
    out.append(
        "Verdicts: met; part = partially met; NOT = not met; short = falls short (not met in full, partly "
        "met still open); ? = insufficient information (could still be met); n/a = not applicable. A grade "
        "or score shown as a range (C-F, 31-96) is not settled by the known facts. Decided: the share of "
        "the rule weight the known facts could decide. (hyp.): a hypothetical programme."
    )
    out.append(
        "Each programme's full report: auditkit audit FILE, or several at once with --format md|html|pdf -o FOLDER."
    )
    if skipped:
        out.append(f"{skipped} file{'s were' if skipped != 1 else ' was'} not audited: see the problems above.")
    return ("\n".join(out) + "\n").encode("utf-8")


# --- Markdown ------------------------------------------------------------------------------------------


def _md(value: object) -> str:
    from auditkit.render.markdown import cell

    return cell(value)


def markdown(table: list[Row], column: str) -> bytes:
    """The league table as Markdown, sorted by ``column``, with a legend of the verdict words."""
    principles = principle_columns(table)
    out = [
        f"# League table of {len(table)} programmes",
        "",
        (
            f"Sorted by {_md(column)}. Verdicts: met, partly "
            "(partially met), **not met**, short (falls short: not met in full, partly met still open), ? "
            "(insufficient information: could still be met), n/a (not applicable). A grade or score shown as a "
            "range is not settled by the known facts. Decided: the share of the rule weight the known facts could "
            "decide."
        ),
        "",
        "| Programme | Grade | Score | " + " | ".join(principles) + " | Decided | Red lines |",
        "|---|---|---:|" + "---|" * len(principles) + "---:|---|",
    ]
    words = {
        Verdict.MET: "met",
        Verdict.PARTIALLY_MET: "partly",
        Verdict.NOT_MET: "**not met**",
        Verdict.FALLS_SHORT: "short",
        Verdict.INSUFFICIENT_INFORMATION: "?",
        Verdict.NOT_APPLICABLE: "n/a",
    }
    for row in sort(table, column):
        name = _md(row.name) + (" (hypothetical)" if row.result.deployment.hypothetical else "")
        if row.report:
            name = f"[{name}](<{row.report}>)"
        cells = " | ".join(words[row.verdicts[p]] if p in row.verdicts else "" for p in principles)
        out.append(
            f"| {name} | {_md(summary.grade_text(row.result))} | {summary.score_text(row.result)} | {cells} | "
            f"{summary.coverage(row.result):.0%} | {', '.join(row.result.red_lines_crossed) or '–'} |"
        )
    return ("\n".join(out) + "\n").encode("utf-8")


# --- HTML ----------------------------------------------------------------------------------------------

_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}td.n{text-align:right}
caption{text-align:left;margin-bottom:.5rem}.v{font-weight:600}
@media (max-width:40rem){body{margin:.5rem}table{font-size:.8rem}}"""


def html(table: list[Row], column: str) -> bytes:
    """A standalone index page: the league table, each programme linked to its report."""
    principles = principle_columns(table)
    titles: dict[str, str] = {}
    for row in table:
        for p in row.result.principles:
            titles.setdefault(p.id, p.title)
    head = "".join(
        f'<th scope="col" title="{escape(titles.get(p.split(":")[-1], p))}">{escape(p)}</th>' for p in principles
    )
    body = []
    for row in sort(table, column):
        name = escape(row.name) + (" <em>(hypothetical)</em>" if row.result.deployment.hypothetical else "")
        if row.report:
            name = f'<a href="{escape(row.report)}">{name}</a>'
        cells = "".join(
            f'<td class="v" style="color:{verdict_colour(row.verdicts[p])}">{escape(verdict_label(row.verdicts[p]))}'
            "</td>"
            if p in row.verdicts
            else "<td></td>"
            for p in principles
        )
        body.append(
            f'<tr><th scope="row">{name}</th><td>{escape(summary.grade_text(row.result))}</td>'
            f'<td class="n">{escape(summary.score_text(row.result))}</td>{cells}'
            f'<td class="n">{summary.coverage(row.result):.0%}</td>'
            f"<td>{escape(', '.join(row.result.red_lines_crossed) or '–')}</td></tr>"
        )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>League table of {len(table)} programmes</title>
<style>{_CSS}</style>
</head>
<body>
<h1>League table of {len(table)} programmes</h1>
<p>Sorted by {escape(column)}. Decided: the share of the rule weight the known facts could decide.
Each programme's name links to its full report.</p>
<table>
<thead><tr><th scope="col">Programme</th><th scope="col">Grade</th><th scope="col">Score</th>{head}<th scope="col">Decided</th><th scope="col">Red lines</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
</body>
</html>
"""
    return page.encode("utf-8")


# --- CSV -----------------------------------------------------------------------------------------------


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    A cell that starts with =, +, -, @, a tab or a carriage return is prefixed
    with an apostrophe, so that a programme named '=HYPERLINK(...)' stays text.
    """
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: list[str], lines: list[list[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[csv_cell(v) for v in line] for line in lines])
    return buffer.getvalue().encode("utf-8")


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def programmes_csv(table: list[Row], column: str) -> bytes:
    """One row per programme; verdicts and statuses as the JSON result spells them."""
    principles = principle_columns(table)
    header = [
        "file",
        "programme",
        "hypothetical",
        "grade",
        "grade_worst",
        "grade_best",
        "score_low",
        "score_high",
        "decided",
        "red_lines",
        *principles,
    ]
    lines: list[list[object]] = []
    for row in sort(table, column):
        low, high = summary.score_bounds(row.result)
        worst, best = summary.grades(row.result)
        lines.append(
            [
                row.file,
                row.name,
                "yes" if row.result.deployment.hypothetical else "no",
                summary.grade_text(row.result),
                worst,
                best,
                _number(low),
                _number(high),
                f"{summary.coverage(row.result):.4f}",
                " ".join(row.result.red_lines_crossed),
                *(row.verdicts[p].value if p in row.verdicts else "" for p in principles),
            ]
        )
    return _csv(header, lines)


def findings_csv(table: list[Row], column: str) -> bytes:
    """One row per programme and rule: the status, the facts that decided it and their sources."""
    header = [
        "file",
        "programme",
        "framework",
        "principle",
        "rule",
        "title",
        "status",
        "severity",
        "weight",
        "red_line",
        "facts",
        "missing",
        "sources",
    ]
    lines: list[list[object]] = []
    for row in sort(table, column):
        for f in row.result.findings:
            facts = "; ".join(f"{u.path}={u.value}" for u in f.facts)
            lines.append(
                [
                    row.file,
                    row.name,
                    f.framework,
                    f.principle,
                    f.rule,
                    f.title,
                    f.status.value,
                    f.severity,
                    f.weight,
                    "yes" if f.red_line else "no",
                    facts,
                    " ".join(f.missing),
                    " ".join(f.sources),
                ]
            )
    return _csv(header, lines)


# --- rendering many PDFs -------------------------------------------------------------------------------


def default_jobs() -> int:
    """The number of cores this process may run on."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _render_pdf(job: tuple[AuditResult, RenderOptions]) -> bytes:
    from auditkit.render.pdf import render

    return render(*job)


def render_parallel(
    results: list[AuditResult], options: list[RenderOptions], jobs: int | None, tick: Callable[[], None]
) -> list[bytes]:
    """PDF reports rendered in ``jobs`` worker processes, returned in input order.

    Each report depends only on its own result and options, and the PDF
    renderer never reads the clock, so the bytes are those of rendering one
    after the other. Workers are forked after WeasyPrint is imported here, so
    that each one starts with it loaded.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import auditkit.render.pdf  # noqa: F401 - imported before forking, so every worker has it

    workers = min(jobs or default_jobs(), len(results))
    if workers <= 1:
        out = []
        for job in zip(results, options, strict=True):
            out.append(_render_pdf(job))
            tick()
        return out
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        out = []
        for data in pool.map(_render_pdf, zip(results, options, strict=True)):
            out.append(data)
            tick()
        return out


# --- auditing many files to one JSON document ------------------------------------------------------------

PARALLEL_JSON_MIN = 16  # below this, worker processes cost more than they save


@dataclass(frozen=True)
class _WorkerState:
    """What every file of a JSON batch is audited with; forked workers inherit it as ``_STATE``."""

    frameworks: list[Framework]
    audit_date: str | None  # printed on each report instead of the file's own, when given
    warnings: Callable[[LoadedDeployment], list[str]]  # the placeholder warnings of a loaded file
    evidence: str


_STATE: _WorkerState | None = None  # set by audit_json before the workers are forked


@dataclass(frozen=True)
class JsonItem:
    """One file of a JSON batch, audited in a worker: its result as JSON bytes, or its problems.

    The bytes (or a view of them) are indented as an entry of the batch document's results (see ``nest``); a
    worker process holds them and writes them into the output itself, where it is told (see ``Held``).
    """

    data: bytes | memoryview | Held | None
    problems: list[Problem]
    warnings: list[str]  # the placeholder warnings, printed as the file is loaded
    score: float | None
    notes: list[Problem] = field(default_factory=list)  # the file's own warnings (a source without url or kind)


def _audit_json(job: tuple[str, str]) -> JsonItem:
    from pathlib import Path

    from auditkit.engine import audit
    from auditkit.errors import InputError
    from auditkit.model.load import load_deployment
    from auditkit.render.jsonout import result_entry

    path, display = job
    state = _STATE
    assert state is not None, "audit_json sets the batch's state before any file is audited"
    try:
        loaded = load_deployment(Path(path), display=display)
    except InputError as exc:
        return JsonItem(None, exc.problems, [], None)
    result = audit(loaded, state.frameworks, state.evidence)
    if state.audit_date is not None:
        result = result.model_copy(
            update={"deployment": result.deployment.model_copy(update={"audit_date": state.audit_date})}
        )
    score = summary.score_bounds(result)[0]
    data = result_entry(result)
    return JsonItem(data, [], state.warnings(loaded), score, list(loaded.warnings))


def audit_json(
    jobs_list: list[tuple[str, str]],
    frameworks: list[Framework],
    audit_date: str | None,
    warnings: Callable[[LoadedDeployment], list[str]],
    jobs: int | None,
    tick: Callable[[], None],
    evidence: str = "reported",
    out: int | None = None,
) -> Generator[JsonItem, None, None]:
    """Audit (path, display name) pairs to JSON bytes in ``jobs`` forked processes.

    The items are yielded in input order as they are done, so that the caller
    can write each while the workers go on; close the iterator (or exhaust it)
    to stop the workers. ``out``: the file the document is written to, open
    now (the workers inherit it), into which they write each entry where the
    caller places it (``Held``); the bytes themselves come back without it.

    Each worker loads, audits, encodes and indents its files; the parent only
    writes the bytes (json_pieces), so the work spreads over every core. The
    bytes are those of auditing one file after the other (tests/test_batch.py).
    """
    import os

    global _STATE
    _STATE = _WorkerState(frameworks=frameworks, audit_date=audit_date, warnings=warnings, evidence=evidence)
    workers = min(jobs or default_jobs(), len(jobs_list))
    if workers <= 1 or out is None or not hasattr(os, "fork"):
        for job in jobs_list:
            yield _audit_json(job)
            tick()
        return
    with _Workers(jobs_list, workers, out) as pool:
        for item in pool:
            yield item
            tick()


class WorkerLost(RuntimeError):
    """A worker process of a JSON batch ended (killed, out of memory) before it sent a file's result."""


@dataclass(frozen=True)
class Held:
    """A file's JSON entry, held by the worker that made it until the parent says where in the output it goes."""

    length: int
    place: Callable[[int], None]  # write it at this offset of the output


# A worker's record of one file done: its index, the worker, the length of its entry (held by the worker), and
# where in the worker's spool file the pickled rest of its JsonItem (warnings, problems, score) is, and its length.
_RECORD = struct.Struct("<IIQQQ")
_PLACE = struct.Struct("<IQ")  # the parent's answer: write the entry of this file at this offset of the output
# Task numbers are written to the pipe before the fork: 4 KiB at most, what any pipe holds (a user with many pipes
# open gets one page per pipe), so that the write cannot wait for a reader that does not exist yet.
_MAX_TASKS = 1024


class _Workers:
    """Forked processes auditing the files of a JSON batch, their results read back in input order.

    Not multiprocessing, because of what a result is: 240 KB of JSON. A pool pickles it, sends it through a
    pipe and unpickles it in the parent, which copies it again into the output file: a third of a second of
    the parent's CPU for 1,000 files, on the cores the workers need. Here a worker writes each entry into the
    output itself (the file is open before the fork), at the offset the parent gives once the entries before
    it are known; only small records travel: the rest of each item pickled into the worker's anonymous spool
    file, a fixed-size record of it to the parent, the offset back. The files to audit are numbers in a pipe
    written before the fork: a worker takes the next one whenever it is free, so a slow file or a slow core
    holds up no one, and holds its entries (a few at most) until they are placed.
    """

    def __init__(self, jobs: list[tuple[str, str]], count: int, out: int) -> None:
        self.jobs, self.count, self.out = jobs, count, out
        self.per_task = -(-len(jobs) // _MAX_TASKS)  # files per task number: 1 up to 1,024 files
        self.spools: list[BinaryIO] = []
        self.answers: list[int] = []  # the parent's end of each worker's pipe of offsets
        self.lives: list[int] = []  # a pipe each worker holds open, silently, until it ends
        self.pids: list[int] = []
        self.ended: set[int] = set()  # workers already waited for
        self.results = -1

    def __enter__(self) -> Self:
        import os
        import tempfile

        tasks, to_tasks = os.pipe()
        os.write(to_tasks, b"".join(i.to_bytes(4, "little") for i in range(0, len(self.jobs), self.per_task)))
        os.close(to_tasks)  # the workers read until the pipe is empty
        self.results, to_results = os.pipe()
        try:
            for worker in range(self.count):
                self.spools.append(tempfile.TemporaryFile())
                answers, to_answers = os.pipe()
                life, alive = os.pipe()
                pid = os.fork()
                if pid == 0:
                    os.close(life)
                    os.close(to_answers)  # so that its answers end with the parent
                    self._work(worker, tasks, to_results, answers)
                os.close(answers)
                os.close(alive)
                self.answers.append(to_answers)
                self.lives.append(life)
                self.pids.append(pid)
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        finally:
            os.close(tasks)
            os.close(to_results)  # the workers hold the only write ends: the pipe ends when they all have
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        import os
        import signal

        for pid in self.pids:
            if pid in self.ended:
                continue
            if kind is not None:  # the batch is given up (refused, interrupted, failed): stop the workers now
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            os.waitpid(pid, 0)  # when the batch is done: each worker has written every entry it held
        self.pids = []
        for fd in [self.results, *self.answers, *self.lives]:
            if fd >= 0:
                os.close(fd)
        self.results, self.answers, self.lives = -1, [], []
        for spool in self.spools:
            spool.close()
        self.spools = []

    def __iter__(self) -> Iterator[JsonItem]:
        import os
        import pickle
        from dataclasses import replace
        from functools import partial

        done: dict[int, tuple[int, int, int, int]] = {}
        unread = b""
        for index, (_, display) in enumerate(self.jobs):
            while index not in done:
                if not self._wait(display):
                    continue
                got = os.read(self.results, 1 << 16)
                if not got:
                    raise WorkerLost(f"a worker process ended before it audited {display}")
                unread += got
                whole = len(unread) - len(unread) % _RECORD.size
                for i, worker, size, offset, meta in _RECORD.iter_unpack(unread[:whole]):
                    done[i] = (worker, size, offset, meta)
                unread = unread[whole:]
            worker, size, offset, meta = done.pop(index)
            item = pickle.loads(os.pread(self.spools[worker].fileno(), meta, offset))
            if isinstance(item, BaseException):
                raise item  # the worker's error, where serial auditing would have met it
            yield replace(item, data=Held(size, partial(self._place, worker, index))) if size else item

    def _wait(self, display: str) -> bool:
        """Wait for records (True) or for a worker to end (False); WorkerLost when one ended before its time.

        A worker that ends on its own has sent every record; one that is killed may leave the other waiting
        for a place for its entries, which the parent cannot give without the lost file: so the parent does
        not wait for the results pipe to end, but watches each worker.
        """
        import os
        import select

        ready = select.select([self.results, *(fd for fd in self.lives if fd >= 0)], [], [])[0]
        if self.results in ready:
            return True
        for fd in ready:
            worker = self.lives.index(fd)
            os.close(fd)
            self.lives[worker] = -1
            pid = self.pids[worker]
            status = os.waitpid(pid, 0)[1]
            self.ended.add(pid)
            if status != 0:
                raise WorkerLost(f"a worker process ended before it audited {display}")
        return False

    def _place(self, worker: int, index: int, at: int) -> None:
        import os

        try:
            os.write(self.answers[worker], _PLACE.pack(index, at))
        except BrokenPipeError:  # not an error writing the output: the worker holding this entry is gone
            raise WorkerLost(f"a worker process ended before it wrote {self.jobs[index][1]}") from None

    def _work(self, worker: int, tasks: int, results: int, answers: int) -> NoReturn:
        """A worker's whole life: audit the files whose numbers it takes from ``tasks``, then exit."""
        import gc
        import os
        import signal

        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # the parent is told too, and says so once
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            gc.disable()  # each file's objects are freed by reference counting; there is no cyclic garbage to find
            for fd in [self.results, *self.answers]:  # so that the pipes end when the parent does
                os.close(fd)
            held = _Holding(self.out, answers)
            spool, offset = self.spools[worker].fileno(), 0
            while task := os.read(tasks, 4):
                start = int.from_bytes(task, "little")
                for index in range(start, min(start + self.per_task, len(self.jobs))):
                    entry, meta = _audited(self.jobs[index])
                    _pwrite(spool, meta, offset)
                    if entry:
                        held.entries[index] = entry
                    os.write(results, _RECORD.pack(index, worker, len(entry), offset, len(meta)))
                    offset += len(meta)
                    held.write_placed(wait=False)
            while held.entries:
                held.write_placed(wait=True)
            code = 0
        finally:
            os._exit(code)  # never back into the parent's code, its atexit handlers or its buffered streams


class _Holding:
    """A worker's entries waiting for their place in the output, and the pipe that brings the places."""

    def __init__(self, out: int, answers: int) -> None:
        import os

        self.out, self.answers = out, answers
        self.entries: dict[int, bytes | memoryview] = {}
        self.unread = b""
        os.set_blocking(answers, False)

    def write_placed(self, wait: bool) -> None:
        """Write every entry whose place has come; with ``wait``, wait for at least one answer first."""
        import os
        import select

        if wait:
            select.select([self.answers], [], [])
        try:
            got = os.read(self.answers, 1 << 16)
        except BlockingIOError:
            return
        if not got:
            raise WorkerLost("the parent process ended")  # it is gone: nothing left to write for
        self.unread += got
        whole = len(self.unread) - len(self.unread) % _PLACE.size
        for index, at in _PLACE.iter_unpack(self.unread[:whole]):
            _pwrite(self.out, self.entries.pop(index), at)
        self.unread = self.unread[whole:]


def _audited(job: tuple[str, str]) -> tuple[bytes | memoryview, bytes]:
    """A file's JSON entry (empty when it is invalid) and its JsonItem without it, pickled; or its error."""
    import pickle
    from dataclasses import replace

    try:
        item = _audit_json(job)
        entry = item.data if isinstance(item.data, bytes | memoryview) else b""
        return entry, pickle.dumps(replace(item, data=None))
    except Exception as exc:  # noqa: BLE001 - raised again in the parent, which reports it as serial auditing would
        try:
            return b"", pickle.dumps(pickle.loads(pickle.dumps(exc)))
        except Exception:  # noqa: BLE001 - an error that cannot travel is described instead
            return b"", pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))


def _pwrite(fd: int, data: bytes | memoryview, offset: int) -> None:
    import os

    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view, offset)
        view, offset = view[written:], offset + written


def nest(part: bytes) -> bytes:
    """One result's JSON, indented as an entry of the batch document's results (two levels deeper)."""
    return b"    " + part.rstrip(b"\n").replace(b"\n", b"\n    ")


_Part = TypeVar("_Part", bytes, bytes | memoryview | Held)


def json_pieces(nested: Iterable[_Part]) -> Iterator[bytes | _Part]:
    """The batch document {"results": [...], "schema_version": N}, piece by piece.

    It is built from results already encoded and nested one by one (bytes, or
    entries a worker holds), and is the same bytes as encoding the whole
    BatchResult at once.
    """
    from auditkit.model.result import RESULT_SCHEMA_VERSION

    tail = b'\n  "schema_version": ' + str(RESULT_SCHEMA_VERSION).encode() + b"\n}\n"
    first = True
    for part in nested:
        yield b'{\n  "results": [\n' if first else b",\n"
        yield part  # on its own: joining it to the separator would copy its 240 KB
        first = False
    yield b'{\n  "results": [],' + tail if first else b"\n  ]," + tail


def join_json(parts: list[bytes]) -> bytes:
    """The batch document from results encoded one by one (json_pieces, joined)."""
    return b"".join(json_pieces(nest(part) for part in parts))


def write_pieces(stream: BinaryIO, pieces: Iterable[bytes | memoryview | Held], target: Path | None = None) -> None:
    """Write the pieces into ``stream``: bytes here, a held entry by its worker, at the place it takes.

    ``target``: the file the document is renamed to once complete and fsynced (None: a spool that is not);
    both are prepared as the document grows (``_write_back``).
    """
    import os

    written_back = 0
    for piece in pieces:
        if isinstance(piece, Held):
            stream.flush()
            piece.place(stream.tell())
            stream.seek(piece.length, os.SEEK_CUR)  # the bytes after it go after it, whenever it is written
        else:
            stream.write(piece)
        if target is not None:
            written_back = _write_back(stream, written_back, target)


_WRITE_BACK = 16 << 20


def _write_back(stream: BinaryIO, done: int, target: Path) -> int:
    """Start writing the file to disk, without waiting, up to 16 MB behind where it has got; where that is.

    The fsync that ends a batch of 1,000 results waited 0.07-0.1 s for their 240 MB, alone after the workers
    had finished. Started here, every 16 MB, the writing goes on while the workers do: the fsync is left the
    last 16-32 MB. The 16 MB behind are entries placed some 60 files earlier, which their workers have written
    by now (one written later is simply written again by the fsync). Linux starts the writeback of a dirty
    range a program says it will not need again; the pages being written stay cached. The first time, the
    cached pages of the file ``target`` replaces are let go of too (``_uncache``).
    """
    import os

    end = stream.tell() - _WRITE_BACK
    if end - done < _WRITE_BACK or not hasattr(os, "posix_fadvise"):
        return done
    if done == 0:
        _uncache(target)
    os.posix_fadvise(stream.fileno(), done, end - done, os.POSIX_FADV_DONTNEED)
    return end


def _uncache(path: Path) -> None:
    """Drop the cached pages of the regular file at ``path``, if there is one; its contents stay as they are.

    Renaming a new document over an earlier one frees the earlier one's pages: a third of the 0.045 s that
    renaming over a 240 MB document took, alone at the end of the batch (0.027 s with them gone). Done while
    the workers go on, it costs the parent some 0.015 s of CPU there instead. The file is opened without
    following a link and without waiting (a FIFO), and only a regular file is touched; whatever cannot be
    opened is left alone. Should the batch fail, the earlier document is still there, only no longer cached.
    """
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
