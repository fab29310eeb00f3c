"""The command line. Only this package prints or decides exit codes.

Exit codes: 0 the command did its job; 1 an audit's low end scored below --fail-under;
2 bad input (every problem is printed, one line each); 3 an internal error
(a bug: one line asking for a report, never a traceback); 130 interrupted
(Ctrl-C); 143 terminated (SIGTERM). A closed output pipe changes none of them.

Where things are:

- ``parser``: the grammar (argparse), one function per command adding its options;
  a new option goes there, in its command's ``_<command>_options``.
- ``audit``, ``documents`` (compare, plan, annex), ``commands`` (validate, migrate,
  init, principles, serve, schema): what each command does, one function each,
  named as the command; its docstring is its ``--help`` text.
- ``inputs`` and ``writing``: what the commands share on the way in and out.
- ``run``: ``main``, which turns every outcome into one exit code and at most one
  line per problem; ``exits`` and ``streams``: the codes and the guarded streams.
"""

from auditkit.bundled import DEFAULT_EXAMPLE, examples_root
from auditkit.cli.exits import EXIT_BAD_INPUT, EXIT_BELOW_THRESHOLD, EXIT_INTERNAL, EXIT_OK, UsageError
from auditkit.cli.parser import build_parser, parse
from auditkit.cli.run import main

__all__ = [
    "DEFAULT_EXAMPLE",
    "EXIT_BAD_INPUT",
    "EXIT_BELOW_THRESHOLD",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "UsageError",
    "build_parser",
    "examples_root",
    "main",
    "parse",
]
