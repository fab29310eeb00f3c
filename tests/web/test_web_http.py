"""The questionnaire over plain HTTP: what it refuses, what it keeps, and that it says what the CLI says."""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from web_support import cli, cli_lines, new_description, open_bytes, open_example, page_messages, post, request, upload

from auditkit.model.catalog import catalogue
from auditkit.model.deployment import SECTIONS
from auditkit.model.facts import Missing
from auditkit.model.result import Verdict
from auditkit.render.labels import verdict_label
from auditkit.web.questions import sections
from auditkit.yamlio import MAX_BYTES, MAX_SCALAR_CHARS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def text(served: Any, path: str) -> str:
    status, _, body = request(served, "GET", path)
    assert status == 200, (path, status, body[:300])
    return body.decode("utf-8")


# --- who may talk to it -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example:{port}", "127.0.0.1:1", ""]
)
def test_a_request_for_another_host_is_refused(served: Any, host: str) -> None:
    """DNS rebinding: a foreign name pointed at 127.0.0.1 arrives with its own Host header."""
    status, _, body = request(served, "GET", "/", host=host.format(port=served.port))
    assert status == 403
    assert b"not to this auditkit server" in body
    before = len(served.app.state.site.store._docs)
    status, _, _ = post(served, "/new", {"name": "rebound"}, host=host.format(port=served.port))
    assert status == 403
    assert len(served.app.state.site.store._docs) == before


def test_loopback_names_are_answered(served: Any) -> None:
    for host in (f"127.0.0.1:{served.port}", f"localhost:{served.port}"):
        assert request(served, "GET", "/", host=host)[0] == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1:{port}"])
def test_a_state_changing_request_from_another_origin_is_refused(served: Any, origin: str) -> None:
    doc = open_example(served)
    before = text(served, f"{doc}/s/scope")
    status, _, body = post(
        served, f"{doc}/s/scope", {"scope.camera_count": "unknown"}, origin=origin.format(port=served.port)
    )
    assert status == 403
    assert b"another site" in body
    assert text(served, f"{doc}/s/scope") == before
    for path, fields in [
        ("/new", {"name": "x"}),
        ("/open", {"path": "a.yaml"}),
        (f"{doc}/save", {"path": "x.yaml"}),
        (f"{doc}/sources", {"action": "remove", "index": "0"}),
        (f"{doc}/about", {}),
    ]:
        assert post(served, path, fields, origin=origin.format(port=served.port))[0] == 403, path
    assert not (served.root / "x.yaml").exists()


