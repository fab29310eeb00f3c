"""``auditkit audit``: one file or many, to every report format, with a league table for many."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from auditkit.bundled import DEFAULT_EXAMPLE, examples_root
from auditkit.cli.exits import EXIT_BAD_INPUT, EXIT_BELOW_THRESHOLD
from auditkit.cli.inputs import (
    load_each,
    loading,
    placeholder_warnings,
    progress,
    show_notices,
)
from auditkit.cli.streams import Streams, one_line
from auditkit.cli.writing import BRIEF_FORMATS, infer_format
from auditkit.errors import InputError, Problem, single
from auditkit.escape import file_label, terminal

if TYPE_CHECKING:  # imported where they are used, to keep start-up light
    from auditkit.batch import Held, JsonItem
    from auditkit.model.load import LoadedDeployment
    from auditkit.model.result import AuditResult
    from auditkit.render import RenderOptions
    from auditkit.rules.model import Framework

# The index page of a folder of reports, by format (a PDF batch gets an HTML index).
INDEX_NAMES = {"md": "index.md", "html": "index.html", "pdf": "index.html"}


def audit(
    streams: Streams,
    files: list[Path],
    frameworks: list[str],
    fmt: str | None,
    output: Path | None,
    fail_under: float | None,
    audit_date: str | None,
    page_size: str,
    sort: str,
    jobs: int | None,
    brief: bool = False,
    evidence: str = "reported",
    strict: bool = False,
) -> None:
    """Audit deployment files and print or write the result.

    With no FILE, audits the bundled Moscow facial-recognition case study.
    Several files: every valid file is audited and written, with a league table
    (text, md and html index pages, csv); invalid files are reported one line
    per problem, and the exit code is then 2.
    --evidence sets which facts may decide rules: established ones only,
    reported ones too (the default), or alleged ones too; weaker facts are
    shown but treated as unknown.
    Exit 0 on a completed audit, 1 when the low end of a score is below --fail-under, 2 on bad input.
    """
    from auditkit import batch
    from auditkit.engine import audit as run_audit
    from auditkit.render import RenderOptions
    from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

    _check_date(audit_date)
    batch.check_sort(sort)
    paths = list(files) or [examples_root() / DEFAULT_EXAMPLE]
    to_stdout = output is not None and str(output) == "-"  # '-o -': standard output, for any format
    output = None if to_stdout else output
    chosen = _chosen_format(fmt, output, paths, brief=brief, to_stdout=to_stdout)
    rule_sets = [load_framework(spec) for spec in (frameworks or [DEFAULT_FRAMEWORK])]
    if chosen == "json" and len(paths) >= batch.PARALLEL_JSON_MIN and (jobs or batch.default_jobs()) > 1:
        _audit_json_batch(streams, paths, rule_sets, audit_date, jobs, output, fail_under, evidence, strict)
        return
    # Loading and auditing make the objects every output is rendered from, which live until the process ends:
    # the collector is held off while they are made and then frozen out of its sight (see inputs.loading), so
    # that rendering many PDFs afterwards does not walk them again at every collection.
    with progress(streams, len(paths), "auditing") as tick, loading(streams.own_process):
        loaded, problems, invalid = load_each(streams, paths, tick)
        if problems and (len(paths) == 1 or not loaded):
            raise InputError(problems)
        show_notices(streams, loaded, strict, notices=False)
        results = []
        for item in loaded:
            result = run_audit(item, rule_sets, evidence)
            if audit_date is not None:
                result = result.model_copy(
                    update={"deployment": result.deployment.model_copy(update={"audit_date": audit_date})}
                )
            results.append(result)
    options = RenderOptions(page_size="Letter" if page_size == "letter" else "A4", brief=brief)
    valid = [path for path in paths if path not in invalid]
    out = _Output(fmt=chosen, output=output, paths=valid, sort=sort, jobs=jobs, options=options, several=len(paths) > 1)
    _emit(streams, out, results, loaded)
    _report_invalid(streams, problems, invalid, len(paths), len(results))  # last, where a reader sees them
    if not problems and fail_under is not None and any(r.score is None or r.score.low < fail_under for r in results):
        streams.exit_code = EXIT_BELOW_THRESHOLD


def _check_date(audit_date: str | None) -> None:
    """Refuse an --audit-date that is not a real date."""
    if audit_date is None:
        return
    from auditkit.dates import check_date

    try:
        check_date(audit_date)
    except ValueError as exc:
        raise single("--audit-date", f"'{audit_date}' is not a date; {exc}") from None


def _chosen_format(fmt: str | None, output: Path | None, paths: list[Path], *, brief: bool, to_stdout: bool) -> str:
    """The format to write, once the options that go with it (--brief, -o) are known to fit it."""
    chosen = infer_format(fmt, output)
    if brief and chosen not in BRIEF_FORMATS:
        raise single(
            "--brief",
            f"a brief is written as {', '.join(BRIEF_FORMATS)}, not {chosen}; add --format pdf "
            "(or md, html), or leave --brief out",
        )
    if to_stdout and len(paths) > 1 and chosen in INDEX_NAMES:
        raise single(
            "--output",
            f"several files to {chosen} need -o FOLDER (an existing folder), one report "
            "per file; '-o -' takes one file",
        )
    if not to_stdout:
        _check_output(chosen, output, paths)
    return chosen


def _audit_json_batch(
    streams: Streams,
    paths: list[Path],
    rule_sets: list[Framework],
    audit_date: str | None,
    jobs: int | None,
    output: Path | None,
    fail_under: float | None,
    evidence: str,
    strict: bool,
) -> None:
    """Many files to one JSON document, each file loaded, audited and encoded in a worker process.

    Each result is written to the output's temporary file as it arrives, while the workers go on; the
    file is renamed into place only once every file is done, and removed when the batch is refused.
    Standard error and the exit code are those of the serial path: placeholder warnings as each file
    loads, then the files' own warnings (problems with --strict), then the invalid files.
    """
    from contextlib import closing

    from auditkit import batch

    seen = _JsonBatch()
    jobs_list = [(str(p), file_label(p)) for p in paths]

    def write(stream: BinaryIO, tick: Callable[[], None]) -> None:
        """The document into ``stream``; the workers write their entries into it too (it is open before they start)."""
        items = batch.audit_json(
            jobs_list, rule_sets, audit_date, placeholder_warnings, jobs, tick, evidence, out=stream.fileno()
        )
        pieces = batch.json_pieces(seen.results(streams, paths, items, strict))
        with closing(items):  # stops the workers if writing fails; when the pieces are done, so are they
            batch.write_pieces(stream, pieces, target=output)

    with progress(streams, len(paths), "auditing") as tick, loading(streams.own_process):
        if output is None:
            import tempfile

            with tempfile.TemporaryFile() as spool:  # printed once complete, as the serial path does
                write(spool, tick)
                spool.seek(0)
                data = spool.read()
        else:
            from auditkit.outputs import write_atomic

            write_atomic(output, lambda stream: write(stream, tick))
    for note in seen.notes:
        streams.err.write(one_line(str(note)) + "\n")
    if output is None:
        streams.write_bytes(data)
    else:
        streams.err.write(f"wrote {output}\n")
    _report_invalid(streams, seen.problems, seen.invalid, len(paths), len(seen.scores))
    if not seen.problems and fail_under is not None and any(s is None or s < fail_under for s in seen.scores):
        streams.exit_code = EXIT_BELOW_THRESHOLD


@dataclass
class _JsonBatch:
    """What a JSON batch met as its results came in: problems, invalid files, warnings, low scores."""

    problems: list[Problem] = field(default_factory=list)
    invalid: list[Path] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    scores: list[float | None] = field(default_factory=list)

    def results(
        self, streams: Streams, paths: list[Path], items: Iterable[JsonItem], strict: bool
    ) -> Iterator[bytes | memoryview | Held]:
        """Each valid file's nested JSON, in input order; placeholder warnings printed as files arrive."""
        for path, item in zip(paths, items, strict=True):
            for line in item.warnings:
                streams.err.write(line + "\n")
            if item.data is None:
                self.problems.extend(item.problems)
                self.invalid.append(path)
                continue
            self.notes.extend(item.notes)
            self.scores.append(item.score)
            yield item.data
        if not self.scores:
            raise InputError(self.problems)
        if strict and self.notes:
            raise InputError(self.notes)


