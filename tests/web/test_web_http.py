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
from auditkit.web.questions import question, sections
from auditkit.yamlio import MAX_BYTES, MAX_SCALAR_CHARS, parse_bytes

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


@pytest.mark.parametrize("page", ["about", "sources", "s/scope", "save", "compare"])
def test_a_page_of_a_description_refuses_what_no_description_or_form_fits(served: Any, page: str) -> None:
    """Every page of a description: none open by that id is the 404 page; an oversized form, the CLI's words."""
    gone = "/d/no-such-description"
    if page not in ("save", "compare"):
        assert request(served, "GET", f"{gone}/{page}")[0] == 404
    assert post(served, f"{gone}/{page}", {"path": "x.yaml"})[0] == 404
    doc = open_example(served)
    before = text(served, f"{doc}/download/yaml")
    status, _, body = post(served, f"{doc}/{page}", {"path": "x.yaml", "deployment.name": "x" * (MAX_BYTES + 10)})
    assert status == 413 and "larger than 2 MiB" in body.decode()
    assert text(served, f"{doc}/download/yaml") == before
    assert not (served.root / "x.yaml").exists()


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
            q = question(info.path)
            assert q is not None
            for shape in q.shapes:  # numbers: exact, bounds, about, days, hours (from the model's schema)
                assert f'name="{info.path}" value="{shape.key}"' in page and shape.meaning[1:] in page
                for box in shape.fields or ("number",):
                    assert f'name="{info.path}.{box}"' in page


FORMAT2 = sorted((Path(__file__).resolve().parents[1] / "fixtures" / "format2").glob("*.yaml"))


@pytest.mark.parametrize("path", FORMAT2, ids=[p.stem for p in FORMAT2])
def test_every_answer_of_the_format_2_cases_shows_in_the_form(served: Any, path: Path, tmp_path: Path) -> None:
    """Every fact the format-2 cases state (the newest facts among them) fills in its controls: none is only kept."""
    raw = path.read_bytes()
    doc = open_bytes(served, path.name, raw)
    data = parse_bytes(raw, path.name).data
    for section in SECTIONS:
        page = text(served, f"{doc}/s/{section}")
        assert 'value="keep" checked' not in page, section
        assert page_messages(page) == []
        for name, fact in (data.get(section) or {}).items():
            sides = [side for side in ("law", "practice") if isinstance(fact, dict) and side in fact]
            for statement in [f"{name}.{side}" for side in sides] or [name]:
                assert re.search(rf'name="{section}\.{statement}" value="[^"]+" checked', page), statement
            if sides:
                assert re.search(rf'name="{section}\.{name}\.split" value="1" checked', page)
    assert request(served, "GET", f"{doc}/download/yaml")[2] == raw


