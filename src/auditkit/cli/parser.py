"""The command line's grammar: one argparse parser per command, and ``parse`` that picks it.

Each command's options are added by its own function below (``_audit_options``
and so on), listed in ``COMMANDS`` in the order ``auditkit --help`` shows them;
a new option goes in its command's function. Options several commands share
(-f, --format, -t) are added by one helper each, so that they read the same
everywhere. A command's help text is its function's docstring.

argparse is the parser because it costs 2 ms to import where click cost
15 ms, and ``auditkit validate`` is meant to answer at once (see benchmarks/).
Its messages are reworded here into one line that says what to fix, with a
"did you mean" for mistyped commands and options.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from auditkit import __version__
from auditkit.cli.audit import audit
from auditkit.cli.commands import init, migrate, principles, schema, serve, validate
from auditkit.cli.documents import annex, compare, plan
from auditkit.cli.exits import Done, UsageError
from auditkit.cli.writing import ANNEX_FORMATS, COMPARE_FORMATS, FORMATS

SCHEMA_KINDS = ("deployment", "ruleset", "framework", "result")
EVIDENCE = ("established", "reported", "alleged")

DESCRIPTION = """\
Audit a public surveillance programme against human-rights principles.

Describe the programme in a YAML file (start with 'auditkit init'), check it
with 'auditkit validate', then 'auditkit audit' it to get a scored report.
With no file, 'auditkit audit' shows the audit of a bundled case study."""


class Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing and exiting, so that main() decides what is shown."""

    def error(self, message: str) -> NoReturn:
        """Raise the message, reworded, as a usage error of this parser's command."""
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
        raise Done(self.text or parser.format_help())


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30, width=100)


# --- values ------------------------------------------------------------------------------------------


def _choice(allowed: Sequence[str], *, fold_case: bool = False) -> Callable[[str], str]:
    """An argparse type that accepts one of ``allowed`` and says which ones when it is not."""

    def check(text: str) -> str:
        for value in allowed:
            if text == value or (fold_case and text.lower() == value.lower()):
                return value
        raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(allowed)}")

    return check


def _score(text: str) -> float:
    """A --fail-under score from 0 to 100."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")  # fails the range check below, which says what is wanted
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"'{text}' is not a score from 0 to 100")
    return value


def _jobs(text: str) -> int:
    """A number of worker processes, 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes; give 1 or more")
    return int(text)


def _port(text: str) -> int:
    """A TCP port number."""
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number from 1 to 65535")
    return int(text)


# --- options several commands share ------------------------------------------------------------------


def _framework_option(sub: Parser, help_text: str) -> None:
    """-f/--framework ID|FOLDER, repeatable."""
    sub.add_argument(
        "-f", "--framework", dest="frameworks", action="append", default=[], metavar="ID|FOLDER", help=help_text
    )


def _format_option(sub: Parser, formats: Sequence[str], default: str) -> None:
    """--format, one of ``formats``; without it the -o file's extension decides, else ``default``."""
    sub.add_argument(
        "--format",
        dest="fmt",
        type=_choice(formats),
        default=None,
        metavar="{" + ",".join(formats) + "}",
        help=f"Output format. Default: from the -o file's extension, else {default}.",
    )


def _target_option(sub: Parser, help_text: str) -> None:
    """-t/--target GRADE|P=VERDICT, repeatable (a plan's target)."""
    sub.add_argument(
        "-t", "--target", dest="targets", action="append", default=[], metavar="GRADE|P=VERDICT", help=help_text
    )


# --- each command's options --------------------------------------------------------------------------


def _audit_options(sub: Parser) -> None:
    sub.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE",
        help="Deployment files (YAML or JSON). Default: the bundled Moscow case study.",
    )
    _framework_option(sub, "Rule set to audit against, by id or folder; repeat for several. Default: agora-2020.")
    _format_option(sub, FORMATS, "text")
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


def _compare_options(sub: Parser) -> None:
    sub.add_argument("before", type=Path, metavar="BEFORE", help="The description before (YAML or JSON).")
    sub.add_argument("after", type=Path, metavar="AFTER", help="The description after.")
    _framework_option(sub, "Rule set(s) to audit both against. Default: agora-2020.")
    sub.add_argument(
        "--before-framework",
        dest="before_frameworks",
        action="append",
        default=[],
        metavar="ID|FOLDER",
        help="Audit BEFORE against this rule set instead (an older version).",
    )
    _format_option(sub, COMPARE_FORMATS, "text")
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="Write to this file.")


