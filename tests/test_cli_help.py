"""Every command's ``--help`` text, word for word, against tests/fixtures/help/.

The help is part of the product (users read it before anything else), and it is
built from several places (the parser, each command's docstring, shared option
helpers): this holds it still while they move. A deliberate change: run
``pytest tests/test_cli_help.py --update-golden`` (the suite's one refresh
flag), read the diff of tests/fixtures/help/, and commit it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import cli

from auditkit.cli import build_parser

HELP = Path(__file__).parent / "fixtures" / "help"
COMMANDS = list(build_parser()[1])
REFRESH = "pytest tests/test_cli_help.py --update-golden, then review 'git diff tests/fixtures/help/'"


def test_every_command_has_its_help_text_kept() -> None:
    assert sorted(path.stem for path in HELP.glob("*.txt")) == sorted(["auditkit", *COMMANDS])


@pytest.mark.parametrize("command", ["auditkit", *COMMANDS])
def test_help_is_unchanged(command: str, request: pytest.FixtureRequest) -> None:
    code, out, err = cli("--help") if command == "auditkit" else cli(command, "--help")
    assert (code, err) == (0, "")
    expected = HELP / f"{command}.txt"
    if request.config.getoption("--update-golden"):
        expected.write_text(out, encoding="utf-8")
    assert out == expected.read_text(encoding="utf-8"), f"--help of {command} changed; if intended: {REFRESH}"


def test_a_bare_auditkit_shows_the_same_help_as_an_error() -> None:
    assert cli() == (2, "", (HELP / "auditkit.txt").read_text(encoding="utf-8"))
