"""The command line. Only this module prints or decides exit codes.

Exit codes: 0 the command did its job; 1 an audit scored below --fail-under;
2 bad input (every problem is printed, one line each); 3 an internal error
(a bug: one line asking for a report, never a traceback); 130 interrupted.

The parser is the standard library's argparse: it costs 2 ms to import where
click cost 15 ms, and ``auditkit validate`` is meant to answer at once (see
benchmarks/). Its messages are reworded here into one line that says what to
fix, with a "did you mean" for mistyped commands and options.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any, NoReturn

from auditkit import __version__
from auditkit.errors import AuditkitError, InputError, single

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

DEFAULT_EXAMPLE = "moscow-safe-city-frt.yaml"
FORMATS = ("text", "json", "md", "html", "pdf")
SCHEMA_KINDS = ("deployment", "ruleset", "framework", "result")
EVIDENCE = ("established", "reported", "alleged")


@dataclass
class Streams:
    out: IO[str]
    err: IO[str]
    exit_code: int = EXIT_OK
    own_process: bool = False  # the console script, which exits when the command is done (see _loading)

    def write_bytes(self, data: bytes) -> None:
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
    _load_all(streams, files, strict)
    for path in files:
        streams.out.write(f"{path}: valid\n")


def _load_all(streams: Streams, files: list[Path], strict: bool = False) -> list[Any]:
    """Load every file; raise one InputError listing every problem. Notices and warnings go to stderr."""
    with _loading(streams.own_process):
        from auditkit.model.load import load_deployment
        loaded, problems = [], []
        for path in files:
            try:
                loaded.append(load_deployment(path, display=str(path)))
            except InputError as exc:
                problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    warnings = [w for item in loaded for w in item.warnings]
    for item in loaded:
        for line in (*item.notices, *([] if strict else item.warnings)):
            streams.err.write(_one_line(str(line)) + "\n")
    if strict and warnings:
        raise InputError(warnings)
    return loaded


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
    if not own_process:
        yield
        return
    import gc
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def audit(streams: Streams, files: list[Path], frameworks: list[str], fmt: str, output: Path | None,
          fail_under: float | None, audit_date: str | None, page_size: str, evidence: str = "reported",
          strict: bool = False) -> None:
    """Audit deployment files and print or write the result.

    With no FILE, audits the bundled Moscow facial-recognition case study.
    --evidence sets which facts may decide rules: established ones only,
    reported ones too (the default), or alleged ones too; weaker facts are
    shown but treated as unknown.
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
    rule_sets = [load_framework(spec) for spec in (frameworks or [DEFAULT_FRAMEWORK])]
    loaded = _load_all(streams, paths, strict)
    results = []
    for item in loaded:
        result = run_audit(item, rule_sets, evidence)
        if audit_date is not None:
            result = result.model_copy(update={"deployment": result.deployment.model_copy(
                update={"audit_date": audit_date})})
        results.append(result)
    options = RenderOptions(page_size="Letter" if page_size == "letter" else "A4")
    _emit(streams, chosen, results, loaded, options, output, paths)
    if fail_under is not None and any(r.score is None or r.score < fail_under for r in results):
        streams.exit_code = EXIT_BELOW_THRESHOLD


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


def _emit(streams: Streams, fmt: Any, results: list[Any], loaded: list[Any], options: Any,
          output: Path | None, paths: list[Path]) -> None:
    from auditkit.outputs import write_atomic
    from auditkit.render import Format, renderer

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


def migrate(streams: Streams, files: list[Path]) -> None:
    """Rewrite format-1 deployment files as format 2, in place, keeping comments and order.

    Each file must load as it is; a file already in format 2 is left alone.
    Nothing is written unless every file can be migrated.
    """
    from auditkit.migrate import migrate_files
    for line in migrate_files(files):
        streams.err.write(_one_line(line) + "\n")


def principles(streams: Streams, rule_id: str | None, frameworks: list[str], check: bool,
               markdown: bool) -> None:
    """List frameworks, principles and rules; with a RULE_ID, explain that rule."""
    from auditkit.explain import explain_rule, listing
    from auditkit.explain import markdown as catalogue_markdown
    from auditkit.rules.lint import lint
    from auditkit.rules.loader import builtin_ids, load_framework

    loaded = [load_framework(spec) for spec in (frameworks or builtin_ids())]
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
    streams.err.write(f"wrote {file}; fill it in, then run: auditkit validate {file}\n")


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

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
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


def _summary(function: Callable[..., Any]) -> str:
    return (function.__doc__ or "").strip().splitlines()[0]


def _description(function: Callable[..., Any]) -> str:
    import inspect
    return inspect.cleandoc(function.__doc__ or "")