def test_a_cross_site_post_without_origin_is_refused(served: Any) -> None:
    status, _, _ = post(served, "/new", {"name": "x"}, origin=None, headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    assert post(served, "/new", {"name": "x"}, origin=None, headers={"Sec-Fetch-Site": "same-origin"})[0] == 303


def test_pages_tell_the_browser_to_load_nothing_from_elsewhere(served: Any) -> None:
    _, headers, _ = request(served, "GET", "/")
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    doc = open_example(served)
    _, headers, _ = request(served, "GET", f"{doc}/report")
    assert "sandbox" in headers["content-security-policy"] and "script-src" not in headers["content-security-policy"]


# --- files: only inside the start folder, within the CLI's limits --------------------------------------


def test_a_path_outside_the_start_folder_is_refused(served: Any, tmp_path: Path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_bytes((EXAMPLES / "moscow-safe-city-frt.yaml").read_bytes())
    link = served.root / "link.yaml"
    if not link.exists():
        link.symlink_to(outside)
    for path in ["../secret.yaml", str(outside), "link.yaml", "/etc/passwd", "../../../../etc/passwd"]:
        status, _, body = post(served, "/open", {"path": path})
        assert status == 400, path
        assert "leads outside the folder auditkit was started in" in body.decode(), path
    doc = open_example(served)
    for path in ["../written.yaml", str(tmp_path / "written.yaml")]:
        status, _, body = post(served, f"{doc}/save", {"path": path})
        assert status == 400
        assert "leads outside the folder auditkit was started in" in body.decode()
    assert not (tmp_path / "written.yaml").exists() and not (served.root.parent / "written.yaml").exists()


def test_a_file_inside_the_start_folder_opens_and_saves_there(served: Any) -> None:
    (served.root / "mine.yaml").write_bytes((EXAMPLES / "nizhny-novgorod-safe-city.yaml").read_bytes())
    status, headers, _ = post(served, "/open", {"path": "mine.yaml"})
    assert status == 303
    doc = headers["location"].rsplit("/", 1)[0]
    assert "mine.yaml" in text(served, "/")  # recent files
    status, _, body = post(served, f"{doc}/save", {"path": "mine.yaml"})
    assert status == 303
    status, _, body = post(served, f"{doc}/save", {"path": "copy.yaml"})
    assert status == 303
    assert (served.root / "copy.yaml").read_bytes() == (served.root / "mine.yaml").read_bytes()
    assert post(served, f"{doc}/save", {"path": "copy.yaml"})[0] == 303  # the file it was last saved to
    status, _, body = post(served, f"{doc}/save", {"path": "mine.yaml"})
    assert status == 400 and "this file exists" in body.decode()
    assert post(served, f"{doc}/save", {"path": "mine.yaml", "overwrite": "yes"})[0] == 303


def test_an_oversized_upload_is_refused_with_the_cli_message(served: Any, tmp_path: Path) -> None:
    big = b"# padding\n" * (MAX_BYTES // 10 + 1)
    (tmp_path / "big.yaml").write_bytes(big)
    code, _, err = cli("validate", str(tmp_path / "big.yaml"))
    assert code == 2
    message = err.strip().split(": ", 1)[1]
    assert "larger than 2 MiB" in message
    status, _, body = upload(served, "big.yaml", big)
    assert status == 413
    assert message in body.decode()
    status, _, body = post(served, "/new", {"name": "x" * (MAX_BYTES + 10)})
    assert status == 413 and "larger than 2 MiB" in body.decode()


def test_a_file_that_is_not_yaml_is_refused_with_the_cli_message(served: Any, tmp_path: Path) -> None:
    bad = b"format_version: 1\ndeployment: {name: x\n"
    lines = cli_lines(bad, tmp_path, "broken.yaml")
    status, _, body = upload(served, "broken.yaml", bad)
    assert status == 400
    import html

    assert "broken.yaml" + lines[0].split("broken.yaml", 1)[1] in html.unescape(body.decode())


# --- the questionnaire comes from the models ----------------------------------------------------------


def test_every_fact_of_the_models_is_asked_on_its_section_page(served: Any) -> None:
    import html

    assert [s.key for s in sections()] == list(SECTIONS)
    doc = new_description(served, "Every question")
    for section in SECTIONS:
        page = html.unescape(text(served, f"{doc}/s/{section}"))
        facts = [info for info in catalogue().values() if info.section == section]
        assert facts
        for info in facts:
            assert info.question in page, info.path
            assert f'name="{info.path}"' in page
            for value, meaning in info.choices:
                assert meaning[:1].upper() + meaning[1:] in page and value in page
            for missing in Missing:
                assert f'name="{info.path}" value="{missing.value}"' in page


# --- answers: kept as written, checked and audited as the CLI does ------------------------------------


def answer(served: Any, doc: str, section: str, fields: dict[str, Any]) -> str:
    status, headers, _ = post(served, f"{doc}/s/{section}", fields)
    assert status == 303
    return text(served, headers["location"])


def test_the_yaml_download_audits_to_what_the_page_shows(served: Any, tmp_path: Path) -> None:
    doc = open_example(served)
    page = answer(
        served,
        doc,
        "retention",
        {
            "retention.max_days": "known",
            "retention.max_days.number": "30",
            "retention.max_days.sources": ["rferl-2021"],
        },
    )
    assert page_messages(page) == []
    status, _, yaml_bytes = request(served, "GET", f"{doc}/download/yaml")
    assert status == 200
    assert b"max_days:\n    value: 30\n    sources: [rferl-2021]\n" in yaml_bytes
    assert_audits_as_shown(served, doc, yaml_bytes, tmp_path / "moscow-safe-city-frt.yaml", "retention")


def assert_audits_as_shown(served: Any, doc: str, yaml_bytes: bytes, path: Path, section: str) -> None:
    """The YAML download, audited by the CLI, gives the JSON download and the verdicts the panel shows."""
    path.write_bytes(yaml_bytes)
    code, cli_json, err = cli("audit", str(path), "--format", "json")
    assert code == 0, err
    page_json = request(served, "GET", f"{doc}/download/json")[2]
    assert page_json.decode() == cli_json
    result = json.loads(cli_json)
    panel = text(served, f"{doc}/s/{section}")
    for p in result["principles"]:
        assert f'<span class="pname">{p["id"]} ' in panel
        row = panel.split(f'<span class="pname">{p["id"]} ', 1)[1].split("</summary>", 1)[0]
        assert verdict_label(Verdict(p["verdict"])) in row


def test_an_edited_file_keeps_its_comments_and_order(served: Any, tmp_path: Path) -> None:
    """Upload a commented file, change one answer: the download is the file with that one line changed."""
    original = (EXAMPLES / "los-angeles-alpr.yaml").read_text(encoding="utf-8")
    # An unanswered legality fact, with comments of every kind added around it: a line before it and one on
    # its own line (the file has its head and section comments already).
    found = re.search(r"\nlegality:\n(?:  .*\n|\n)*?  ([a-z_]+): unknown\n", original)
    assert found, "los-angeles-alpr.yaml has no unanswered legality fact left to answer"
    fact = found[1]
    commented = original.replace(
        f"\n  {fact}: unknown\n",
        f"\n  # Asked the city clerk in May; no answer yet.\n  {fact}: unknown  # ask again\n",
        1,
    )
    doc = open_bytes(served, "alpr.yaml", commented.encode("utf-8"))
    before = text(served, f"{doc}/s/legality")
    page = answer(served, doc, "legality", {f"legality.{fact}": "undisclosed"})
    assert page_messages(page) == page_messages(before)
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    changed = [
        re.sub(r" +#", "  #", line)  # a longer value pushes the comment on its line along
        for line in difflib.unified_diff(commented.splitlines(), yaml_bytes.decode().splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [f"-  {fact}: unknown  # ask again", f"+  {fact}: undisclosed  # ask again"]
    assert_audits_as_shown(served, doc, yaml_bytes, tmp_path / "alpr.yaml", "legality")
    # Changed back, the file is the uploaded one again, byte for byte.
    answer(served, doc, "legality", {f"legality.{fact}": "unknown"})
    assert request(served, "GET", f"{doc}/download/yaml")[2] == commented.encode("utf-8")


def test_an_unedited_file_downloads_byte_for_byte(served: Any) -> None:
    raw = (EXAMPLES / "moscow-covid-quarantine.yaml").read_bytes()
    doc = open_bytes(served, "moscow-covid-quarantine.yaml", raw)
    assert request(served, "GET", f"{doc}/download/yaml")[2] == raw


def test_what_the_user_wrote_is_kept_even_when_it_does_not_validate(served: Any, tmp_path: Path) -> None:
    doc = new_description(served, "Kept")
    answer(
        served,
        doc,
        "scope",
        {
            "scope.camera_count": "known",
            "scope.camera_count.number": "about forty",
            "scope.camera_count.note": "council minutes, p. 4",
        },
    )
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    assert b"value: about forty" in yaml_bytes and b"note: council minutes, p. 4" in yaml_bytes
    # Keys an opened file has and the questionnaire does not know survive an edit, and validate names them.
    raw = (
        (EXAMPLES / "hypothetical-well-governed.yaml")
        .read_bytes()
        .replace(b"\nlegality:\n", b"\nlegality:\n  favourite_colour: blue\n", 1)
    )
    doc = open_bytes(served, "extra.yaml", raw)
    answer(served, doc, "retention", {"retention.max_days": "unknown"})
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    assert b"favourite_colour: blue" in yaml_bytes
    assert any("favourite_colour" in line for line in cli_lines(yaml_bytes, tmp_path))


def test_each_kind_of_validation_message_is_the_cli_message_beside_its_field(served: Any, tmp_path: Path) -> None:
    doc = new_description(served, "Messages")
    post(
        served,
        f"{doc}/sources",
        {"action": "add", "source.id": "ok-1", "source.publisher": "P", "source.title": "T", "source.date": "2024"},
    )
    post(
        served,
        f"{doc}/sources",
        {
            "action": "add",
            "source.id": "bad id!",
            "source.publisher": "",
            "source.title": "T",
            "source.date": "last spring",
            "source.url": "ftp://x",
        },
    )
    post(
        served,
        f"{doc}/sources",
        {"action": "add", "source.id": "ok-1", "source.publisher": "P", "source.title": "T2", "source.date": "2024-01"},
    )
    post(
        served,
        f"{doc}/about",
        {
            "deployment.name": "",
            "deployment.audit_date": "31/01/2026",
            "deployment.description": "x" * (MAX_SCALAR_CHARS + 1),
        },
    )
    answer(served, doc, "legality", {"legality.published": "yes"})  # no source
    answer(
        served,
        doc,
        "scope",
        {
            "scope.camera_count": "known",
            "scope.camera_count.number": "many",
            "scope.camera_count.sources": ["ok-1"],
            "scope.geographic_limits": "no",
            "scope.geographic_limits.sources": ["gone"],
        },
    )
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    expected = cli_lines(yaml_bytes, tmp_path)
    shown = []
    for page in ["about", "sources", "s/legality", "s/scope"]:
        shown += page_messages(text(served, f"{doc}/{page}"))
    kinds = [
        "this is empty",
        "is not a date; write it as YYYY-MM-DD",
        "characters long, more than the",
        "cannot be a source id",
        "is not a date; write it as YYYY, YYYY-MM or YYYY-MM-DD",
        "is not a web address",
        "is declared twice",
        "has no source",
        "is not an answer here",
        "no source has the id 'gone'",
    ]
    for kind in kinds:
        assert any(kind in m for m in shown), (kind, shown)
        assert any(kind in line for line in expected), (kind, expected)
    for message in shown:  # every message on the page is a line of 'auditkit validate', word for word
        assert any(line.endswith(message) for line in expected), message
    assert len(shown) == len(expected)


def test_htmx_gets_the_messages_and_the_panel_to_swap_in(served: Any) -> None:
    doc = open_example(served)
    status, _, body = post(
        served,
        f"{doc}/s/scope",
        {"scope.camera_count": "known", "scope.camera_count.number": "x"},
        headers={"HX-Request": "true"},
    )
    assert status == 200
    page = body.decode()
    assert 'id="q-scope-camera_count-msg" hx-swap-oob="true"' in page
    assert "is not an answer here" in page and 'id="panel" aria-labelledby="panel-title" hx-swap-oob="true"' in page


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'&'


def test_html_and_script_in_every_text_field_stay_inert(served: Any, tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load((EXAMPLES / "moscow-safe-city-frt.yaml").read_text(encoding="utf-8"))
    for key in ("name", "jurisdiction", "operator", "technology", "period", "description", "auditor"):
        data["deployment"][key] = f"{key} {HOSTILE}"
    for source in data["sources"]:
        for key in ("publisher", "title", "note"):
            source[key] = f"{key} {HOSTILE}"
        source["url"] = "https://example.org/?q=%3Cscript%3E"
    for section in SECTIONS:
        for fact in (data.get(section) or {}).values():
            if isinstance(fact, dict):
                fact["note"] = f"note {HOSTILE}"
    raw = yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode()
    doc = open_bytes(served, "hostile.yaml", raw)
    pages = [
        "/",
        f"{doc}/about",
        f"{doc}/sources",
        f"{doc}/results",
        f"{doc}/report",
        *(f"{doc}/s/{s}" for s in SECTIONS),
    ]
    for path in pages:
        body = text(served, path)
        assert "<script>alert" not in body and "<img src=x" not in body, path
    assert "&lt;script&gt;alert" in text(served, f"{doc}/about")
    for fmt in ("html", "md"):
        body = request(served, "GET", f"{doc}/download/{fmt}")[2].decode()
        assert "<script>alert" not in body, fmt
    # The same inertness with a description that does not validate (messages echo the values).
    answer(served, doc, "scope", {"scope.scanning": HOSTILE})
    body = text(served, f"{doc}/s/scope")
    assert "<script>alert" not in body


# --- the command --------------------------------------------------------------------------------------


def test_validate_imports_no_web_module(tmp_path: Path) -> None:
    code = (
        "import sys; from auditkit.cli import main; main(['validate', sys.argv[1]]); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', 'multipart', "
        "'python_multipart', 'anyio', 'h11') or m.startswith('auditkit.web')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "moscow-safe-city-frt.yaml")],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("[]"), run.stdout


def test_serve_prints_its_address_and_answers_there(tmp_path: Path) -> None:
    from auditkit.web.server import bind

    probe = bind("127.0.0.1", 0)
    port = probe.getsockname()[1]
    probe.close()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "auditkit"), "serve", "--no-browser", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == f"auditkit questionnaire: http://127.0.0.1:{port}/"
        import time
        import urllib.request

        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert b"Describe a new programme" in response.read()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not answer")
        command = [str(Path(sys.executable).parent / "auditkit"), "serve", "--no-browser", "--port", str(port)]
        taken = subprocess.run(command, cwd=tmp_path, check=False, capture_output=True, text=True, timeout=60)
        assert taken.returncode == 2
        assert taken.stderr.startswith(f"--port: cannot listen on 127.0.0.1 port {port}")
        assert len(taken.stderr.splitlines()) == 1
    finally:
        proc.terminate()
        proc.wait(20)


def test_every_field_of_the_programme_and_of_a_source_has_a_control() -> None:
    from auditkit.model.deployment import About, Source
    from auditkit.web.questions import about_widgets, source_widgets

    assert [w.name for w in about_widgets()] == list(About.model_fields)
    assert [w.name for w in source_widgets()] == list(Source.model_fields)


def test_an_answer_the_form_cannot_show_is_kept_as_written(served: Any) -> None:
    raw = (EXAMPLES / "moscow-safe-city-frt.yaml").read_bytes()
    raw = raw.replace(
        b"\nscope:\n", b"\nscope:\n  watchlist_size:\n    value: {at_least: 100}\n    sources: [rferl-2021]\n", 1
    )
    doc = open_bytes(served, "kept.yaml", raw)
    page = text(served, f"{doc}/s/scope")
    assert 'id="q-scope-watchlist_size-keep" name="scope.watchlist_size" value="keep" checked' in page
    import html

    form = {"scope.scanning": "targeted", "scope.scanning.sources": ["rferl-2021"]}
    for name in ("scanning", "watchlist_size"):
        form[f"scope.{name}.shown"] = "1"
    form.update({"scope.watchlist_size": "keep", "scope.watchlist_size.sources": ["rferl-2021"]})
    answer(served, doc, "scope", form)
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    assert b"watchlist_size:\n    value:\n      at_least: 100\n    sources:\n    - rferl-2021" in yaml_bytes
    assert "at_least" in html.unescape(text(served, f"{doc}/s/scope"))


def test_the_annex_downloads_are_what_auditkit_annex_writes(served: Any, tmp_path: Path) -> None:
    doc = open_example(served)
    yaml_path = tmp_path / "moscow-safe-city-frt.yaml"
    yaml_path.write_bytes(request(served, "GET", f"{doc}/download/yaml")[2])
    for fmt in ("md", "docx"):
        status, headers, body = request(served, "GET", f"{doc}/annex/{fmt}")
        assert status == 200
        assert headers["content-disposition"] == f'attachment; filename="moscow-safe-city-frt.annex.{fmt}"'
        code, _, err = cli("annex", str(yaml_path), "-o", str(tmp_path / f"annex.{fmt}"))
        assert code == 0, err
        if fmt == "md":
            assert body == (tmp_path / "annex.md").read_bytes()
            assert b"Clause 1. Definitions" in body
        else:
            assert body[:2] == b"PK" and len(body) > 1000


def test_compare_with_an_earlier_file_in_the_start_folder(served: Any, tmp_path: Path) -> None:
    (served.root / "earlier.yaml").write_bytes((EXAMPLES / "moscow-safe-city-frt.yaml").read_bytes())
    doc = open_example(served)
    answer(served, doc, "scope", {"scope.scanning": "targeted", "scope.scanning.sources": ["rferl-2021"]})
    status, headers, body = post(served, f"{doc}/compare", {"path": "earlier.yaml", "format": "html"})
    assert status == 200 and "sandbox" in headers["content-security-policy"]
    page = body.decode()
    assert "P3-01" in page and "scope.scanning" in page
    yaml_path = tmp_path / "after.yaml"
    yaml_path.write_bytes(request(served, "GET", f"{doc}/download/yaml")[2])
    code, out, err = cli("compare", str(served.root / "earlier.yaml"), str(yaml_path), "--format", "html")
    assert code == 0, err
    import re

    assert sorted(set(re.findall(r"P\d-\d\d", page))) == sorted(set(re.findall(r"P\d-\d\d", out)))
    status, _, body = post(served, f"{doc}/compare", {"path": "../outside.yaml"})
    assert status == 400 and "leads outside the folder" in body.decode()
