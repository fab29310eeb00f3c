"""Import WeasyPrint without its library search starting two hundred processes.

WeasyPrint (70) opens Pango, GObject, HarfBuzz and fontconfig through cffi,
trying several names for each library, Windows and macOS spellings first
(``libgobject-2.0-0``, ``gobject-2.0-0``, then ``gobject-2.0``, ...). cffi
hands every name that ``dlopen`` does not take to ``ctypes.util.find_library``,
which on Linux runs ``ldconfig -p``, then ``gcc``, then ``ld`` for each name
that is not found: about 215 processes and 0.1-0.8 s of CPU (depending on
the machine) before WeasyPrint has drawn anything, in every process that
renders a PDF.

``import_weasyprint`` runs ``ldconfig -p`` once, answers ``find_library``
from that listing while WeasyPrint's modules load (the same match that
ctypes makes, so it finds the same libraries), and puts the real function
back afterwards. A name that is not in the listing gets "not found" at once
instead of the gcc and ld searches; WeasyPrint then tries its next name,
including the plain sonames (``libgobject-2.0.so.0``) that ``dlopen`` finds
by the loader's own rules (LD_LIBRARY_PATH too). Should the import still
fail that way (a machine whose libraries only gcc's search finds), it is
retried once with the stock search, so nothing works less than before.
Off Linux, or where ``ldconfig`` cannot be run, WeasyPrint is imported as it is.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from types import ModuleType

LDCONFIG = "/sbin/ldconfig"
_MACHINE_ABI = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def ldconfig_listing() -> bytes:
    """The output of ``ldconfig -p`` (the loader's cache), or b"" when it cannot be had."""
    try:
        done = subprocess.run(
            [LDCONFIG, "-p"],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return b""
    return done.stdout if done.returncode == 0 else b""


def abi_type() -> str:
    """The ABI tag ldconfig prints for this interpreter's libraries, as ctypes.util works it out."""
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    return _MACHINE_ABI.get(machine, "libc6")


def find_in_listing(name: str, listing: bytes, abi: str) -> str | None:
    """What ``ctypes.util.find_library(name)`` answers from ldconfig on Linux, read from ``listing``."""
    pattern = os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}")
    found = re.search(pattern, listing)
    return os.fsdecode(found.group(1)) if found else None


def _weasyprint_modules() -> list[str]:
    return [name for name in sys.modules if name == "weasyprint" or name.startswith("weasyprint.")]


def import_weasyprint(listing: Callable[[], bytes] = ldconfig_listing) -> ModuleType:
    """``import weasyprint``, with the library search answered from one ``ldconfig -p`` where possible."""
    loaded = sys.modules.get("weasyprint")
    if loaded is not None:
        return loaded
    text = listing() if sys.platform.startswith("linux") else b""
    if text:
        abi = abi_type()
        stock = ctypes.util.find_library

        def find_library(name: str) -> str | None:
            return find_in_listing(name, text, abi)

        ctypes.util.find_library = find_library
        try:
            # WeasyPrint prints an installation hint to stdout before it raises; the retry below decides.
            with contextlib.redirect_stdout(io.StringIO()):
                import weasyprint  # type: ignore[import-untyped]
            return sys.modules["weasyprint"]
        except OSError:
            for name in _weasyprint_modules():  # half-imported: start again with the stock search
                del sys.modules[name]
        finally:
            ctypes.util.find_library = stock
    import weasyprint  # noqa: F401 - imported for sys.modules

    return sys.modules["weasyprint"]