def build_parser() -> tuple[_Parser, dict[str, _Parser]]:
    """The whole command line, and its sub-parser for each command by name."""
    parser = _Parser(prog="auditkit", usage="auditkit [-h] [--version] COMMAND [ARGS]...", description=DESCRIPTION,
                     add_help=False, allow_abbrev=False, formatter_class=_formatter)
    parser.add_argument("-h", "--help", action=_Show, help="Show this message and exit.")
    parser.add_argument("--version", action=_Show, text=f"auditkit {__version__}\n",
                        help="Show the version and exit.")
    # One parser per command; parse() picks it by the first word. The epilog below lists them.
    subs: dict[str, _Parser] = {}

    def command(function: Callable[..., Any]) -> _Parser:
        sub = _Parser(prog=f"auditkit {function.__name__}", description=_description(function), add_help=False,
                      allow_abbrev=False, formatter_class=_formatter)
        sub.add_argument("-h", "--help", action=_Show, help="Show this message and exit.")
        sub.set_defaults(run=function)
        subs[function.__name__] = sub
        return sub

    sub = command(audit)
    sub.add_argument("files", nargs="*", type=Path, metavar="FILE",
                     help="Deployment files (YAML or JSON). Default: the bundled Moscow case study.")
    sub.add_argument("-f", "--framework", dest="frameworks", action="append", default=[], metavar="ID|FOLDER",
                     help="Rule set to audit against, by id or folder; repeat for several. Default: agora-2020.")
    sub.add_argument("--format", dest="fmt", type=_choice(FORMATS), default="text",
                     metavar="{" + ",".join(FORMATS) + "}", help="Output format. Default: text.")
    sub.add_argument("-o", "--output", type=Path, metavar="PATH",
                     help="Write to this file (a folder when auditing several files to md, html or pdf).")
    sub.add_argument("--fail-under", type=_score, metavar="SCORE",
                     help="Exit 1 when any audited file scores below SCORE (0-100).")
    sub.add_argument("--audit-date", metavar="YYYY-MM-DD", help="Date printed on the report (overrides the file's).")
    sub.add_argument("--page-size", type=_choice(("A4", "letter"), fold_case=True), default="A4",
                     metavar="{A4,letter}", help="Paper size of PDF reports. Default: A4.")

    sub.add_argument("--evidence", type=_choice(EVIDENCE), default="reported", metavar="{" + ",".join(EVIDENCE) + "}",
                     help="The weakest facts that may decide rules. Default: reported.")
    sub.add_argument("--strict", action="store_true", help="Treat warnings (such as a source with no url) as "
                     "errors: exit 2.")

    sub = command(validate)
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Deployment files (YAML or JSON).")
    sub.add_argument("--strict", action="store_true", help="Treat warnings as errors: exit 2.")

    sub = command(migrate)
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Format-1 deployment files to rewrite.")

    sub = command(init)
    sub.add_argument("file", nargs="?", type=Path, metavar="FILE", help="Where to write the template.")
    sub.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")

    sub = command(principles)
    sub.add_argument("rule_id", nargs="?", metavar="RULE_ID", help="A rule to explain, such as P3-01.")
    sub.add_argument("-f", "--framework", dest="frameworks", action="append", default=[], metavar="ID|FOLDER",
                     help="Rule set(s) to list or check. Default: every bundled one.")
    sub.add_argument("--check", action="store_true",
                     help="Lint the rule set(s): schema, facts, and every rule's test cases.")
    sub.add_argument("--markdown", action="store_true",
                     help="Print the whole rule catalogue as Markdown (docs/rules.md).")

    sub = command(schema)
    sub.add_argument("kind", nargs="?", type=_choice(SCHEMA_KINDS), default="deployment", metavar="KIND",
                     help=f"One of {', '.join(SCHEMA_KINDS)}. Default: deployment.")
    width = max(map(len, subs)) + 2
    parser.epilog = "commands:\n" + "".join(
        f"  {name:<{width}}{_summary(sub.get_default('run'))}\n" for name, sub in subs.items())
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


def main(argv: list[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None, *,
         own_process: bool = False) -> int:
    """Run the CLI with ``argv``; return the exit code (tests call this in-process).

    ``own_process``: the process ends with this command (the console script); see _loading.
    """
    skip_pydantic_plugin_scan()
    streams = Streams(out=stdout or sys.stdout, err=stderr or sys.stderr, own_process=own_process)
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
        streams.err.write("auditkit: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        streams.err.write(_one_line(f"auditkit: internal error ({type(exc).__name__}: {exc}); please report it "
                                    "with the input file") + "\n")
        return EXIT_INTERNAL
    return streams.exit_code


def _one_line(text: str) -> str:
    """Text from files or exceptions made safe for a terminal: one line, no control characters."""
    return "".join(ch if ch.isprintable() else " " if ch in "\n\r\t" else "?" for ch in text)


def entry() -> None:
    sys.exit(main(own_process=True))