def _report_invalid(streams: Streams, problems: list[Problem], invalid: list[Path], total: int, audited: int) -> None:
    """Every problem of the files not audited, then one line saying which they were; exit code 2."""
    if not problems:
        return
    for problem in problems:
        streams.err.write(one_line(str(problem)) + "\n")
    streams.err.write(
        one_line(
            f"auditkit: {len(invalid)} of {total} files not audited because of the problems "
            f"above: {', '.join(map(str, invalid))}; the other {audited} were audited"
        )
        + "\n"
    )
    streams.exit_code = EXIT_BAD_INPUT


def _check_output(fmt: str, output: Path | None, paths: list[Path]) -> None:
    """Refuse, before any work, an output that cannot be written or would overwrite an input or another report."""
    from auditkit.outputs import check_target

    if fmt == "pdf" and output is None:
        raise single("--output", "a PDF report needs a file name; add -o REPORT.pdf (or -o - for standard output)")
    if fmt == "csv" and output is not None:
        for target in _csv_targets(output):
            check_target(target, paths)
        return
    if len(paths) > 1 and fmt in INDEX_NAMES:
        _check_folder(fmt, output, paths)
    elif output is not None:
        check_target(output, paths)


def _check_folder(fmt: str, output: Path | None, paths: list[Path]) -> None:
    """Several reports go into an existing folder, each under its own name, none over the index page."""
    from auditkit.outputs import check_target

    if output is None or output.is_symlink() or not output.is_dir():
        raise single(
            "--output",
            f"several files to {fmt} need -o FOLDER (an existing folder), one report per file and an index page",
        )
    seen: dict[str, Path] = {}
    for path in paths:
        if path.stem in seen:  # both reports would get the same name and the second would replace the first
            raise single(
                file_label(path),
                f"this file and {file_label(seen[path.stem])} would both be "
                f"reported as {path.stem}.{fmt}; rename one of them",
            )
        if f"{path.stem}.{fmt}" == INDEX_NAMES[fmt]:
            raise single(
                file_label(path), f"its report would replace the index page {INDEX_NAMES[fmt]}; rename the file"
            )
        seen[path.stem] = path
        check_target(output / (path.stem + "." + fmt), paths)
    check_target(output / INDEX_NAMES[fmt], paths)


