"""Driving the real CLI, in-process or in a process of its own, and the files the CLI tests share."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from auditkit.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
MOSCOW = EXAMPLES / "moscow-safe-city-frt.yaml"  # the default case study, and the largest
MINI_FOLDER = Path(__file__).parent / "fixtures" / "frameworks" / "mini"
MINI = str(MINI_FOLDER)  # as -f takes it: a small rule set whose rules the CLI tests name


def cli(*args: str) -> tuple[int, str, str]:
    """Run ``auditkit ARGS``; return (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def auditkit_process(args: list[str], **options: object) -> subprocess.CompletedProcess[bytes]:
    """``python -m auditkit ARGS`` in a process of its own (signals, pipes, the real streams)."""
    return subprocess.run([sys.executable, "-m", "auditkit", *args], check=False, **options)  # type: ignore[call-overload, no-any-return]


def description(folder: Path, text: str, name: str = "riverside.yaml") -> Path:
    """Write a deployment description ``text`` into ``folder``; return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
