"""WeasyPrint is imported with one library listing instead of ~215 processes, and works where names differ."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from auditkit.render import libraries

LISTING = b"""\
1234 libs found in cache `/etc/ld.so.cache'
\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpangoft2-1.0.so.0
\tlibharfbuzz.so.0 (libc6) => /lib/i386-linux-gnu/libharfbuzz.so.0
\tlibharfbuzz.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libharfbuzz.so.0
\tlibharfbuzz-subset.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libharfbuzz-subset.so.0
\tlibgobject-2.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libgobject-2.0.so.0
"""


def test_the_listing_answers_as_ctypes_would() -> None:
    abi = "libc6,x86-64"
    assert libraries.find_in_listing("gobject-2.0", LISTING, abi) == "libgobject-2.0.so.0"
    assert libraries.find_in_listing("harfbuzz", LISTING, abi) == "libharfbuzz.so.0"
    assert libraries.find_in_listing("harfbuzz-subset", LISTING, abi) == "libharfbuzz-subset.so.0"
    # WeasyPrint's Windows and macOS spellings are not there: "not found" at once, with no gcc or ld run.
    assert libraries.find_in_listing("libgobject-2.0-0", LISTING, abi) is None
    assert libraries.find_in_listing("gobject-2.0-0", LISTING, abi) is None
    # A library of another ABI (32-bit) is not taken for this interpreter's.
    assert (
        libraries.find_in_listing(
            "harfbuzz", LISTING.replace(b"(libc6,x86-64) => /lib/x86_64-linux-gnu/libharfbuzz.so.0", b""), abi
        )
        is None
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the ldconfig listing is Linux's")
def test_the_listing_agrees_with_the_stock_search_on_this_machine() -> None:
    import ctypes.util

    listing = libraries.ldconfig_listing()
    assert listing, "ldconfig -p gave nothing"
    for name in ("gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0", "libgobject-2.0-0"):
        assert libraries.find_in_listing(name, listing, libraries.abi_type()) == ctypes.util.find_library(name)


# Each check runs in a fresh interpreter: WeasyPrint can be imported only once per process.
PROBE = """
import ctypes.util, subprocess, sys
started = []
real_init = subprocess.Popen.__init__
def counting(self, args, *a, **k):
    started.append(args[0] if isinstance(args, (list, tuple)) else args)
    real_init(self, args, *a, **k)
subprocess.Popen.__init__ = counting
stock_find = ctypes.util.find_library
from auditkit.render import libraries
{setup}
weasyprint = libraries.import_weasyprint({argument})
assert ctypes.util.find_library is stock_find, "find_library was not put back"
pdf = weasyprint.HTML(string="<p>Hello, world</p>").write_pdf()
assert pdf.startswith(b"%PDF"), pdf[:20]
print(len(started), sorted(set(map(str, started))))
"""


def probe(setup: str = "", argument: str = "") -> tuple[int, str]:
    code = textwrap.dedent(PROBE).format(setup=setup, argument=argument)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    count, names = done.stdout.strip().split(" ", 1)
    return int(count), names


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the ldconfig listing is Linux's")
def test_import_starts_one_process_and_renders() -> None:
    count, names = probe()
    assert count == 1, names  # ldconfig -p, once; the stock search starts ~54 here (gcc, ld, ldconfig...)
    assert "ldconfig" in names


def test_where_the_listing_has_other_names_weasyprint_still_loads() -> None:
    # A machine whose loader cache lists none of these names (another distribution, or libraries found only
    # through LD_LIBRARY_PATH): WeasyPrint's own sonames such as libgobject-2.0.so.0 are opened directly.
    count, _ = probe(argument="lambda: b'\\tlibother.so.1 (libc6,x86-64) => /opt/lib/libother.so.1\\n'")
    assert count == 0


def test_when_the_fast_path_fails_the_stock_search_is_used() -> None:
    # The listing names libraries that do not exist: the first import fails, the second uses the real search.
    fake = "\\n".join(
        f"\\tlib{n}.so.0 ({{libraries.abi_type()}}) => /nowhere/lib{n}.so.0"
        for n in ("gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "pangoft2-1.0")
    )
    setup = (
        f"fake = f'{fake}'.encode()\n"
        "import cffi.api\n"
        "real = cffi.api._load_backend_lib\n"
        "def no_sonames(backend, name, flags):\n"
        "    if name.endswith(('.so.0', '.so.1')) and ctypes.util.find_library is not stock_find:\n"
        "        raise OSError('simulated: this machine has other sonames')\n"
        "    return real(backend, name, flags)\n"
        "cffi.api._load_backend_lib = no_sonames\n"
    )
    count, names = probe(setup=setup, argument="lambda: fake")
    assert count > 1, names  # the stock search ran (ldconfig, gcc, ld), and WeasyPrint works


def test_without_ldconfig_weasyprint_is_imported_as_it_is() -> None:
    count, names = probe(argument="lambda: b''")
    assert count > 1, names