def test_the_period_a_count_covers_shows_and_changes_in_the_form(served: Any, tmp_path: Path) -> None:
    path = next(p for p in FORMAT2 if p.stem == "private-face-matching")
    raw = path.read_text(encoding="utf-8")
    line = '  people_processed: {value: {at_least: 100000}, per: month, sources: [{id: regulator-2025, at: "para 12"}]}'
    assert line + "\n" in raw
    doc = open_bytes(served, path.name, raw.encode("utf-8"))
    page = text(served, f"{doc}/s/scope")
    select = re.search(r'<select [^>]*name="scope\.people_processed\.per".*?</select>', page, re.DOTALL)
    assert select and '<option value="month" selected>Month</option>' in select[0]
    q = "scope.people_processed"
    fields = {q: "at_least-at_most", f"{q}.at_least": "100000", f"{q}.sources": ["regulator-2025"], f"{q}.per": "year"}
    fields[f"{q}.at.regulator-2025"] = "para 12"
    page = answer(served, doc, "scope", fields)
    assert page_messages(page) == []
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    changed = [
        line
        for line in difflib.unified_diff(raw.splitlines(), yaml_bytes.decode().splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["-" + line, "+" + line.replace("per: month", "per: year")]


def test_a_duration_answer_changed_in_the_form(served: Any, tmp_path: Path) -> None:
    path = next(p for p in FORMAT2 if p.stem == "private-face-matching")
    raw = path.read_text(encoding="utf-8")
    assert "  matches: {value: {hours: 72}, sources: [chain-policy]}\n" in raw
    doc = open_bytes(served, path.name, raw.encode("utf-8"))
    q = "retention.matches"
    page = answer(served, doc, "retention", {q: "days", f"{q}.days": "30", f"{q}.sources": ["chain-policy"]})
    assert page_messages(page) == []
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    changed = [
        line
        for line in difflib.unified_diff(raw.splitlines(), yaml_bytes.decode().splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        "-  matches: {value: {hours: 72}, sources: [chain-policy]}",
        "+  matches: {value: {days: 30}, sources: [chain-policy]}",
    ]
    assert_audits_as_shown(served, doc, yaml_bytes, tmp_path / path.name, "retention")
    page = answer(served, doc, "retention", {q: "days", f"{q}.days": "", f"{q}.sources": ["chain-policy"]})
    shown_ = [m for m in page_messages(page) if "a period is written" in m]
    assert shown_ and any(
        shown_[0] in line for line in cli_lines(request(served, "GET", f"{doc}/download/yaml")[2], tmp_path)
    )


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


def moscow_with_watchlist(value: str) -> bytes:
    """The Moscow example with its scope.watchlist_size written as ``value``, citing rferl-2021."""
    text = (EXAMPLES / "moscow-safe-city-frt.yaml").read_text(encoding="utf-8")
    block = f"\n  watchlist_size:\n    {value}\n    sources: [rferl-2021]"
    text, count = re.subn(
        r"\n  watchlist_size:.*?(?=\n  [a-z_]+:|\n\n)", lambda _: block, text, count=1, flags=re.DOTALL
    )
    assert count == 1
    return text.encode("utf-8")


def test_an_answer_the_form_cannot_show_is_kept_as_written(served: Any) -> None:
    raw = moscow_with_watchlist("value: [1, 2]")
    doc = open_bytes(served, "kept.yaml", raw)
    page = text(served, f"{doc}/s/scope")
    assert 'id="q-scope-watchlist_size-keep" name="scope.watchlist_size" value="keep" checked' in page
    form = {"scope.scanning": "targeted", "scope.scanning.sources": ["rferl-2021"]}
    for name in ("scanning", "watchlist_size"):
        form[f"scope.{name}.shown"] = "1"
    form.update({"scope.watchlist_size": "keep", "scope.watchlist_size.sources": ["rferl-2021"]})
    answer(served, doc, "scope", form)
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    assert parse_bytes(yaml_bytes, "kept.yaml").data["scope"]["watchlist_size"]["value"] == [1, 2]


def fact_after(served: Any, doc: str, path: str) -> Any:
    section, name = path.split(".")
    return parse_bytes(request(served, "GET", f"{doc}/download/yaml")[2], "t.yaml").data[section].get(name)


def test_format_2_answers_are_edited_in_the_form(served: Any, tmp_path: Path) -> None:
    """Bounds, about, law and practice apart, standing, not_applicable with its reason: each from the models."""
    raw = moscow_with_watchlist("value: {at_least: 100}")
    doc = open_bytes(served, "format2.yaml", raw)
    page = text(served, f"{doc}/s/scope")
    q = "scope.watchlist_size"
    assert f'id="q-scope-watchlist_size-at_least-at_most" name="{q}" value="at_least-at_most" checked' in page
    assert f'name="{q}.at_least" inputmode="numeric" value="100"' in page
    assert "pproximate number (read as 10% either side)" in page  # the model's own words for 'about'
    assert page_messages(page) == []
    cite = {f"{q}.sources": ["rferl-2021"]}

    answer(served, doc, "scope", {q: "about", f"{q}.about": "40000", **cite})
    assert fact_after(served, doc, q) == {"value": {"about": 40000}, "sources": ["rferl-2021"]}
    answer(served, doc, "scope", {q: "at_least-at_most", f"{q}.at_least": "10", f"{q}.at_most": "20", **cite})
    assert fact_after(served, doc, q)["value"] == {"at_least": 10, "at_most": 20}

    # A range the wrong way round: the CLI's message, beside the question.
    page = answer(served, doc, "scope", {q: "at_least-at_most", f"{q}.at_least": "20", f"{q}.at_most": "10", **cite})
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    wrong = [m for m in page_messages(page) if "at_least 20 is more than at_most 10" in m]
    assert wrong and any(f" {q}.value: {wrong[0]}" in line for line in cli_lines(yaml_bytes, tmp_path))
    assert page.index(wrong[0]) > page.index('id="q-scope-watchlist_size"')

    # not_applicable needs its reason: the CLI says so beside the field until a reason is given.
    page = answer(served, doc, "scope", {q: "not_applicable"})
    assert any("a not_applicable answer needs its reason" in m for m in page_messages(page))
    page = answer(served, doc, "scope", {q: "not_applicable", f"{q}.reason": "The system keeps no watchlist."})
    assert page_messages(page) == []
    assert fact_after(served, doc, q) == {"value": "not_applicable", "reason": "The system keeps no watchlist."}

    # Standing, and a disputed fact's contested_by (the ledger's sources, ticked).
    page = answer(served, doc, "scope", {q: "known", f"{q}.number": "5000", f"{q}.standing": "disputed", **cite})
    assert any("a disputed fact needs 'contested_by" in m for m in page_messages(page))
    page = answer(
        served,
        doc,
        "scope",
        {
            q: "known",
            f"{q}.number": "5000",
            f"{q}.standing": "disputed",
            f"{q}.contested_by": ["kommersant-2019"],
            **cite,
        },
    )
    assert page_messages(page) == []
    assert fact_after(served, doc, q) == {
        "value": 5000,
        "sources": ["rferl-2021"],
        "standing": "disputed",
        "contested_by": ["kommersant-2019"],
    }
    assert f'name="{q}.contested_by" value="kommersant-2019" checked' in page

    # Ticked (the sides are not on the page yet): both sides start as the one answer, and the page shows them.
    page = answer(served, doc, "scope", {q: "known", f"{q}.number": "5000", f"{q}.split": "1", **cite})
    assert fact_after(served, doc, q) == {
        "law": {"value": 5000, "sources": ["rferl-2021"]},
        "practice": {"value": 5000, "sources": ["rferl-2021"]},
    }
    assert f'name="{q}.law.number" inputmode="numeric" value="5000"' in page
    # htmx's post of the tick is sent back to the page, whose question it swaps in (hx-select).
    status, headers, _ = post(
        served,
        f"{doc}/s/scope",
        {f"{q}.shown": "1", q: "known", f"{q}.number": "5000", **cite},
        headers={"HX-Request": "true", "HX-Target": "q-scope-watchlist_size"},
    )
    assert status == 303 and headers["location"] == f"{doc}/s/scope"
    assert fact_after(served, doc, q) == {"value": 5000, "sources": ["rferl-2021"]}
    assert f'name="{q}.law.number"' not in text(served, f"{doc}/s/scope")  # not split: no side controls sent

    # What the rules say and what happens, apart: each side a statement of its own.
    sides = {
        f"{q}.split": "1",
        f"{q}.law.shown": "1",
        f"{q}.law": "at_least-at_most",
        f"{q}.law.at_most": "1000",
        f"{q}.law.sources": ["kommersant-2019"],
        f"{q}.practice.shown": "1",
        f"{q}.practice": "about",
        f"{q}.practice.about": "40000",
        f"{q}.practice.sources": ["rferl-2021"],
        f"{q}.practice.standing": "reported",
    }
    page = answer(served, doc, "scope", {q: "unknown", **sides})
    assert page_messages(page) == []
    assert fact_after(served, doc, q) == {
        "law": {"value": {"at_most": 1000}, "sources": ["kommersant-2019"]},
        "practice": {"value": {"about": 40000}, "sources": ["rferl-2021"], "standing": "reported"},
    }
    assert '<details class="sides" open>' in page
    assert f'id="q-scope-watchlist_size-practice-about" name="{q}.practice" value="about" checked' in page
    assert f'name="{q}.law.at_most" inputmode="numeric" value="1000"' in page
    yaml_bytes = request(served, "GET", f"{doc}/download/yaml")[2]
    assert_audits_as_shown(served, doc, yaml_bytes, tmp_path / "format2.yaml", "scope")
    # Unticked, the one answer above is the fact again.
    answer(served, doc, "scope", {q: "undisclosed", f"{q}.law": "unknown", f"{q}.practice": "unknown"})
    assert fact_after(served, doc, q) == "undisclosed"


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


def test_the_panel_rows_open_stay_open_after_an_answer(served: Any) -> None:
    """The open rows are sent with the answers: htmx's fragment and the plain post's page keep them open."""
    doc = open_example(served)
    page = text(served, f"{doc}/s/scope")
    assert 'form="answers"' in page and '<form method="post" id="answers"' in page
    fields = [("scope.scanning", "targeted"), ("scope.scanning.sources", "rferl-2021"), ("open", "P3"), ("open", "P7")]
    status, headers, _ = post(served, f"{doc}/s/scope", fields)
    assert status == 303 and headers["location"] == f"{doc}/s/scope?open=P3&open=P7"
    page = text(served, headers["location"])
    for pid in ("P1", "P3", "P7"):
        checked = f'id="open-{pid}" name="open" value="{pid}" form="answers" aria-controls="row-{pid}" checked' in page
        assert checked == (pid != "P1")
    fragment = post(served, f"{doc}/s/scope", fields, headers={"HX-Request": "true"})[2].decode()
    assert 'hx-swap-oob="true"' in fragment and 'aria-controls="row-P3" checked' in fragment
    assert 'aria-controls="row-P1" checked' not in fragment
    # Only principle ids are taken from what is posted.
    status, headers, _ = post(served, f"{doc}/s/scope", [("open", "P3"), ("open", "<x>"), ("open", "P3")])
    assert headers["location"] == f"{doc}/s/scope?open=P3"
