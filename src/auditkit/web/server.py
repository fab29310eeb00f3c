"""Start the questionnaire's server: bind, print the address, open the browser, serve until Ctrl-C."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Protocol

from auditkit.errors import single

DEFAULT_PORT = 8765


class Output(Protocol):
    """Where the server's start-up lines go (the CLI's stdout)."""

    def write(self, text: str, /) -> int:
        """Write ``text``; the count returned is not used."""

    def flush(self) -> None:
        """Show what was written now, before the server blocks."""


def bind(host: str, port: int | None) -> socket.socket:
    """A listening socket on ``host``: ``port``, or DEFAULT_PORT (any free port when that one is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for candidate in [port] if port is not None else [DEFAULT_PORT, 0]:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError as exc:
            sock.close()
            if port is None and candidate == DEFAULT_PORT:
                continue
            raise single(
                "--port",
                f"cannot listen on {host} port {candidate} ({exc.strerror or exc}); choose another port with --port",
            ) from None
        sock.listen(64)
        return sock
    raise AssertionError("unreachable")


def address(sock: socket.socket, host: str) -> str:
    """The URL to open for a bound socket (an IPv6 host in brackets)."""
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(out: Output, root: Path, host: str, port: int | None, open_browser: bool) -> None:
    """Serve the questionnaire for ``root`` until interrupted."""
    import uvicorn

    from auditkit.web.app import create_app, loopback_hosts

    sock = bind(host, port)
    url = address(sock, host)
    app = create_app(root, loopback_hosts(host, sock.getsockname()[1]))
    out.write(f"auditkit questionnaire: {url}\n")
    out.write(f"Files are opened from and saved to {root.resolve()} only. Press Ctrl-C to stop.\n")
    if host not in ("127.0.0.1", "localhost", "::1"):
        out.write(f"Warning: --host {host} lets other computers that can reach this one use the questionnaire.\n")
    out.flush()
    if open_browser:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    import gc

    from auditkit.web.app import default_frameworks

    default_frameworks()  # the rule set is read once, before the first page
    gc.freeze()  # what start-up made lives until exit: keep the collector from walking it again during each PDF
    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False, server_header=False)
    uvicorn.Server(config).run(sockets=[sock])