def _plan_options(sub: Parser) -> None:
    sub.add_argument("file", type=Path, metavar="FILE", help="The deployment description (YAML or JSON).")
    _target_option(sub, "The grade to reach (A-E), or a principle's verdict (P3=met, P7=partially_met); repeatable.")
    _framework_option(sub, "Rule set(s) to audit against. Default: agora-2020.")
    _format_option(sub, COMPARE_FORMATS, "text")
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="Write the plan to this file.")
    sub.add_argument(
        "--write-after",
        type=Path,
        metavar="FILE",
        help="Write the description as it would be after the plan (YAML), for 'auditkit compare'.",
    )


def _annex_options(sub: Parser) -> None:
    sub.add_argument("file", type=Path, metavar="FILE", help="The deployment description (YAML or JSON).")
    _framework_option(sub, "Rule set(s) to audit against. Default: agora-2020.")
    sub.add_argument(
        "--plan",
        dest="use_plan",
        action="store_true",
        help="Take the clauses of a plan (give its --target) instead of every proposed clause.",
    )
    _target_option(sub, "With --plan: the plan's target, as for 'auditkit plan'.")
    _format_option(sub, ANNEX_FORMATS, "md")
    sub.add_argument("-o", "--output", type=Path, metavar="FILE", help="Write the annex to this file.")


def _validate_options(sub: Parser) -> None:
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Deployment files (YAML or JSON).")
    sub.add_argument("--strict", action="store_true", help="Treat warnings as errors: exit 2.")


def _migrate_options(sub: Parser) -> None:
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="Format-1 deployment files to rewrite.")


def _init_options(sub: Parser) -> None:
    sub.add_argument("file", nargs="?", type=Path, metavar="FILE", help="Where to write the template.")
    sub.add_argument("--force", action="store_true", help="Overwrite FILE if it exists.")


def _principles_options(sub: Parser) -> None:
    sub.add_argument("rule_id", nargs="?", metavar="ID", help="A principle (P3) or a rule (P3-01) to explain.")
    _framework_option(sub, "Rule set(s) to list or check. Default: every bundled one.")
    sub.add_argument(
        "--check", action="store_true", help="Lint the rule set(s): schema, facts, and every rule's test cases."
    )
    sub.add_argument(
        "--markdown", action="store_true", help="Print the whole rule catalogue as Markdown (docs/rules.md)."
    )
    sub.add_argument(
        "--facts",
        action="store_true",
        help="List every fact a description states: its question and what each answer means.",
    )


def _serve_options(sub: Parser) -> None:
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


def _schema_options(sub: Parser) -> None:
    sub.add_argument(
        "kind",
        nargs="?",
        type=_choice(SCHEMA_KINDS),
        default="deployment",
        metavar="KIND",
        help=f"One of {', '.join(SCHEMA_KINDS)}. Default: deployment.",
    )


# Every command: the function that runs it (named as the command, its docstring the help) and the function
# that adds its options, in the order 'auditkit --help' lists them.
COMMANDS: tuple[tuple[Callable[..., None], Callable[[Parser], None]], ...] = (
    (audit, _audit_options),
    (compare, _compare_options),
    (plan, _plan_options),
    (annex, _annex_options),
    (validate, _validate_options),
    (migrate, _migrate_options),
    (init, _init_options),
    (principles, _principles_options),
    (serve, _serve_options),
    (schema, _schema_options),
)


def _summary(function: Callable[..., Any]) -> str:
    """A command's one-line summary: its docstring's first line."""
    return (function.__doc__ or "").strip().splitlines()[0]


def _description(function: Callable[..., Any]) -> str:
    """A command's help text: its whole docstring."""
    import inspect

    return inspect.cleandoc(function.__doc__ or "")


def _command_parser(function: Callable[..., None], add_options: Callable[[Parser], None]) -> Parser:
    """The parser of one command, which runs ``function`` with the options as keyword arguments."""
    sub = Parser(
        prog=f"auditkit {function.__name__}",
        description=_description(function),
        add_help=False,
        allow_abbrev=False,
        formatter_class=_formatter,
    )
    sub.add_argument("-h", "--help", action=_Show, help="Show this message and exit.")
    sub.set_defaults(run=function)
    add_options(sub)
    return sub


def build_parser() -> tuple[Parser, dict[str, Parser]]:
    """The whole command line, and its sub-parser for each command by name."""
    parser = Parser(
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
    subs = {function.__name__: _command_parser(function, add_options) for function, add_options in COMMANDS}
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
    """The end of a message: `` Did you mean 'x'?`` for the closest of ``candidates``, or nothing."""
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
