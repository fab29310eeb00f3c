"""Plain HTTP requests to the test server (any Host and Origin), and form helpers."""

from __future__ import annotations

import http.client
import io
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from auditkit.cli import main

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class Served:
    url: str
    port: int
    root: Path
    app: Any


def serve_folder(root: Path) -> Iterator[Served]:
    import uvicorn

    from auditkit.web.app import create_app, loopback_hosts
    from auditkit.web.server import bind

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(root, loopback_hosts("127.0.0.1", port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    try:
        yield Served(url=f"http://127.0.0.1:{port}", port=port, root=root, app=app)
    finally:
        server.should_exit = True
        thread.join(10)


def request(
    served: Any,
    method: str,
    path: str,
    body: bytes | None = None,
    *,
    host: str | None = None,
    origin: str | None | bool = True,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request; ``origin=True`` sends the server's own Origin on a POST, a string sends that one."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=60)
    sent = {"Host": f"127.0.0.1:{served.port}" if host is None else host, **(headers or {})}
    if origin is True and method != "GET":
        sent["Origin"] = served.url
    elif isinstance(origin, str):
        sent["Origin"] = origin
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def post(
    served: Any, path: str, fields: dict[str, Any] | list[tuple[str, str]], **kw: Any
) -> tuple[int, dict[str, str], bytes]:
    body = urlencode(fields, doseq=True).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **kw.pop("headers", {})}
    return request(served, "POST", path, body, headers=headers, **kw)


def upload(served: Any, name: str, data: bytes, **kw: Any) -> tuple[int, dict[str, str], bytes]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/yaml\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return request(
        served, "POST", "/upload", body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, **kw
    )


def open_example(served: Any, file: str = "moscow-safe-city-frt.yaml") -> str:
    """Open a bundled example; return the document's base path, /d/ID."""
    status, headers, _ = post(served, "/example", {"file": file})
    assert status == 303, status
    return headers["location"].rsplit("/", 1)[0]


def new_description(served: Any, name: str) -> str:
    status, headers, _ = post(served, "/new", {"name": name})
    assert status == 303
    return headers["location"].rsplit("/", 1)[0]


def open_bytes(served: Any, name: str, data: bytes) -> str:
    status, headers, body = upload(served, name, data)
    assert status == 303, body.decode()[:2000]
    return headers["location"].rsplit("/", 1)[0]


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def cli_lines(yaml_bytes: bytes, folder: Path, name: str = "check.yaml") -> list[str]:
    """What 'auditkit validate' prints about these bytes, one problem a line."""
    path = folder / name
    path.write_bytes(yaml_bytes)
    code, _, err = cli("validate", str(path))
    assert code == 2, err
    return err.splitlines()


def page_messages(html: str) -> list[str]:
    """The problems a page shows beside its fields, as text."""
    import html as html_lib
    import re

    found = re.findall(r'<p class="error"><span class="error-label">Problem:</span> (.*?)</p>', html, re.DOTALL)
    return [html_lib.unescape(m) for m in found]
