"""The command line. Only this module prints or decides exit codes.

Exit codes: 0 the command did its job; 1 an audit's low end scored below --fail-under;
2 bad input (every problem is printed, one line each); 3 an internal error
(a bug: one line asking for a report, never a traceback); 130 interrupted
(Ctrl-C); 143 terminated (SIGTERM). A closed output pipe changes none of them.

The parser is the standard library's argparse: it costs 2 ms to import where
click cost 15 ms, and ``auditkit validate`` is meant to answer at once (see
benchmarks/). Its messages are reworded here into one line that says what to
fix, with a "did you mean" for mistyped commands and options.
"""

from __future__ import annotations

import argparse
import io
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, NoReturn

from auditkit import __version__
from auditkit.errors import AuditkitError, InputError, single
from auditkit.escape import file_label, terminal
from auditkit.interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, ignore_more, received

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

DEFAULT_EXAMPLE = "moscow-safe-city-frt.yaml"
FORMATS = ("text", "json", "md", "html", "pdf", "csv")
# The format an output file's extension stands for, when --format is not given (see infer_format).
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".csv": "csv",
    ".docx": "docx",
}
BRIEF_FORMATS = ("pdf", "html", "md")
SCHEMA_KINDS = ("deployment", "ruleset", "framework", "result")
EVIDENCE = ("established", "reported", "alleged")
COMPARE_FORMATS = ("text", "json", "md", "html", "pdf")
ANNEX_FORMATS = ("md", "html", "pdf", "docx", "text")


class _Guarded(io.TextIOBase):
    """A text stream whose reader may go away (``auditkit ... | head``, ``2>&1 | true``).

    A broken pipe must not turn into another exit code or a traceback: once a
    write fails that way, later writes are dropped and the command carries on
    to the exit code it would have had.
    """

    def __init__(self, stream: IO[str]) -> None:
        super().__init__()
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self.stream.write(text)
                self.stream.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.gone = True
        return len(text)

    def write_binary(self, data: bytes) -> None:
        buffer = getattr(self.stream, "buffer", None)
        if buffer is None:
            self.write(data.decode("utf-8"))
            return
        if not self.gone:
            try:
                self.stream.flush()
                buffer.write(data)
                buffer.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.gone = True

    def isatty(self) -> bool:
        return not self.gone and bool(getattr(self.stream, "isatty", lambda: False)())

    def flush(self) -> None:
        if not self.gone:
            try:
                self.stream.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.gone = True


@dataclass
class Streams:
    out: IO[str] | _Guarded
    err: IO[str] | _Guarded
    exit_code: int = EXIT_OK
    own_process: bool = False  # the console script, which exits when the command is done (see _loading)

    def write_bytes(self, data: bytes) -> None:
        if isinstance(self.out, _Guarded):
            self.out.write_binary(data)
            return
        buffer = getattr(self.out, "buffer", None)
        if buffer is not None:
            self.out.flush()
            buffer.write(data)
            buffer.flush()
        else:
            self.out.write(data.decode("utf-8"))


def examples_root() -> Path:
    """The folder of bundled case studies."""
    from importlib import resources

    packaged = Path(str(resources.files("auditkit"))) / "examples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "examples"


# --- commands ----------------------------------------------------------------------------------------


def validate(streams: Streams, files: list[Path], strict: bool = False) -> None:
    """Check deployment files; print every problem as file:line:col: field: message.

    Warnings (a source with no web address or kind) are printed too.
    Exit 0 when every file is valid, 2 otherwise.
    With --strict, a warning counts as a problem."""
    _load_all(streams, files, strict, notices=True)
    for path in files:
        streams.out.write(terminal(f"{file_label(path)}: valid") + "\n")


def _load_all(streams: Streams, files: list[Path], strict: bool = False, *, notices: bool = False) -> list[Any]:
    """Load every file; raise one InputError listing every problem. Warnings (and notices) go to stderr."""
    loaded, problems, _ = _load_each(streams, files)
    if problems:
        raise InputError(problems)
    _notices(streams, loaded, strict, notices=notices)
    return loaded


def _notices(streams: Streams, loaded: list[Any], strict: bool, *, notices: bool = True) -> None:
    """Print each file's notice (format 1) and warnings; with ``strict``, warnings are problems (exit 2).

    Only 'validate' shows notices: a format-1 file audits (and plans, compares) as it always did, and
    'validate' says to migrate it.
    """
    warnings = [w for item in loaded for w in item.warnings]
    for item in loaded:
        for line in (*(item.notices if notices else ()), *([] if strict else item.warnings)):
            streams.err.write(_one_line(str(line)) + "\n")
    if strict and warnings:
        raise InputError(warnings)


def _load_each(
    streams: Streams, files: list[Path], tick: Callable[[], None] = lambda: None
) -> tuple[list[Any], list[Any], list[Path]]:
    """(valid deployments, every problem of the others, the files that were invalid), in input order."""
    with _loading(streams.own_process):
        from auditkit.model.load import load_deployment

        loaded, problems, invalid = [], [], []
        for path in files:
            try:
                loaded.append(load_deployment(path, display=file_label(path)))
                _warn_placeholders(streams, loaded[-1])
            except InputError as exc:
                problems.extend(exc.problems)
                invalid.append(path)
            tick()
    return loaded, problems, invalid


