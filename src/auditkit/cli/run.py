"""``main``: run one command line, and turn whatever happens into the promised output and exit code."""

from __future__ import annotations

import signal
import sys
from typing import IO

from auditkit.cli.exits import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, Done, UsageError
from auditkit.cli.parser import build_parser, parse
from auditkit.cli.streams import Guarded, Streams, one_line
from auditkit.errors import AuditkitError
from auditkit.interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, ignore_more, received


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

    ``own_process``: the process ends with this command (the console script); see inputs.loading.
    """
    skip_pydantic_plugin_scan()
    streams = Streams(out=Guarded(stdout or sys.stdout), err=Guarded(stderr or sys.stderr), own_process=own_process)
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        return _run(streams, args)
    except Done as done:
        streams.out.write(done.text)
        return EXIT_OK
    except UsageError as exc:
        message = str(exc)
        end = "" if message.endswith((".", "?")) else "."
        streams.err.write(one_line(f"auditkit: {message}{end} See '{exc.command} --help'.") + "\n")
        return EXIT_BAD_INPUT
    except AuditkitError as exc:
        for problem in exc.problems:
            streams.err.write(one_line(str(problem)) + "\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return _interrupted(streams, own_process, signal.SIGINT)
    except Terminated:
        return _interrupted(streams, own_process, signal.SIGTERM)
    except BrokenPipeError:  # a write outside the guarded streams; the reader has gone, the outcome stands
        return streams.exit_code
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        return _internal_error(streams, exc)


def _run(streams: Streams, args: list[str]) -> int:
    """Parse ``args`` and run the command they name; its exit code."""
    if not args:  # a bare 'auditkit' is a usage error that shows the help
        streams.err.write(build_parser()[0].format_help())
        return EXIT_BAD_INPUT
    options = vars(parse(args))
    options.pop("run")(streams, **options)
    return streams.exit_code


def _internal_error(streams: Streams, exc: Exception) -> int:
    """One line asking for a report of the bug (exit 3), unless the error was an interrupt in disguise."""
    if received:  # a library turned the interrupt into an error of its own: it is still an interrupt
        return _interrupted(streams, False, received[0])
    streams.err.write(
        one_line(f"auditkit: internal error ({type(exc).__name__}: {exc}); please report it with the input file") + "\n"
    )
    return EXIT_INTERNAL


def _interrupted(streams: Streams, own_process: bool, signum: int) -> int:
    """The one line and exit code of a command stopped by Ctrl-C (SIGINT) or SIGTERM."""
    if own_process:
        ignore_more()
    if signum == signal.SIGTERM:
        streams.err.write("auditkit: terminated\n")
        return EXIT_TERMINATED
    streams.err.write("auditkit: interrupted\n")
    return EXIT_INTERRUPTED
