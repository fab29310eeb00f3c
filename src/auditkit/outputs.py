"""Writing output files safely: all or nothing, never over an input."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from auditkit.errors import single


def check_target(target: Path, inputs: list[Path]) -> None:
    """Refuse a target that is one of the inputs, a folder, or in a folder that does not exist."""
    resolved = target.resolve()
    for source in inputs:
        if source.exists() and resolved == source.resolve():
            raise single(str(target), "this is one of the input files; choose another output name")
    if target.is_dir():
        raise single(str(target), "this is a folder; give a file name for the output")
    if not target.parent.resolve().is_dir():
        raise single(str(target), "the folder for this output does not exist; create it first")


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place.

    A failure or Ctrl-C leaves any earlier file untouched and no partial file behind.
    """
    folder = target.resolve().parent
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