def _warn_placeholders(streams: Streams, item: Any) -> None:
    """One warning line (file:line:col) for each of 'auditkit init's placeholder texts left in a file."""
    for line in _placeholder_warnings(item):
        streams.err.write(line + "\n")


def _placeholder_warnings(item: Any) -> list[str]:
    from auditkit.template import placeholders

    found = placeholders(item.deployment)
    if not found:
        return []
    from auditkit.yamlio import parse_bytes

    doc = parse_bytes(item.raw, item.file)
    return [
        _one_line(
            str(
                doc.problem(path, f"warning: still the template's placeholder '{text}'; replace it with the real value")
            )
        )
        for path, text in found
    ]


@contextmanager
def _loading(own_process: bool) -> Iterator[None]:
    """In the console script, hold the garbage collector off while modules load and files are validated.

    That phase makes tens of thousands of objects (pydantic's validators, the
    models) that live until the process exits: the collector would walk them
    again and again for nothing, then once more at exit, a tenth of
    'auditkit validate' (benchmarks/, section 3). Afterwards they are frozen
    out of its sight and it runs again, for rendering, which does make
    garbage. In-process callers (tests, libraries) keep the collector as it is.
    """
    import gc

    if not own_process or not gc.isenabled():  # a library caller, or already inside this context
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def infer_format(fmt: str | None, output: Path | None, formats: Sequence[str] = FORMATS, default: str = "text") -> str:
    """The output format: --format when given, else the output file's extension, else ``default``.

    A --format that contradicts a known extension ('--format text -o report.pdf') is refused, so that plain
    text is never written into a file every program will open as a PDF.
    """
    if output is None or output.is_dir():
        return fmt or default
    implied = EXTENSIONS.get(output.suffix.lower())
    if fmt is None:
        if implied is None:
            return default
        if implied not in formats:
            raise single(
                str(output),
                f"this command cannot write {implied} ({output.suffix} files); use one of: {', '.join(formats)}",
            )
        return implied
    if implied is not None and implied != fmt:
        raise single(
            str(output),
            f"--format {fmt} does not match the {output.suffix} extension; drop --format "
            f"to write {implied}, or name the file with .{'txt' if fmt == 'text' else fmt}",
        )
    return fmt


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

    if audit_date is not None:
        from auditkit.dates import check_date

        try:
            check_date(audit_date)
        except ValueError as exc:
            raise single("--audit-date", f"'{audit_date}' is not a date; {exc}") from None
    batch.check_sort(sort)
    paths = list(files) or [examples_root() / DEFAULT_EXAMPLE]
    to_stdout = output is not None and str(output) == "-"  # '-o -': standard output, for any format
    output = None if to_stdout else output
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
    rule_sets = [load_framework(spec) for spec in (frameworks or [DEFAULT_FRAMEWORK])]
    if chosen == "json" and len(paths) >= batch.PARALLEL_JSON_MIN and (jobs or batch.default_jobs()) > 1:
        _audit_json_batch(streams, paths, rule_sets, audit_date, jobs, output, fail_under, evidence, strict)
        return
    # Loading and auditing make the objects every output is rendered from, which live until the process ends:
    # the collector is held off while they are made and then frozen out of its sight (see _loading), so that
    # rendering many PDFs afterwards does not walk them again at every collection.
    with _progress(streams, len(paths), "auditing") as tick, _loading(streams.own_process):
        loaded, problems, invalid = _load_each(streams, paths, tick)
        if problems and (len(paths) == 1 or not loaded):
            raise InputError(problems)
        _notices(streams, loaded, strict, notices=False)
        results = []
        for item in loaded:
            result = run_audit(item, rule_sets, evidence)
            if audit_date is not None:
                result = result.model_copy(
                    update={"deployment": result.deployment.model_copy(update={"audit_date": audit_date})}
                )
            results.append(result)
    valid = [path for path in paths if path not in invalid]
    options = RenderOptions(page_size="Letter" if page_size == "letter" else "A4", brief=brief)
    _emit(streams, chosen, results, loaded, options, output, valid, sort, jobs, several=len(paths) > 1)
    _report_invalid(streams, problems, invalid, len(paths), len(results))  # last, where a reader sees them
    if not problems and fail_under is not None and any(r.score is None or r.score.low < fail_under for r in results):
        streams.exit_code = EXIT_BELOW_THRESHOLD


