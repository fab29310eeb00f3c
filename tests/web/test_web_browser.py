"""The questionnaire in a real browser (Debian's Chromium, driven by Playwright), as a user would use it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from web_support import cli, new_description, open_bytes, open_example, post, request

from auditkit.model.deployment import SECTIONS
from auditkit.model.result import Verdict
from auditkit.render.labels import verdict_label

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAME = "Riverside licence-plate readers"


def panel_verdicts(page: Any) -> dict[str, str]:
    """Principle id -> verdict label, as the verdict panel shows them."""
    out = {}
    for row in page.locator("#panel .verdict-row .row-head").all():
        pid = row.locator(".pname").inner_text().split(" ", 1)[0]
        out[pid] = row.locator(".verdict").inner_text()
    return out


def panel_rows(page: Any) -> dict[str, str]:
    """Principle id -> its whole line in the panel (verdict and score)."""
    rows = page.locator("#panel .verdict-row .row-head").all()
    return {row.locator(".pname").inner_text().split(" ", 1)[0]: row.inner_text() for row in rows}


def saved(page: Any) -> Any:
    """Wait for the answer htmx posts on a change, and for its messages and panel to be swapped in."""
    return page.expect_response(lambda r: r.request.method == "POST" and r.request.headers.get("hx-request") == "true")


def choose(page: Any, path: str, value: str) -> None:
    """Pick an answer the way a user does: click its label."""
    anchor = "q-" + path.replace(".", "-")
    with saved(page):
        page.locator(f"label[for='{anchor}-{value}']").click()
    page.wait_for_timeout(50)  # the swap happens just after the response


def tick(page: Any, question: str, label: Any) -> None:
    with saved(page):
        # the answer's own sources (not a pinpoint field, not contested_by or a law/practice side's)
        page.locator(f"{question}-sources").get_by_role("checkbox", name=label).check()
    page.wait_for_timeout(50)


def test_a_new_licence_plate_reader_description_from_scratch(served: Any, page: Any, tmp_path: Path) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(served.url)
    page.get_by_label("Name of the programme").fill(NAME)
    page.get_by_role("button", name="Start").click()
    page.wait_for_url(re.compile(r"/d/[^/]+/about$"))
    page.get_by_label("Jurisdiction").fill("Riverside, Exampleland")
    page.get_by_label("Operator").fill("Riverside Police Department")
    page.get_by_label("Technology").fill("automatic licence-plate recognition cameras")
    page.get_by_label("Audit date").fill("2026-11-30")
    page.get_by_label("Audit date").press("Tab")
    page.get_by_role("link", name="Next: the sources").click()

    # Add a source to the ledger.
    form = page.locator("#add-source")
    form.get_by_label("Id").fill("council-2024")
    form.get_by_label("Publisher").fill("Riverside City Council")
    form.get_by_label("Title").fill("Resolution 24-17 on licence-plate readers")
    form.get_by_label("Date").fill("2024-03")
    form.get_by_label("Url").fill("https://example.org/riverside/resolution-24-17")
    form.get_by_role("button", name="Add this source").click()
    assert page.locator("#source-1 legend").inner_text() == "Source 1: council-2024"

    # Answer legality: the verdict panel changes as the answers go in.
    page.get_by_role("link", name="P1 Legality").first.click()
    initial = panel_verdicts(page)
    assert initial["P1"] == "Insufficient information"
    choose(page, "legality.instrument_type", "statute")
    # An answer without a source: the CLI's message appears beside the question, live.
    message = page.locator("#q-legality-instrument_type-msg")
    assert "has no source" in message.inner_text()
    assert "audited" in page.locator("#panel .panel-status").inner_text()
    tick(page, "#q-legality-instrument_type", re.compile("council-2024"))
    assert message.inner_text() == ""
    page.locator("#q-legality-instrument_type").get_by_label("Note", exact=True).fill("Resolution 24-17, section 2")
    with saved(page):
        page.locator("#q-legality-instrument_type").get_by_label("Note", exact=True).press("Tab")
    for name in (
        "competent_body",
        "published",
        "names_technology",
        "defines_purposes",
        "defines_users",
        "defines_retention",
        "defines_oversight",
    ):
        tick(page, f"#q-legality-{name}", re.compile("council-2024"))
        choose(page, f"legality.{name}", "yes")
    after = panel_verdicts(page)
    assert after["P1"] != initial["P1"]
    assert after["P1"] in ("Met", "Partially met")
    # Clicking a finding jumps to the facts that decide it.
    page.locator("#panel .verdict-row .row-head").first.click()
    page.locator("#panel .findings a").first.click()
    page.wait_for_url(re.compile(r"/s/legality#q-legality-"))

    # Retention, by keyboard-free number entry.
    page.goto(page.url.split("/s/")[0] + "/s/retention")
    tick(page, "#q-retention-max_days", re.compile("council-2024"))
    page.locator("#q-retention-max_days-number").fill("30")
    with saved(page):
        page.locator("#q-retention-max_days-number").press("Tab")
    page.wait_for_timeout(50)
    assert page.locator("#q-retention-max_days-msg").inner_text() == ""
    shown = panel_verdicts(page)

    # Results: the report preview, and the downloads.
    page.get_by_role("link", name="Results and downloads").click()
    assert page.frame_locator("iframe.preview").locator("h1").inner_text() == NAME
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="The report as PDF").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    with page.expect_download() as yaml_download:
        page.get_by_role("link", name="The description (YAML)").click()
    assert yaml_download.value.suggested_filename == "riverside-licence-plate-readers.yaml"
    yaml_path = tmp_path / yaml_download.value.suggested_filename
    yaml_download.value.save_as(yaml_path)

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    first = reader.pages[0].extract_text()
    assert "Riverside licence-plate readers" in first and "Riverside Police Department" in first
    assert reader.attachments[yaml_path.name] == [yaml_path.read_bytes()]  # the PDF carries what was downloaded

    code, out, err = cli("audit", str(yaml_path), "--format", "json")
    assert code == 0, err
    result = json.loads(out)
    assert {p["id"]: verdict_label(Verdict(p["verdict"])) for p in result["principles"]} == shown
    text = yaml_path.read_text(encoding="utf-8")
    assert "Resolution 24-17, section 2" in text and "council-2024" in text
    # Nothing left the machine: every request the browser made went to this server.
    assert asked and all(url.startswith(served.url + "/") for url in asked), sorted(set(asked))


def test_open_the_moscow_example_and_change_one_fact(served: Any, page: Any) -> None:
    page.goto(served.url)
    page.get_by_role("button", name=re.compile('Moscow "Safe City" facial-recognition')).click()
    page.get_by_role("link", name="P3 No mass surveillance").first.click()

    def p3() -> str:
        return str(page.locator("#panel .verdict-row .row-head").nth(2).inner_text())

    before, row = panel_verdicts(page), p3()
    grade = page.locator("#panel .panel-status").inner_text()
    assert before["P3"] == "Not met" and "score 0" in row
    assert page.locator("#q-scope-scanning-untargeted").is_checked()
    choose(page, "scope.scanning", "targeted")
    assert p3() != row  # the score moves; P3-01, a red line, is now met
    after = panel_verdicts(page)
    assert {k: v for k, v in after.items() if k != "P3"} == {k: v for k, v in before.items() if k != "P3"}
    assert page.locator("#panel .panel-status").inner_text() != grade
    page.locator("#panel .verdict-row .row-head").nth(2).click()
    assert page.locator("#panel .verdict-row").nth(2).get_by_text("P3-01").first.is_visible()
    assert not page.locator("#row-P1").is_visible()
    choose(page, "scope.scanning", "untargeted")  # the panel is swapped in again: the row opened stays open
    assert page.locator("#panel .verdict-row").nth(2).get_by_text("P3-01").first.is_visible()
    assert page.locator("#open-P3").is_checked() and not page.locator("#row-P1").is_visible()
    choose(page, "scope.scanning", "targeted")
    page.reload()  # the answer is kept on the server, not only in the page
    assert page.locator("#q-scope-scanning-targeted").is_checked()
    assert panel_verdicts(page) == after


def test_the_rules_and_the_practice_stated_apart(served: Any, page: Any) -> None:
    """Ticking 'differ' brings the question back with its two statements (htmx swaps the question in)."""
    doc = open_example(served)
    page.goto(served.url + f"{doc}/s/scope")
    question = page.locator("#q-scope-camera_count")
    question.get_by_text("The rules and the practice differ").click()
    assert not page.locator("#q-scope-camera_count-law-known").count()  # no side controls until it is ticked
    with page.expect_response(lambda r: r.url.endswith("/s/scope") and r.request.method == "GET"):
        page.locator("label[for='q-scope-camera_count-split']").click()
    page.wait_for_timeout(50)
    assert page.locator("#q-scope-camera_count-split").is_checked()
    assert page.locator("#q-scope-camera_count-law-known").is_visible()
    assert page.locator("#q-scope-camera_count-practice-known").is_visible()
    assert not page.locator("#q-scope-camera_count-known").is_visible()  # the one answer is set aside
    one = yaml_data(served, doc)["scope"]["camera_count"]["practice"]  # both sides began as the one answer
    assert page.locator("#q-scope-camera_count-practice-number").input_value() == str(one["value"])
    choose(page, "scope.camera_count.law", "undisclosed")
    fact = yaml_data(served, doc)["scope"]["camera_count"]
    assert fact["law"]["value"] == "undisclosed" and fact["practice"] == one


def yaml_data(served: Any, doc: str) -> Any:
    from auditkit.yamlio import parse_bytes

    return parse_bytes(request(served, "GET", f"{doc}/download/yaml")[2], "t.yaml").data


def test_every_kind_of_validation_message_shows_beside_its_field(served: Any, page: Any) -> None:
    doc = new_description(served, "Messages")
    post(
        served,
        f"{doc}/sources",
        {
            "action": "add",
            "source.id": "bad id!",
            "source.publisher": "",
            "source.title": "T",
            "source.date": "spring",
            "source.url": "ftp://x",
        },
    )
    post(
        served,
        f"{doc}/sources",
        {"action": "add", "source.id": "ok", "source.publisher": "P", "source.title": "T", "source.date": "2024"},
    )
    post(
        served,
        f"{doc}/sources",
        {"action": "add", "source.id": "ok", "source.publisher": "P", "source.title": "T", "source.date": "2024"},
    )
    post(served, f"{doc}/about", {"deployment.name": "", "deployment.audit_date": "yesterday"})
    post(
        served,
        f"{doc}/s/scope",
        {
            "scope.camera_count": "known",
            "scope.camera_count.number": "-3",
            "scope.camera_count.sources": ["ok"],
            "scope.time_limits": "yes",
            "scope.geographic_limits": "no",
            "scope.geographic_limits.sources": ["nope"],
        },
    )
    page.goto(served.url + f"{doc}/about")
    assert "this is empty" in page.locator("#deployment-name-msg").inner_text()
    assert page.get_by_label("Name").get_attribute("aria-invalid") == "true"
    assert "is not a date" in page.locator("#deployment-audit_date-msg").inner_text()
    page.goto(served.url + f"{doc}/sources")
    assert "cannot be a source id" in page.locator("#source-1-id-msg").inner_text()
    assert "this is empty" in page.locator("#source-1-publisher-msg").inner_text()
    assert "is not a date" in page.locator("#source-1-date-msg").inner_text()
    assert "is not a web address" in page.locator("#source-1-url-msg").inner_text()
    assert "is declared twice" in page.locator("#source-3-id-msg").inner_text()
    page.goto(served.url + f"{doc}/s/scope")
    assert "is not an answer here" in page.locator("#q-scope-camera_count-msg").inner_text()
    assert "has no source" in page.locator("#q-scope-time_limits-msg").inner_text()
    assert "no source has the id 'nope'" in page.locator("#q-scope-geographic_limits-msg").inner_text()
    assert page.locator("#steps").get_by_text("3 problems").count() == 1  # the scope step counts its problems
    assert "problems to fix" in page.locator("#panel").inner_text()


def test_a_section_by_keyboard_alone(served: Any, page: Any) -> None:
    doc = open_example(served, "nizhny-novgorod-safe-city.yaml")
    page.goto(served.url + f"{doc}/s/retention")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    def focused() -> dict[str, Any]:
        return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {id: e.id, name: e.name || '', type: e.type || '', tag: e.tagName, text: e.textContent.trim(),
                    outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")

    page.keyboard.press("Tab")  # the number box of question 1 (its 'unknown' button, checked, comes after it)
    first = focused()
    assert first["name"] == "retention.max_days.number" and first["type"] == "text"
    assert first["outline"] == "solid" and first["width"] >= 2  # focus is visible
    from auditkit.web.questions import question

    max_days = question("retention.max_days")
    assert max_days is not None
    for name in [f for shape in max_days.shapes for f in shape.fields]:  # the bound boxes: at least, at most, about
        page.keyboard.press("Tab")
        assert focused()["name"] == f"retention.max_days.{name}"
    page.keyboard.press("Tab")
    assert focused()["id"] == "q-retention-max_days-unknown"
    assert focused()["outline"] == "solid"
    with saved(page):  # arrow keys move between the answers of one question, and the answer is saved
        page.keyboard.press("ArrowDown")
    assert focused()["id"] == "q-retention-max_days-undisclosed"
    ticked = False
    stops = page.locator("#main a[href], #main input, #main button, #main select, #main textarea").count()
    for _ in range(stops):  # on to the 'Save answers' button, ticking the first source of another question
        page.keyboard.press("Tab")
        f = focused()
        if f["name"] == "retention.sunset_clause.sources" and not ticked:
            with saved(page):
                page.keyboard.press("Space")
            ticked = True
        if f["tag"] == "BUTTON":
            break
    assert focused()["text"] == "Save answers"
    assert focused()["outline"] == "solid"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.locator("#q-retention-max_days-undisclosed").is_checked()
    assert page.locator("#q-retention-sunset_clause input[type=checkbox]").first.is_checked()


def test_every_page_works_with_javascript_off(served: Any, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(served.url)
        page.get_by_role("button", name=re.compile('Moscow "Safe City" facial-recognition')).click()
        page.get_by_role("link", name="P7 Deletion").first.click()
        before = panel_rows(page)
        page.locator("#panel label[for='open-P7']").click()  # a row opened without JavaScript stays open on save
        assert page.locator("#row-P7").is_visible()
        page.locator("label[for='q-retention-max_days-known']").click()
        page.locator("#q-retention-max_days-number").fill("30")
        page.locator("#q-retention-max_days-sources").get_by_role("checkbox", name=re.compile("rferl-2021")).check()
        page.get_by_role("button", name="Save answers").click()
        assert page.locator("#q-retention-max_days-number").input_value() == "30"
        assert page.locator("#q-retention-max_days-msg").inner_text() == ""
        assert panel_rows(page)["P7"] != before["P7"]
        assert page.locator("#row-P7").is_visible() and not page.locator("#row-P6").is_visible()
        page.get_by_role("button", name="Save and go to the next part").click()
        assert page.locator("h1").inner_text().startswith("P8")
        page.goto(page.url.rsplit("/s/", 1)[0] + "/results")
        with page.expect_download() as download:
            page.get_by_role("link", name="The audit result as JSON").click()
        assert json.loads(Path(download.value.path()).read_bytes())["schema_version"] >= 1
    finally:
        context.close()


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_in_a_description_never_runs(served: Any, page: Any) -> None:
    raw = (EXAMPLES / "moscow-safe-city-frt.yaml").read_text(encoding="utf-8")
    raw = raw.replace('name: "Moscow', 'name: "' + HOSTILE.replace('"', '\\"') + " Moscow", 1)
    raw = raw.replace('jurisdiction: "Moscow, Russia"', 'jurisdiction: "' + HOSTILE.replace('"', '\\"') + '"')
    doc = open_bytes(served, "hostile.yaml", raw.encode())
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ["/about", "/sources", "/s/legality", "/results", "/report"]:
        page.goto(served.url + doc + path)
        page.wait_for_load_state("load")
    assert dialogs == []
    page.goto(served.url + doc + "/about")
    assert HOSTILE in page.get_by_label("Name").input_value()


def test_report_on_a_phone_fits_the_screen(served: Any, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(served.url + open_example(served) + "/report")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        cell = page.locator(".verdicts td a").first
        box = cell.bounding_box()
        assert box is not None and box["width"] > 60 and box["height"] < 60  # 'P1 Legality' on one or two lines
    finally:
        context.close()


# --- accessibility: axe-core on every page, at both widths ----------------------------------------------


def pages(served: Any, every_section: bool = True) -> list[tuple[str, str]]:
    doc = open_example(served)
    broken = new_description(served, "With problems")
    post(served, f"{broken}/s/scope", {"scope.camera_count": "known", "scope.camera_count.number": "many"})
    post(served, f"{broken}/sources", {"action": "add", "source.id": "x y", "source.title": "t"})
    return [
        ("start", "/"),
        ("about", f"{doc}/about"),
        ("sources", f"{doc}/sources"),
        *((f"section-{s}", f"{doc}/s/{s}") for s in (SECTIONS if every_section else SECTIONS[:1])),
        ("results", f"{doc}/results"),
        ("report", f"{doc}/report"),
        ("problems-section", f"{broken}/s/scope"),
        ("problems-sources", f"{broken}/sources"),
        ("problems-results", f"{broken}/results"),
        ("not-found", "/d/nothing/about"),
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violation_on_any_page(served: Any, browser: Any, width: int) -> None:
    """Every page at 1280 px; at 390 px one page of each kind (the section pages share one template)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    # axe-core runs as a script inside each page: the report, which the server sends with a CSP that allows no
    # script at all, can only be checked with CSP bypassed; its preview iframe is checked as a page of its own.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    problems = []
    try:
        for name, path in pages(served, every_section=width > 390):
            page.goto(served.url + path)
            if width == 390:
                assert page.evaluate("document.documentElement.scrollWidth") <= 390, f"{name} scrolls sideways"
            results = axe.run(
                page,
                options={
                    "iframes": False,
                    "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
                },
            )
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in violation["nodes"]][:3]
                    problems.append(f"{name}: {violation['id']} ({violation['impact']}): {targets}")
        # The comparison with an earlier file is the answer to a form: reach it as a user does.
        (served.root / "earlier-a11y.yaml").write_bytes((EXAMPLES / "moscow-safe-city-frt.yaml").read_bytes())
        page.goto(served.url + open_example(served) + "/results")
        page.get_by_label("The earlier file").fill("earlier-a11y.yaml")
        page.get_by_role("button", name="Show the comparison").click()
        page.wait_for_load_state()
        results = axe.run(
            page,
            options={
                "iframes": False,
                "runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
            },
        )
        problems += [
            f"compare: {v['id']} ({v['impact']})"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_downloads_refuse_nothing_when_valid_and_say_why_when_not(served: Any) -> None:
    doc = new_description(served, "Not yet")
    post(served, f"{doc}/about", {"deployment.name": ""})
    status, _, body = request(served, "GET", f"{doc}/download/pdf")
    assert status == 400 and b"has problems, so it cannot be audited yet" in body
    assert request(served, "GET", f"{doc}/download/yaml")[0] == 200
