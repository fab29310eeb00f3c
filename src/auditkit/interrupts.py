"""Ctrl-C and SIGTERM as exceptions that unwind exactly once (no side effects at import).

``install`` is called by the console script (auditkit.entry) before anything
heavy is imported. Inside ``armed()`` (the command itself) each signal raises
an exception: KeyboardInterrupt for SIGINT, Terminated for SIGTERM, so that
``finally`` and ``except`` blocks run (the report writer removes its
temporary file). Outside it (before and after the command, where nothing
needs cleaning up) the handler prints the one line and ends the process at
once, so no exception can surface in code without a handler. The first
signal makes later ones ignored, so there is one line however often the key
is pressed.
"""

from __future__ import annotations

# The C module, not ``signal``: that one imports enum, which takes long enough for a Ctrl-C to land in.
import _signal as signal  # type: ignore[import-not-found]
import os

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143


received: list[int] = []  # the signals that arrived, first one first
_unwinding = [False]  # True while code that can unwind (and clean up) runs; see ``armed``


class Terminated(BaseException):
    """SIGTERM arrived: unwind like an interrupt, then exit 143."""


def _interrupt(signum: int, frame: object) -> None:
    _arrived(signum)
    raise KeyboardInterrupt


def _terminate(signum: int, frame: object) -> None:
    _arrived(signum)
    raise Terminated


def _arrived(signum: int) -> None:
    """Record the signal; outside ``armed`` code there is nothing to unwind, so say so and stop here."""
    ignore_more()
    received.append(signum)
    if not _unwinding[0]:
        term = signum == signal.SIGTERM
        try:
            os.write(2, b"auditkit: terminated\n" if term else b"auditkit: interrupted\n")
        except OSError:
            pass
        os._exit(EXIT_TERMINATED if term else EXIT_INTERRUPTED)


class armed:
    """Within this block a signal raises (so the block can clean up); outside it the process just ends."""

    def __enter__(self) -> None:
        _unwinding[0] = True

    def __exit__(self, *exc: object) -> None:
        _unwinding[0] = False


def ignore_more() -> None:
    """Ignore further SIGINT and SIGTERM (while the first one is being handled)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def install() -> None:
    """Turn SIGINT and SIGTERM into exceptions that unwind (and clean up) exactly once."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _terminate)