def _csv_targets(output: Path) -> tuple[Path, Path]:
    """Where --format csv writes the programmes table and the findings table."""
    if output.is_dir():
        return output / "programmes.csv", output / "findings.csv"
    return output, output.with_name(output.stem + "-findings" + (output.suffix or ".csv"))


@dataclass(frozen=True)
class _Output:
    """How the audited files are written: the format, where, in which order, with which render options."""

    fmt: str
    output: Path | None  # None: standard output
    paths: list[Path]  # the files audited, in input order (the invalid ones left out)
    sort: str  # the league table's column
    jobs: int | None  # processes rendering PDFs at once
    options: RenderOptions
    several: bool  # several files were given (valid or not): a league table or an index page

    @property
    def files(self) -> list[str]:
        """The audited files' names, as the league table shows them."""
        return [str(p) for p in self.paths]


def _emit(streams: Streams, out: _Output, results: list[AuditResult], loaded: list[LoadedDeployment]) -> None:
    """Render the results and print them, or write every file only once all are rendered."""
    if out.fmt == "csv":
        writes = _csv(streams, out, results)
    elif out.several and out.fmt in ("text", "json"):
        writes = _table(streams, out, results)
    else:
        writes = _reports(streams, out, results, loaded)
    from auditkit.outputs import write_atomic

    for target, data in writes:
        write_atomic(target, data)
        streams.err.write(terminal(f"wrote {file_label(target)}") + "\n")


def _csv(streams: Streams, out: _Output, results: list[AuditResult]) -> list[tuple[Path, bytes]]:
    """The programmes table (printed, or written with the findings table beside it)."""
    from auditkit import batch

    table = batch.rows(results, out.files)
    programmes, findings = batch.programmes_csv(table, out.sort), batch.findings_csv(table, out.sort)
    if out.output is None:
        streams.write_bytes(programmes)
        return []
    return list(zip(_csv_targets(out.output), (programmes, findings), strict=True))


def _table(streams: Streams, out: _Output, results: list[AuditResult]) -> list[tuple[Path, bytes]]:
    """Several results as one text league table or one JSON document."""
    from auditkit import batch

    with loading(streams.own_process):  # a big tree of dicts and no cyclic garbage: nothing to collect
        if out.fmt == "text":
            data = batch.text(batch.rows(results, out.files), out.sort)
        else:
            from auditkit.render.jsonout import render_batch

            data = render_batch(results)
    if out.output is None:
        streams.write_bytes(data)
        return []
    return [(out.output, data)]


def _reports(
    streams: Streams, out: _Output, results: list[AuditResult], loaded: list[LoadedDeployment]
) -> list[tuple[Path, bytes]]:
    """One report per result (and an index page for several), every one rendered before any is written.

    Rendering them all first means a failure leaves no partial set of files.
    """
    from auditkit import batch
    from auditkit.render import Format, renderer

    chosen = Format(out.fmt)
    inputs = [replace(out.options, input_bytes=item.raw) for item in loaded]
    with progress(streams, len(results), f"writing {out.fmt}") as tick:
        if chosen is Format.PDF and len(results) > 1 and (out.jobs is None or out.jobs > 1):
            rendered = batch.render_parallel(results, inputs, out.jobs, tick)
        else:
            render = renderer(chosen)
            rendered = []
            for result, item_options in zip(results, inputs, strict=True):
                rendered.append(render(result, item_options))
                tick()
    if out.output is None:
        for data in rendered:
            streams.write_bytes(data)
        return []
    if not out.several:
        return [(out.output, rendered[0])]
    names = [p.stem + "." + out.fmt for p in out.paths]
    writes = list(zip([out.output / name for name in names], rendered, strict=True))
    table = batch.rows(results, out.files, reports=names)
    index = batch.markdown(table, out.sort) if out.fmt == "md" else batch.html(table, out.sort)
    return [*writes, (out.output / INDEX_NAMES[out.fmt], index)]
