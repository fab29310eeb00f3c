"""How a command ends: the exit codes, and the exceptions that stop a command before its end.

Only the command line decides exit codes (see auditkit.cli). 0 the command
did its job; 1 an audit's low end scored below --fail-under (or a plan did not
reach its target); 2 bad input; 3 an internal error. Interrupts have theirs in
auditkit.interrupts (130, 143).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


class UsageError(Exception):
    """The command line itself is wrong; ``command`` names the help to read."""

    def __init__(self, message: str, command: str = "auditkit") -> None:
        super().__init__(message)
        self.command = command


class Done(Exception):
    """Help or version was asked for: print ``text`` and exit 0."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
