"""The two output streams of a command, guarded against a reader that goes away."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from auditkit.cli.exits import EXIT_OK
from auditkit.escape import terminal


class Guarded(io.TextIOBase):
    """A text stream whose reader may go away (``auditkit ... | head``, ``2>&1 | true``).

    A broken pipe must not turn into another exit code or a traceback: once a
    write fails that way, later writes are dropped and the command carries on
    to the exit code it would have had.
    """

    def __init__(self, stream: IO[str]) -> None:
        """Guard ``stream``."""
        super().__init__()
        self.stream = stream
        self.gone = False

    def write(self, text: str) -> int:
        """Write and flush ``text``; return its length even when the reader has gone."""
        if not self.gone:
            try:
                self.stream.write(text)
                self.stream.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.gone = True
        return len(text)

    def write_binary(self, data: bytes) -> None:
        """Write ``data`` to the stream's byte buffer (a PDF to standard output), or decoded if it has none."""
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
        """Whether a terminal still reads the stream (a progress bar is shown only there)."""
        return not self.gone and bool(getattr(self.stream, "isatty", lambda: False)())

    def flush(self) -> None:
        """Flush, unless the reader has gone."""
        if not self.gone:
            try:
                self.stream.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.gone = True


@dataclass
class Streams:
    """What a command writes to, and the exit code it has come to so far."""

    out: IO[str] | Guarded
    err: IO[str] | Guarded
    exit_code: int = EXIT_OK
    own_process: bool = False  # the console script, which exits when the command is done (see inputs.loading)

    def write_bytes(self, data: bytes) -> None:
        """Write ``data`` to standard output as bytes (reports are bytes; a text stream takes them decoded)."""
        if isinstance(self.out, Guarded):
            self.out.write_binary(data)
            return
        buffer = getattr(self.out, "buffer", None)
        if buffer is not None:
            self.out.flush()
            buffer.write(data)
            buffer.flush()
        else:
            self.out.write(data.decode("utf-8"))


def one_line(text: str) -> str:
    """Text from files or exceptions made safe for a terminal: one line, no control characters."""
    return terminal(text)