def _audit_json_batch(
    streams: Streams,
    paths: list[Path],
    rule_sets: list[Any],
    audit_date: str | None,
    jobs: int | None,
    output: Path | None,
    fail_under: float | None,
    evidence: str,
    strict: bool,
) -> None:
    """Many files to one JSON document, each file loaded, audited and encoded in a worker process.

    Standard error and the exit code are those of the serial path: placeholder warnings as each file
    loads, then the files' own warnings (problems with --strict), then the invalid files."""
    from auditkit import batch
    from auditkit.outputs import write_atomic

    with _progress(streams, len(paths), "auditing") as tick, _loading(streams.own_process):
        items = batch.audit_json(
            [(str(p), file_label(p)) for p in paths], rule_sets, audit_date, _placeholder_warnings, jobs, tick, evidence
        )
    for item in items:
        for line in item.warnings:
            streams.err.write(line + "\n")
    problems = [problem for item in items for problem in item.problems]
    invalid = [path for path, item in zip(paths, items) if item.data is None]
    done = [item for item in items if item.data is not None]
    if not done:
        raise InputError(problems)
    notes = [note for item in done for note in item.notes]
    if strict and notes:
        raise InputError(notes)
    for note in notes:
        streams.err.write(_one_line(str(note)) + "\n")
    data = batch.join_json([item.data for item in done if item.data is not None])
    if output is None:
        streams.write_bytes(data)
    else:
        write_atomic(output, data)
        streams.err.write(f"wrote {output}\n")
    _report_invalid(streams, problems, invalid, len(paths), len(done))
    if not problems and fail_under is not None and any(i.score is None or i.score < fail_under for i in done):
        streams.exit_code = EXIT_BELOW_THRESHOLD


def _report_invalid(streams: Streams, problems: list[Any], invalid: list[Path], total: int, audited: int) -> None:
    """Every problem of the files not audited, then one line saying which they were; exit code 2."""
    if not problems:
        return
    for problem in problems:
        streams.err.write(_one_line(str(problem)) + "\n")
    streams.err.write(
        _one_line(
            f"auditkit: {len(invalid)} of {total} files not audited because of the problems "
            f"above: {', '.join(map(str, invalid))}; the other {audited} were audited"
        )
        + "\n"
    )
    streams.exit_code = EXIT_BAD_INPUT


