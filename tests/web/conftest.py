"""A real questionnaire server on a free loopback port, and a real Chromium to drive it.

The server is auditkit's own app under uvicorn, in a thread of the test
process, serving a temporary start folder. The browser is Debian's Chromium
(/usr/bin/chromium) driven by Python Playwright; Playwright's own browser
download is never used. Where Chromium is missing the browser tests skip,
except on CI (CI=true), where .ci/run installs it and a skip would hide a
broken setup: there they fail.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import CHROMIUM, CHROMIUM_FLAGS, Served, serve_folder


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("start-folder")
    yield from serve_folder(root)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing on CI: .ci/run should have installed Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    try:
        yield tab
    finally:
        context.close()
