"""Benchmark of the web questionnaire (auditkit serve), run by benchmarks/run.py (section 6).

The server runs as a user starts it, ``auditkit serve --no-browser`` in a
process of its own; this process is the browser. Measured on loopback:

- an answer to its updated verdict panel: the request htmx sends when an
  answer changes (the section's form, with ``HX-Request``) until the
  response with the messages and the panel has been read, for a sequence of
  real answer changes on the Moscow case study (server side: no browser
  rendering is counted);
- the PDF download of a case study against ``auditkit audit FILE --format
  pdf -o OUT`` for the same file, each the best of a few runs, interleaved.
"""

from __future__ import annotations

import http.client
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
CASE = "moscow-safe-city-frt.yaml"
# Answers a user might give on the scope page, cycled: each changes the audit (verdicts or scores). As a
# browser does, each post carries the question's ticked sources; questions not posted stay as they are.
ANSWERS = [
    {"scope.scanning": "targeted", "scope.scanning.sources": "rferl-2021"},
    {"scope.scanning": "untargeted", "scope.scanning.sources": "rferl-2021"},
    {"scope.camera_count": "known", "scope.camera_count.number": "178000", "scope.camera_count.sources": "rferl-2021"},
    {"scope.camera_count": "unknown"},
    {"scope.geographic_limits": "yes", "scope.geographic_limits.sources": "rferl-2021"},
    {"scope.geographic_limits": "no", "scope.geographic_limits.sources": "rferl-2021"},
    {"scope.time_limits": "undisclosed"},
    {"scope.time_limits": "unknown"},
]


@dataclass(frozen=True)
class WebFigures:
    answers: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    pdf_web_s: float
    pdf_cli_s: float
    pdf_runs: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request(
        method,
        path,
        body=body,
        headers={"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}", **(headers or {})},
    )
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def _post(port: int, path: str, fields: dict[str, str], hx: bool = False) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if hx:
        headers["HX-Request"] = "true"
    return _request(port, "POST", path, urlencode(fields).encode(), headers)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(command: list[str], env: dict[str, str], quick: bool) -> WebFigures:
    """Start the server, time answers and PDF downloads against the CLI; stop the server."""
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen(
            [*command, "serve", "--no-browser", "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            server.stdout.readline()  # the address: the socket is listening
            status, headers, _ = _post(port, "/example", {"file": CASE})
            assert status == 303, status
            doc = headers["location"].rsplit("/", 1)[0]
            section = f"{doc}/s/scope"
            for fields in ANSWERS:  # warm: the first audit builds the validators
                _post(port, section, fields, hx=True)
            times = []
            for i in range(40 if quick else 400):
                start = time.perf_counter()
                status, _, body = _post(port, section, ANSWERS[i % len(ANSWERS)], hx=True)
                times.append(time.perf_counter() - start)
                assert status == 200 and b'id="panel"' in body
            _, _, yaml_bytes = _request(port, "GET", f"{doc}/download/yaml")
            case = Path(folder) / CASE
            case.write_bytes(yaml_bytes)
            runs = 1 if quick else 3
            web, cli = [], []
            for _ in range(runs):  # interleaved, so that load from other processes hits both alike
                start = time.perf_counter()
                status, _, pdf = _request(port, "GET", f"{doc}/download/pdf")
                web.append(time.perf_counter() - start)
                assert status == 200 and pdf.startswith(b"%PDF"), (status, pdf[:300])
                start = time.perf_counter()
                subprocess.run(
                    [*command, "audit", str(case), "--format", "pdf", "-o", str(Path(folder) / "cli.pdf")],
                    env=env,
                    check=True,
                    capture_output=True,
                )
                cli.append(time.perf_counter() - start)
        finally:
            server.terminate()
            server.wait(30)
    return WebFigures(
        answers=len(times),
        p50_ms=1000 * _percentile(times, 0.5),
        p95_ms=1000 * _percentile(times, 0.95),
        max_ms=1000 * max(times),
        pdf_web_s=min(web),
        pdf_cli_s=min(cli),
        pdf_runs=runs,
    )
