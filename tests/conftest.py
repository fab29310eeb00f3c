"""Options shared by the whole suite."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite tests/golden/, the generated part of docs/scoring.md and the rule loader's manifest of "
        "schema-checked files instead of comparing (then read the git diff).",
    )
