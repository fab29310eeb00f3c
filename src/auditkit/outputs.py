"""Writing output files safely: all or nothing, never over an input."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from auditkit.errors import single


def _same_file(a: Path, b: Path) -> bool:
    """True when two paths name one file (through links, '..' or hard links)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_target(target: Path, inputs: list[Path]) -> None:
    """Refuse a target that is one of the inputs, a folder, or in a folder that does not exist."""
    for source in inputs:
        if source.exists() and _same_file(target, source):
            raise single(str(target), "this is one of the input files, so writing the report here would "
                         "destroy it; choose another output name")
    if target.is_dir():
        raise single(str(target), "this is a folder; give a file name for the output")
    if not target.parent.resolve().is_dir():
        raise single(str(target), f"the folder {target.parent} does not exist; create it first, or choose "
                     "another output name")


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``target`` and rename it into place.

    A failure or Ctrl-C leaves any earlier file untouched and no partial file
    behind; a folder we may not write to, or a full disk, is reported as an
    InputError the user can act on rather than as an internal error.
    """
    folder = target.resolve().parent
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise single(str(target), f"cannot write here ({exc.strerror or exc}); choose another folder") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise single(str(target), f"cannot write the report ({exc.strerror or exc}); the earlier file, "
                     "if any, is unchanged") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
