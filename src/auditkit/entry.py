"""The console script's first module: catch Ctrl-C and SIGTERM before anything heavy is imported.

Importing the command line pulls in pydantic, PyYAML and more (tens of
milliseconds); a Ctrl-C in that time used to end in a KeyboardInterrupt
traceback. This module installs the handlers (auditkit.interrupts) first,
then imports and runs the command line. Whatever the moment, an interrupt
gives the one line "auditkit: interrupted" and exit 130; SIGTERM gives
"auditkit: terminated" and exit 143.
"""

from __future__ import annotations

from auditkit.interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, armed, ignore_more, install, received

install()  # at import, before the heavy modules: the console script imports this module first

import _signal as signal  # type: ignore[import-not-found]
import datetime  # noqa: F401 - imported now, while a signal just ends the process (see below)
import os
import sys

# pydantic-core imports the datetime module through its C API the first time it builds a validator. A Ctrl-C
# landing inside that import made pyo3 panic, and Rust's panic hook printed a stack-trace banner before
# "auditkit: interrupted". With the module already imported, that import only looks it up: nothing to interrupt.


def say(line: str) -> None:
    """Write one line to stderr, whatever state stderr is in (closed, a broken pipe)."""
    try:
        os.write(2, line.encode("utf-8", errors="replace"))
    except OSError:
        pass


def entry() -> None:
    """The ``auditkit`` command."""
    try:
        with armed():
            from auditkit.cli import main

            code = main(own_process=True)
    except BaseException as exc:  # noqa: BLE001 - whatever a library made of the interrupt (see below)
        # An interrupt can surface as another exception: pydantic-core, interrupted while importing its
        # datetime support, raises a PanicException (a BaseException) instead of KeyboardInterrupt.
        code = _signal_exit(exc)
    exit_quietly(code)


def _signal_exit(exc: BaseException) -> int:
    """Exit code and line for an exception that escaped main(): only interrupts are expected here."""
    ignore_more()
    if isinstance(exc, Terminated) or (received and received[0] == signal.SIGTERM):
        say("auditkit: terminated\n")
        return EXIT_TERMINATED
    if isinstance(exc, KeyboardInterrupt) or received:
        say("auditkit: interrupted\n")
        return EXIT_INTERRUPTED
    if isinstance(exc, SystemExit):
        raise exc
    say(f"auditkit: internal error ({type(exc).__name__}); please report it with the input file\n")
    return 3


def exit_quietly(code: int) -> None:
    """Flush what can be flushed and end the process with ``code``, whatever state the pipes are in.

    Python flushes standard output and error at exit and, when the reader has
    gone away, would print "Exception ignored ... BrokenPipeError" and exit
    120 instead. Everything is flushed here and the process then ends at once
    (nothing is left to clean up: reports are written and renamed, or their
    temporary file removed, before this point).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
