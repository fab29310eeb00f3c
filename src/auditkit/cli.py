"""The command line. Only this module prints or decides exit codes.

Exit codes: 0 the command did its job; 1 an audit scored below --fail-under;
2 bad input (every problem is printed, one line each); 3 an internal error
(a bug: one line asking for a report, never a traceback); 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import click

from auditkit import __version__
from auditkit.errors import AuditkitError, InputError, single

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

DEFAULT_EXAMPLE = "moscow-safe-city-frt.yaml"


@dataclass
class Streams:
    out: IO[str]
    err: IO[str]

    def write_bytes(self, data: bytes) -> None:
        buffer = getattr(self.out, "buffer", None)
        if buffer is not None:
            self.out.flush()
            buffer.write(data)
            buffer.flush()
        else:
            self.out.write(data.decode("utf-8"))


def _streams() -> Streams:
    obj = click.get_current_context().obj
    assert isinstance(obj, Streams)
    return obj


def examples_root() -> Path:
    """The folder of bundled case studies."""
    from importlib import resources
    packaged = Path(str(resources.files("auditkit"))) / "examples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "examples"


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return ["audit", "validate", "init", "principles", "schema"]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="auditkit")
def cli() -> None:
    """Audit a public surveillance programme against human-rights principles.

    Describe the programme in a YAML file (start with 'auditkit init'), check it
    with 'auditkit validate', then 'auditkit audit' it to get a scored report.
    With no file, 'auditkit audit' shows the audit of a bundled case study.
    """


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(files: tuple[Path, ...]) -> None:
    """Check deployment files; print every problem as file:line:col: field: message.

    Exit 0 when every file is valid, 2 otherwise.
    """
    _load_all(list(files))
    streams = _streams()
    for path in files:
        streams.out.write(f"{path}: valid\n")


def _load_all(files: list[Path]) -> list[Any]:
    from auditkit.model.load import load_deployment
    loaded, problems = [], []
    for path in files:
        try:
            loaded.append(load_deployment(path, display=str(path)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return loaded


def _formats() -> list[str]:
    return ["text", "json", "md", "html", "pdf"]


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--framework", "-f", "frameworks", multiple=True, metavar="ID|FOLDER",
              help="Rule set to audit against, by id or folder; repeat for several. Default: agora-2020.")
@click.option("--format", "fmt", type=click.Choice(_formats()), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Write to this file (a folder when auditing several files to md, html or pdf).")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="SCORE",
              help="Exit 1 when any audited file scores below SCORE (0-100).")
@click.option("--audit-date", metavar="YYYY-MM-DD", help="Date printed on the report (overrides the file's).")
@click.option("--page-size", type=click.Choice(["A4", "letter"], case_sensitive=False), default="A4",
              show_default=True, help="Paper size of PDF reports.")
def audit(files: tuple[Path, ...], frameworks: tuple[str, ...], fmt: str, output: Path | None,
          fail_under: float | None, audit_date: str | None, page_size: str) -> None:
    """Audit deployment files and print or write the result.

    With no FILE, audits the bundled Moscow facial-recognition case study.
    Exit 0 on a completed audit, 1 when a score is below --fail-under, 2 on bad input.
    """
    from auditkit.engine import audit as run_audit
    from auditkit.render import Format, RenderOptions
    from auditkit.rules.loader import DEFAULT_FRAMEWORK, load_framework

    if audit_date is not None:
        import re
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", audit_date):
            raise single("--audit-date", f"'{audit_date}' is not a date; write it as YYYY-MM-DD")
    paths = list(files) or [examples_root() / DEFAULT_EXAMPLE]
    chosen = Format(fmt)
    _check_output(chosen, output, paths)
    rule_sets = [load_framework(spec) for spec in (frameworks or (DEFAULT_FRAMEWORK,))]
    loaded = _load_all(paths)
    results = []
    for item in loaded:
        result = run_audit(item, rule_sets)
        if audit_date is not None:
            result = result.model_copy(update={"deployment": result.deployment.model_copy(
                update={"audit_date": audit_date})})
        results.append(result)
    options = RenderOptions(page_size="Letter" if page_size.lower() == "letter" else "A4")
    _emit(chosen, results, loaded, options, output, paths)
    if fail_under is not None and any(r.score is None or r.score < fail_under for r in results):
        ctx = click.get_current_context()
        ctx.obj.exit_code = EXIT_BELOW_THRESHOLD


def _check_output(fmt: Any, output: Path | None, paths: list[Path]) -> None:
    from auditkit.outputs import check_target
    from auditkit.render import Format
    many = len(paths) > 1 and fmt in (Format.MD, Format.HTML, Format.PDF)
    if fmt is Format.PDF and output is None:
        raise single("--output", "a PDF report needs a file name; add -o REPORT.pdf")
    if many:
        if output is None or not output.is_dir():
            raise single("--output", f"several files to {fmt.value} need -o FOLDER (an existing folder), "
                         "one report per file")
        seen: dict[str, Path] = {}
        for path in paths:
            if path.stem in seen:  # both reports would get the same name and the second would replace the first
                raise single(str(path), f"this file and {seen[path.stem]} would both be reported as "
                             f"{path.stem}.{fmt.value}; rename one of them")
            seen[path.stem] = path
            check_target(output / (path.stem + "." + fmt.value), paths)
    elif output is not None:
        check_target(output, paths)


def _emit(fmt: Any, results: list[Any], loaded: list[Any], options: Any, output: Path | None,
          paths: list[Path]) -> None:
    from auditkit.outputs import write_atomic
    from auditkit.render import Format, renderer

    streams = _streams()
    if len(results) > 1 and fmt in (Format.TEXT, Format.JSON):
        if fmt is Format.TEXT:
            from auditkit.render.text import render_batch
        else:
            from auditkit.render.jsonout import render_batch
        data = render_batch(results)
        if output is None:
            streams.write_bytes(data)
        else:
            write_atomic(output, data)
        return
    render = renderer(fmt)
    # Render every report before writing any, so that a failure leaves no partial set of files.
    rendered = [render(result, replace(options, input_bytes=item.raw)) for result, item in zip(results, loaded)]
    for data, path in zip(rendered, paths):
        if output is None:
            streams.write_bytes(data)
            continue
        target = output / (path.stem + "." + fmt.value) if output.is_dir() else output
        write_atomic(target, data)
        streams.err.write(f"wrote {target}\n")


@cli.command()
@click.argument("rule_id", required=False)
@click.option("--framework", "-f", "frameworks", multiple=True, metavar="ID|FOLDER",
              help="Rule set(s) to list or check. Default: every bundled one.")
@click.option("--check", is_flag=True, help="Lint the rule set(s): schema, facts, and every rule's test cases.")
@click.option("--markdown", is_flag=True, help="Print the whole rule catalogue as Markdown (docs/rules.md).")
def principles(rule_id: str | None, frameworks: tuple[str, ...], check: bool, markdown: bool) -> None:
    """List frameworks, principles and rules; with a RULE_ID, explain that rule."""
    from auditkit.explain import explain_rule, listing
    from auditkit.explain import markdown as catalogue_markdown
    from auditkit.rules.lint import lint
    from auditkit.rules.loader import builtin_ids, load_framework

    loaded = [load_framework(spec) for spec in (frameworks or tuple(builtin_ids()))]
    streams = _streams()
    if check:
        failures = [line for fw in loaded for line in lint(fw)]
        for line in failures:
            streams.err.write(line + "\n")
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
    streams.out.write(explain_rule(loaded, rule_id))


@cli.command()
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def init(file: Path | None, force: bool) -> None:
    """Write a commented template deployment file (to FILE, or print it).

    Every question is there, grouped by principle, answered 'unknown'; the
    template validates as it is and audits to 'insufficient information'.
    """
    from auditkit.outputs import write_atomic
    from auditkit.template import template
    text = template()
    if file is None:
        _streams().out.write(text)
        return
    if file.exists() and not force:
        raise single(str(file), "this file exists; choose another name or add --force to overwrite it")
    if not file.parent.resolve().is_dir():
        raise single(str(file), "the folder for this file does not exist; create it first")
    write_atomic(file, text.encode("utf-8"))
    _streams().err.write(f"wrote {file}; fill it in, then run: auditkit validate {file}\n")


@cli.command()
@click.argument("kind", type=click.Choice(["deployment", "ruleset", "framework", "result"]),
                default="deployment")
def schema(kind: str) -> None:
    """Print a JSON Schema (draft 2020-12): deployment, ruleset (one rule file), framework or result."""
    from auditkit.schemas import schema_json
    _streams().out.write(json.dumps(schema_json(kind), indent=2, sort_keys=True) + "\n")


@dataclass
class _State(Streams):
    exit_code: int = EXIT_OK


def main(argv: list[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run the CLI with ``argv``; return the exit code (tests call this in-process)."""
    state = _State(out=stdout or sys.stdout, err=stderr or sys.stderr)
    args = sys.argv[1:] if argv is None else argv
    try:
        cli.main(args=args, prog_name="auditkit", standalone_mode=False, obj=state)
    except AuditkitError as exc:
        for problem in exc.problems:
            state.err.write(_one_line(str(problem)) + "\n")
        return EXIT_BAD_INPUT
    except click.exceptions.NoArgsIsHelpError as exc:
        state.err.write(exc.format_message() + "\n")
        return EXIT_BAD_INPUT
    except click.UsageError as exc:
        command = f"auditkit {exc.ctx.info_name}" if exc.ctx and exc.ctx.parent else "auditkit"
        message = exc.format_message()
        end = "" if message.endswith((".", "?")) else "."
        state.err.write(f"auditkit: {message}{end} See '{command} --help'.\n")
        return EXIT_BAD_INPUT
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.Abort:
        state.err.write("auditkit: interrupted\n")
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        state.err.write("auditkit: interrupted; no output file was written\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        state.err.write(_one_line(f"auditkit: internal error ({type(exc).__name__}: {exc}); please report it "
                                  "with the input file") + "\n")
        return EXIT_INTERNAL
    return state.exit_code


def _one_line(text: str) -> str:
    """Text from files or exceptions made safe for a terminal: one line, no control characters."""
    return "".join(ch if ch.isprintable() else " " if ch in "\n\r\t" else "?" for ch in text)


def entry() -> None:
    sys.exit(main())
