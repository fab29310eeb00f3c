"""Driving the real CLI in-process, shared by the CLI, error and rule-pack tests."""

from __future__ import annotations

import io
from pathlib import Path

from auditkit.cli import main

MINI = Path(__file__).parent / "fixtures" / "frameworks" / "mini"


def cli(*args: str) -> tuple[int, str, str]:
    """Run ``auditkit ARGS``; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()