@contextmanager
def _progress(streams: Streams, total: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on standard error for long batches, shown only on a terminal (never in pipes, files or
    CI logs); yields the function to call once per item done."""
    import os

    shown = total > 1 and streams.err.isatty() and os.environ.get("CI", "").lower() in ("", "0", "false")
    if not shown:
        yield lambda: None
        return
    from tqdm import tqdm  # type: ignore[import-untyped]

    with tqdm(total=total, desc=label, unit="file", file=streams.err, leave=False, dynamic_ncols=True) as bar:
        yield lambda: bar.update(1)


INDEX_NAMES = {"md": "index.md", "html": "index.html", "pdf": "index.html"}


def _check_output(fmt: str, output: Path | None, paths: list[Path]) -> None:
    from auditkit.outputs import check_target

    if fmt == "pdf" and output is None:
        raise single("--output", "a PDF report needs a file name; add -o REPORT.pdf (or -o - for standard output)")
    if fmt == "csv" and output is not None:
        for target in _csv_targets(output):
            check_target(target, paths)
        return
    if len(paths) > 1 and fmt in INDEX_NAMES:
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
    elif output is not None:
        check_target(output, paths)


def _csv_targets(output: Path) -> tuple[Path, Path]:
    """Where --format csv writes the programmes table and the findings table."""
    if output.is_dir():
        return output / "programmes.csv", output / "findings.csv"
    return output, output.with_name(output.stem + "-findings" + (output.suffix or ".csv"))


def _emit(
    streams: Streams,
    fmt: str,
    results: list[Any],
    loaded: list[Any],
    options: Any,
    output: Path | None,
    paths: list[Path],
    sort: str,
    jobs: int | None,
    *,
    several: bool,
) -> None:
    from auditkit import batch
    from auditkit.outputs import write_atomic
    from auditkit.render import Format, renderer

    files = [str(p) for p in paths]
    writes: list[tuple[Path, bytes]] = []
    if fmt == "csv":
        table = batch.rows(results, files)
        programmes, findings = batch.programmes_csv(table, sort), batch.findings_csv(table, sort)
        if output is None:
            streams.write_bytes(programmes)
            return
        writes = list(zip(_csv_targets(output), (programmes, findings)))
    elif several and fmt in ("text", "json"):
        with _loading(streams.own_process):  # a big tree of dicts and no cyclic garbage: nothing to collect
            if fmt == "text":
                data = batch.text(batch.rows(results, files), sort)
            else:
                from auditkit.render.jsonout import render_batch

                data = render_batch(results)
        if output is None:
            streams.write_bytes(data)
            return
        writes = [(output, data)]
    else:
        chosen = Format(fmt)
        inputs = [replace(options, input_bytes=item.raw) for item in loaded]
        # Render every report before writing any, so that a failure leaves no partial set of files.
        with _progress(streams, len(results), f"writing {fmt}") as tick:
            if chosen is Format.PDF and len(results) > 1 and (jobs is None or jobs > 1):
                rendered = batch.render_parallel(results, inputs, jobs, tick)
            else:
                render = renderer(chosen)
                rendered = []
                for result, item_options in zip(results, inputs):
                    rendered.append(render(result, item_options))
                    tick()
        if output is None:
            for data in rendered:
                streams.write_bytes(data)
            return
        if several:
            names = [p.stem + "." + fmt for p in paths]
            writes = [(output / name, data) for name, data in zip(names, rendered)]
            table = batch.rows(results, files, reports=names)
            index = batch.markdown(table, sort) if fmt == "md" else batch.html(table, sort)
            writes.append((output / INDEX_NAMES[fmt], index))
        else:
            writes = [(output, rendered[0])]
    for target, data in writes:
        write_atomic(target, data)
        streams.err.write(terminal(f"wrote {file_label(target)}") + "\n")


def _audit_one(streams: Streams, path: Path, frameworks: list[Any]) -> tuple[Any, Any]:
    """(loaded description, audit result) of one file; InputError with every problem when it is invalid."""
    from auditkit.engine import audit as run_audit

    loaded = _load_all(streams, [path])[0]
    return loaded, run_audit(loaded, frameworks)


def _frameworks(specs: list[str]) -> list[Any]:
    from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

    return [load_framework(spec) for spec in (specs or [DEFAULT_FRAMEWORK])]


def _write(streams: Streams, output: Path | None, data: bytes, inputs: list[Path]) -> None:
    """Print ``data``, or write it to ``output`` all or nothing and say so."""
    from auditkit.outputs import write_atomic

    if output is None:
        streams.write_bytes(data)
        return
    write_atomic(output, data)
    streams.err.write(f"wrote {output}\n")


def _document_output(fmt: str | None, output: Path | None, inputs: list[Path], formats: Sequence[str]) -> str:
    from auditkit.outputs import check_target

    chosen = infer_format(fmt, output, formats)
    if chosen in ("pdf", "docx") and output is None:
        raise single("--output", f"a {chosen.upper()} file needs a name; add -o FILE.{chosen}")
    if output is not None:
        check_target(output, inputs)
    return chosen


def compare(
    streams: Streams,
    before: Path,
    after: Path,
    frameworks: list[str],
    before_frameworks: list[str],
    fmt: str | None,
    output: Path | None,
) -> None:
    """Compare two descriptions of a programme: before and after an amendment, or two years apart.

    Shows each principle's verdict and score before and after, every rule whose
    status changed with the facts behind the change and their sources, what
    still caps the grade, and the facts added, removed and changed. The two
    files may be in different format versions; --before-framework audits
    BEFORE against another rule set (an older version), and the comparison
    says when the rule sets differ.
    """
    from auditkit import compare as comparing
    from auditkit.document import render

    chosen = _document_output(fmt, output, [before, after], COMPARE_FORMATS)
    after_rules = _frameworks(frameworks)
    before_rules = _frameworks(before_frameworks) if before_frameworks else after_rules
    problems = []
    try:
        old_loaded, old = _audit_one(streams, before, before_rules)
    except InputError as exc:
        problems += exc.problems
    try:
        new_loaded, new = _audit_one(streams, after, after_rules)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    result = comparing.compare(old, new, old_loaded.deployment, new_loaded.deployment, before_rules, after_rules)
    if chosen == "json":
        from auditkit.render.jsonout import dumps

        data = dumps({"comparison_version": 1, **comparing.view(result)})
    else:
        data = render(comparing.document(result), chosen)
    _write(streams, output, data, [before, after])


def plan(
    streams: Streams,
    file: Path,
    targets: list[str],
    frameworks: list[str],
    fmt: str | None,
    output: Path | None,
    write_after: Path | None,
) -> None:
    """Plan an amendment: the fewest fact changes, from the rules' conditions, that reach a target grade.

    Each step names the rule, the facts it changes and the amendment clause (the
    rule's remedy), in order of effect; the plan is proved by auditing the
    changed description again, which --write-after saves for 'auditkit
    compare'. Targets: a grade (--target B) and/or principles (--target P3=met).
    Exit 0 when the target is reached, 1 when no set of changes reaches it (the
    rules that block it are named), 2 on bad input.
    """
    from auditkit import plan as planning
    from auditkit.document import render
    from auditkit.outputs import check_target, write_atomic

    if not targets:
        raise UsageError("Missing option --target GRADE (such as --target C, or --target P3=met)", "auditkit plan")
    try:
        target = planning.parse_target(targets)
    except ValueError as exc:
        raise UsageError(f"Invalid value for '--target': {exc}", "auditkit plan") from None
    chosen = _document_output(fmt, output, [file], COMPARE_FORMATS)
    if write_after is not None:
        check_target(write_after, [file])
    rule_sets = _frameworks(frameworks)
    known = {p.id for fw in rule_sets for p in fw.principles}
    unknown = [pid for pid, _ in target.principles if pid not in known]
    if unknown:
        raise single(
            "--target", f"no principle {unknown[0]} in the rule set; expected one of: {', '.join(sorted(known))}"
        )
    loaded = _load_all(streams, [file])[0]
    result = planning.make_plan(loaded.deployment, rule_sets, target)
    name = loaded.deployment.deployment.name
    if chosen == "json":
        from auditkit.render.jsonout import dumps

        data = dumps({"plan_version": 1, **planning.view(result, name)})
    else:
        data = render(planning.document(result, name, loaded.deployment.deployment.audit_date), chosen)
    _write(streams, output, data, [file])
    if write_after is not None:
        write_atomic(write_after, result.after_yaml)
        streams.err.write(f"wrote {write_after}\n")
    if not result.reached:
        streams.exit_code = EXIT_BELOW_THRESHOLD


def migrate(streams: Streams, files: list[Path]) -> None:
    """Rewrite format-1 deployment files as format 2, in place, keeping comments and order.

    Each file must load as it is; a file already in format 2 is left alone.
    Nothing is written unless every file can be migrated.
    """
    from auditkit.migrate import migrate_files

    for line in migrate_files(files):
        streams.err.write(_one_line(line) + "\n")


def annex(
    streams: Streams,
    file: Path,
    frameworks: list[str],
    targets: list[str],
    use_plan: bool,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Write the amendments annex: every clause the audit proposes, definitions first, in one document.

    Formats: md (the default on screen), html, pdf and docx (for Word); the
    format follows -o's extension. With --plan and --target, only the clauses
    of that plan, in its order.
    """
    from auditkit import annex as annexes
    from auditkit.document import render

    if use_plan != bool(targets):
        raise UsageError(
            "--plan and --target go together: --plan --target C takes the clauses of the plan to grade C",
            "auditkit annex",
        )
    chosen = _document_output(fmt, output, [file], ANNEX_FORMATS) if fmt or output else "md"
    rule_sets = _frameworks(frameworks)
    loaded, result = _audit_one(streams, file, rule_sets)
    proposal = None
    if use_plan:
        from auditkit import plan as planning

        try:
            target = planning.parse_target(targets)
        except ValueError as exc:
            raise UsageError(f"Invalid value for '--target': {exc}", "auditkit annex") from None
        proposal = planning.make_plan(loaded.deployment, rule_sets, target)
        if not proposal.reached:
            streams.err.write(
                f"auditkit: the plan does not reach {target.describe()}; the annex holds the "
                "clauses of the best plan found ('auditkit plan' names what blocks it)\n"
            )
    data = render(annexes.document(result, rule_sets, proposal), chosen)
    _write(streams, output, data, [file])


def principles(streams: Streams, rule_id: str | None, frameworks: list[str], check: bool, markdown: bool) -> None:
    """List frameworks, principles and rules; with an ID, explain that principle (P3) or rule (P3-01)."""
    from auditkit.explain import explain, listing
    from auditkit.explain import markdown as catalogue_markdown
    from auditkit.rules.lint import lint
    from auditkit.rules.loader import builtin_ids, load_framework

    loaded = [load_framework(spec) for spec in (frameworks or builtin_ids())]
    if check:
        failures = [line for fw in loaded for line in lint(fw)]
        for line in failures:  # they quote values from the pack
            streams.err.write(terminal(line) + "\n")
        if failures:
            raise InputError([])
        count = sum(len(fw.rules) for fw in loaded)
        streams.out.write(f"{count} rules in {len(loaded)} framework(s): all checks passed\n")
        return
    if markdown:
        streams.out.write(catalogue_markdown(loaded))
        return
    if rule_id is None:
        streams.out.write(listing(loaded))
        return
    streams.out.write(explain(loaded, rule_id))


def init(streams: Streams, file: Path | None, force: bool) -> None:
    """Write a commented template deployment file (to FILE, or print it).

    Every question is there, grouped by principle, answered 'unknown'; the
    template validates as it is and audits to 'insufficient information'.
    """
    from auditkit.outputs import write_atomic
    from auditkit.template import template

    text = template()
    if file is None:
        streams.out.write(text)
        return
    if file.exists() and not force:
        raise single(str(file), "this file exists; choose another name or add --force to overwrite it")
    if not file.parent.resolve().is_dir():
        raise single(str(file), "the folder for this file does not exist; create it first")
    write_atomic(file, text.encode("utf-8"))
    streams.err.write(
        terminal(f"wrote {file_label(file)}; fill it in, then run: auditkit validate {file_label(file)}") + "\n"
    )


def serve(streams: Streams, host: str, port: int | None, no_browser: bool) -> None:
    """Describe, audit and download a report in your web browser, without writing YAML.

    Starts the questionnaire on this computer, prints its address and opens it
    in the browser. Nothing is sent anywhere; descriptions are read from and
    saved to the folder it is started in, and nowhere else. Ctrl-C stops it.
    """
    from auditkit.web.server import serve as run_server

    run_server(streams.out, Path.cwd(), host, port, open_browser=not no_browser)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number from 1 to 65535")
    return int(text)


def schema(streams: Streams, kind: str) -> None:
    """Print a JSON Schema (draft 2020-12): deployment, ruleset (one rule file), framework or result."""
    import json

    from auditkit.schemas import schema_json

    streams.out.write(json.dumps(schema_json(kind), indent=2, sort_keys=True) + "\n")


# --- the parser --------------------------------------------------------------------------------------

DESCRIPTION = """\
Audit a public surveillance programme against human-rights principles.

Describe the programme in a YAML file (start with 'auditkit init'), check it
with 'auditkit validate', then 'auditkit audit' it to get a scored report.
With no file, 'auditkit audit' shows the audit of a bundled case study."""


class UsageError(Exception):
    """The command line itself is wrong; ``command`` names the help to read."""

    def __init__(self, message: str, command: str = "auditkit") -> None:
        super().__init__(message)
        self.command = command


class _Done(Exception):
    """Help or version was asked for: print ``text`` and exit 0."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing and exiting, so that main() decides what is shown."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(_reword(message), self.prog)


class _Show(argparse.Action):
    """-h/--help and --version: stop parsing and have main() print a text to its stream and exit 0.

    (argparse's own actions print to sys.stdout and call sys.exit, which in-process callers would not want.)
    """

    def __init__(self, option_strings: Sequence[str], dest: str, text: str = "", help: str | None = None) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, help=help)
        self.text = text

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        raise _Done(self.text or parser.format_help())


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30, width=100)


def _choice(allowed: Sequence[str], *, fold_case: bool = False) -> Callable[[str], str]:
    """An argparse type that accepts one of ``allowed`` and says which ones when it is not."""

    def check(text: str) -> str:
        for value in allowed:
            if text == value or (fold_case and text.lower() == value.lower()):
                return value
        raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(allowed)}")

    return check


def _score(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")  # fails the range check below, which says what is wanted
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a score from 0 to 100")
    return value


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes; give 1 or more")
    return int(text)


def _summary(function: Callable[..., Any]) -> str:
    return (function.__doc__ or "").strip().splitlines()[0]


def _description(function: Callable[..., Any]) -> str:
    import inspect

    return inspect.cleandoc(function.__doc__ or "")


def build_parser() -> tuple[_Parser, dict[str, _Parser]]:
    """The whole command line, and its sub-parser for each command by name."""
    parser = _Parser(
        prog="auditkit",
        usage="auditkit [-h] [--version] COMMAND [ARGS]...",
        description=DESCRIPTION,
        add_help=False,
        allow_abbrev=False,
        formatter_class=_formatter,
    )
    parser.add_argument("-h", "--help", action=_Show, help="Show this message and exit.")
    parser.add_argument("--version", action=_Show, text=f"auditkit {__version__}\n", help="Show the version and exit.")
    # One parser per command; parse() picks it by the first word. The epilog below lists them.
    subs: dict[str, _Parser] = {}

    def command(function: Callable[..., Any]) -> _Parser:
        sub = _Parser(
            prog=f"auditkit {function.__name__}",
            description=_description(function),
            add_help=False,
            allow_abbrev=False,
            formatter_class=_formatter,
        )
        sub.add_argument("-h", "--help", action=_Show, help="Show this message and exit.")
        sub.set_defaults(run=function)
        subs[function.__name__] = sub
        return sub

    sub = command(audit)
    sub.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="Deployment files (YAML or JSON). Default: the bundled Moscow case study.",
    )
    sub.add_argument(
        "-f",
        "--framework",
        dest="frameworks",
        action="append",
        default=[],
        metavar="ID|FOLDER",
        help="Rule set to audit against, by id or folder; repeat for several. Default: agora-2020.",
    )
    sub.add_argument(
        "--format",
        dest="fmt",
        type=_choice(FORMATS),
        default=None,
        metavar="{" + ",".join(FORMATS) + "}",
        help="Output format. Default: from the -o file's extension, else text.",
    )
    sub.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="PATH",
        help="Write to this file (a folder when auditing several files to md, html or pdf); "
        "'-' for standard output. Only a regular file or a new name is replaced.",
    )
    sub.add_argument(
        "--fail-under",
        type=_score,
        metavar="SCORE",
        help="Exit 1 unless every audited file scores SCORE (0-100) or more at the low end of its range.",
    )
    sub.add_argument("--audit-date", metavar="YYYY-MM-DD", help="Date printed on the report (overrides the file's).")
    sub.add_argument(
        "--page-size",
        type=_choice(("A4", "letter"), fold_case=True),
        default="A4",
        metavar="{A4,letter}",
        help="Paper size of PDF reports. Default: A4.",
    )
    sub.add_argument(
        "--brief",
        action="store_true",
        help="A two-page brief (pdf, html or md): grade, principles, red lines, top gaps and questions.",
    )
    sub.add_argument(
        "--sort",
        default="grade",
        metavar="COLUMN",
        help="Sort the league table of several files by file, name, grade, score, coverage, "
        "red-lines or a principle such as P3, best first; --sort=-COLUMN reverses. Default: grade.",
    )
    sub.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        metavar="N",
        help="Render several PDFs in N processes at once. Default: the number of cores.",
    )
    sub.add_argument(
        "--evidence",
        type=_choice(EVIDENCE),
        default="reported",
        metavar="{" + ",".join(EVIDENCE) + "}",
        help="The weakest facts that may decide rules: established, reported (the default) or "
        "alleged. Weaker facts are shown but count as unknown.",
    )
    sub.add_argument(
        "--strict", action="store_true", help="Treat warnings (such as a source with no url) as errors: exit 2."
    )

    sub = command(compare)
    sub.add_argument("before", type=Path, metavar="BEFORE", help="The description before (YAML or JSON).")
    sub.add_argument("after", type=Path, metavar="AFTER", help="The description after.")
    sub.add_argument(
        "-f",
        "--framework",
        dest="frameworks",
        action="append",
        default=[],
        metavar="ID|FOLDER",
        help="Rule set(s) to audit both against. Default: agora-2020.",
    )
    sub.add_argument(
        "--before-framework",
        dest="before_frameworks",
        action="append",
        default=[],
        metavar="ID|FOLDER",
        help="Audit BEFORE against this rule set instead (an older version).",
    )
    sub.add_argument(
        "--format",
        dest="fmt",
        type=_choice(COMPARE_FORMATS),
        default=None,
        metavar="{" + ",".join(COMPARE_FORMATS) + "}",
        help="Output format. Default: from the -o file's extension, else text.",
    )
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="Write to this file.")

    sub = command(plan)
    sub.add_argument("file", type=Path, metavar="FILE", help="The deployment description (YAML or JSON).")
    sub.add_argument(
        "-t",
        "--target",
        dest="targets",
        action="append",
        default=[],
        metavar="GRADE|P=VERDICT",
        help="The grade to reach (A-E), or a principle's verdict (P3=met, P7=partially_met); repeatable.",
    )
    sub.add_argument(
        "-f",
        "--framework",
        dest="frameworks",
        action="append",
        default=[],
        metavar="ID|FOLDER",
        help="Rule set(s) to audit against. Default: agora-2020.",
    )
    sub.add_argument(
        "--format",
        dest="fmt",
        type=_choice(COMPARE_FORMATS),
        default=None,
        metavar="{" + ",".join(COMPARE_FORMATS) + "}",
        help="Output format. Default: from the -o file's extension, else text.",
    )
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="Write the plan to this file.")
    sub.add_argument(
        "--write-after",
        type=Path,
        metavar="FILE",
        help="Write the description as it would be after the plan (YAML), for 'auditkit compare'.",
    )

    sub = command(annex)
    sub.add_argument("file", type=Path, metavar="FILE", help="The deployment description (YAML or JSON).")
    sub.add_argument(
        "-f",
        "--framework",
        dest="frameworks",
        action="append",
        default=[],
        metavar="ID|FOLDER",
        help="Rule set(s) to audit against. Default: agora-2020.",
    )
    sub.add_argument(
        "--plan",
        dest="use_plan",
        action="store_true",
        help="Take the clauses of a plan (give its --target) instead of every proposed clause.",
    )
    sub.add_argument(
        "-t",
        "--target",
        dest="targets",
        action="append",
        default=[],
        metavar="GRADE|P=VERDICT",
        help="With --plan: the plan's target, as for 'auditkit plan'.",
    )
    sub.add_argument(
        "--format",
        dest="fmt",
        type=_choice(ANNEX_FORMATS),
        default=None,
        metavar="{" + ",".join(ANNEX_FORMATS) + "}",
        help="Output format. Default: from the -o file's extension, else md.",
    )
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="Write the annex to this file.")

    sub = command(validate)
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Deployment files (YAML or JSON).")
    sub.add_argument("--strict", action="store_true", help="Treat warnings as errors: exit 2.")

    sub = command(migrate)
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Format-1 deployment files to rewrite.")

    sub = command(init)
    sub.add_argument("file", nargs="?", type=Path, metavar="FILE", help="Where to write the template.")
    sub.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")

    sub = command(principles)
    sub.add_argument("rule_id", nargs="?", metavar="ID", help="A principle (P3) or a rule (P3-01) to explain.")
    sub.add_argument(
        "-f",
        "--framework",
        dest="frameworks",
        action="append",
        default=[],
        metavar="ID|FOLDER",
        help="Rule set(s) to list or check. Default: every bundled one.",
    )
    sub.add_argument(
        "--check", action="store_true", help="Lint the rule set(s): schema, facts, and every rule's test cases."
    )
    sub.add_argument(
        "--markdown", action="store_true", help="Print the whole rule catalogue as Markdown (docs/rules.md)."
    )

    sub = command(serve)
    sub.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="ADDRESS",
        help="Address to listen on. Default: 127.0.0.1 (this computer only).",
    )
    sub.add_argument(
        "--port",
        type=_port,
        default=None,
        metavar="PORT",
        help="Port to listen on. Default: 8765, or any free port when it is taken.",
    )
    sub.add_argument("--no-browser", action="store_true", help="Print the address but do not open a browser.")

    sub = command(schema)
    sub.add_argument(
        "kind",
        nargs="?",
        type=_choice(SCHEMA_KINDS),
        default="deployment",
        metavar="KIND",
        help=f"One of {', '.join(SCHEMA_KINDS)}. Default: deployment.",
    )
    width = max(map(len, subs)) + 2
    parser.epilog = "commands:\n" + "".join(
        f"  {name:<{width}}{_summary(sub.get_default('run'))}\n" for name, sub in subs.items()
    )
    parser.epilog += "\nRun 'auditkit COMMAND --help' for the options of a command."
    return parser, subs


def _reword(message: str) -> str:
    """argparse's messages, as one sentence that starts with a capital."""
    prefix = "the following arguments are required: "
    if message.startswith(prefix):
        return f"Missing argument {message.removeprefix(prefix)}"
    if message.startswith("argument "):  # "argument --format: 'x' is not one of ..."
        message = message.removeprefix("argument ")
        name, _, detail = message.partition(": ")
        if detail.startswith("expected one argument"):
            return f"Option '{name.split('/')[-1]}' needs a value"
        return f"Invalid value for '{name.split('/')[-1]}': {detail}"
    return message[:1].upper() + message[1:]


def _suggest(word: str, candidates: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, candidates, n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def parse(argv: list[str]) -> argparse.Namespace:
    """Parse ``argv``; raise UsageError for anything argparse would not take, or extra words."""
    parser, subs = build_parser()
    if argv and argv[0] in subs:
        where, known = f"auditkit {argv[0]}", subs[argv[0]]
        # Options and files in any order, as click and most tools take them: 'audit a.yaml -o out b.yaml'.
        args, extra = known.parse_known_intermixed_args(argv[1:])
    elif argv and not argv[0].startswith("-"):
        raise UsageError(f"No such command '{argv[0]}'.{_suggest(argv[0], list(subs))}")
    else:  # an option before any command: --help and --version stop here; anything else is left over
        where, known = "auditkit", parser
        args, extra = parser.parse_known_args(argv)
    if extra:
        word = extra[0]
        if word.startswith("-") and word != "-":
            name = word.split("=")[0]
            options = [o for action in known._actions for o in action.option_strings]
            raise UsageError(f"No such option '{name}'.{_suggest(name, options)}", where)
        raise UsageError(f"Got unexpected extra argument ({' '.join(extra)})", where)
    if "run" not in args:
        raise UsageError("Missing command")
    return args


def skip_pydantic_plugin_scan() -> None:
    """Tell pydantic there are no plugins, sparing the CLI a tenth of its start-up.

    The first time pydantic builds a validator it imports ``importlib.metadata``
    (about 25 ms, a tenth of 'auditkit validate') to look for plugins among
    the installed packages' entry points. auditkit uses no pydantic plugin, so
    the command line, which is a process of its own, answers "none" the way
    ``PYDANTIC_DISABLE_PLUGINS=__all__`` would, without that import. When
    pydantic has looked already (auditkit used as a library, in a process that
    may want its plugins) this does nothing. tests/test_cli.py checks the
    module still has the one function pydantic asks of it, and that
    validation then imports no ``importlib.metadata``.
    """
    import types

    if "pydantic.plugin._loader" not in sys.modules:
        loader = types.ModuleType("pydantic.plugin._loader", "auditkit: no pydantic plugins in the CLI")
        loader.get_plugins = tuple  # type: ignore[attr-defined]  # get_plugins() -> () : no plugins
        sys.modules["pydantic.plugin._loader"] = loader


def main(
    argv: list[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    *,
    own_process: bool = False,
) -> int:
    """Run the CLI with ``argv``; return the exit code (tests call this in-process).

    ``own_process``: the process ends with this command (the console script); see _loading.
    """
    skip_pydantic_plugin_scan()
    streams = Streams(out=_Guarded(stdout or sys.stdout), err=_Guarded(stderr or sys.stderr), own_process=own_process)
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if not args:  # a bare 'auditkit' is a usage error that shows the help
            streams.err.write(build_parser()[0].format_help())
            return EXIT_BAD_INPUT
        options = vars(parse(args))
        options.pop("run")(streams, **options)
    except _Done as done:
        streams.out.write(done.text)
        return EXIT_OK
    except UsageError as exc:
        message = str(exc)
        end = "" if message.endswith((".", "?")) else "."
        streams.err.write(_one_line(f"auditkit: {message}{end} See '{exc.command} --help'.") + "\n")
        return EXIT_BAD_INPUT
    except AuditkitError as exc:
        for problem in exc.problems:
            streams.err.write(_one_line(str(problem)) + "\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        if own_process:
            ignore_more()
        streams.err.write("auditkit: interrupted\n")
        return EXIT_INTERRUPTED
    except Terminated:
        if own_process:
            ignore_more()
        streams.err.write("auditkit: terminated\n")
        return EXIT_TERMINATED
    except BrokenPipeError:  # a write outside the guarded streams; the reader has gone, the outcome stands
        return streams.exit_code
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        if received:  # a library turned the interrupt into an error of its own: it is still an interrupt
            term = received[0] == signal.SIGTERM
            streams.err.write("auditkit: terminated\n" if term else "auditkit: interrupted\n")
            return EXIT_TERMINATED if term else EXIT_INTERRUPTED
        streams.err.write(
            _one_line(f"auditkit: internal error ({type(exc).__name__}: {exc}); please report it with the input file")
            + "\n"
        )
        return EXIT_INTERNAL
    return streams.exit_code


def _one_line(text: str) -> str:
    """Text from files or exceptions made safe for a terminal: one line, no control characters."""
    return terminal(text)


def entry() -> None:
    """The console script (kept here for callers of ``auditkit.cli:entry``): see auditkit.entry."""
    from auditkit.entry import entry as console

    console()
