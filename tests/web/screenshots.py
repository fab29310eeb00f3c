"""Screenshots of every page of the questionnaire at 1280 px and 390 px, for docs/screenshots/.

Run: .venv/bin/python tests/web/screenshots.py   (needs /usr/bin/chromium)

Each is the first screenful of the page (1280x900 or 390x844), reduced to a
64-colour palette so that the committed PNGs stay small. Not a test: the
browser tests check the same pages; this only pictures them for the docs.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from web_support import CHROMIUM, CHROMIUM_FLAGS, new_description, open_example, post, serve_folder

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {1280: 900, 390: 844}


def small_png(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        running = serve_folder(Path(folder))  # kept: the server stops when this generator is closed
        served = next(running)
        doc = open_example(served)
        plate = new_description(served, "Riverside licence-plate readers")
        post(
            served,
            f"{plate}/sources",
            {
                "action": "add",
                "source.id": "council-2024",
                "source.publisher": "Riverside City Council",
                "source.title": "Resolution 24-17",
                "source.date": "2024-03",
            },
        )
        post(
            served,
            f"{plate}/s/retention",
            {"retention.max_days": "known", "retention.max_days.number": "ninety", "retention.sunset_clause": "no"},
        )
        # A format-2 answer: the rules and the practice apart, each a count within bounds.
        q = "scope.watchlist_size"
        post(
            served,
            f"{doc}/s/scope",
            {
                f"{q}.shown": "1",
                f"{q}.split": "1",
                f"{q}.law.shown": "1",
                f"{q}.law": "at_least-at_most",
                f"{q}.law.at_most": "1000",
                f"{q}.law.sources": "kommersant-2019",
                f"{q}.practice.shown": "1",
                f"{q}.practice": "about",
                f"{q}.practice.about": "40000",
                f"{q}.practice.sources": "rferl-2021",
                f"{q}.practice.standing": "reported",
            },
        )
        shots = {
            "start": "/",
            "about": f"{doc}/about",
            "sources": f"{doc}/sources",
            "section": f"{doc}/s/scope",
            "problems": f"{plate}/s/retention",
            "results": f"{doc}/results",
            "report": f"{doc}/report",
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            for width, height in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for name, path in shots.items():
                    page.goto(served.url + path)
                    if name == "section" and width > 390:
                        page.locator("#panel .verdict-row .row-head").nth(2).click()
                    target = OUT / f"{name}-{width}.png"
                    target.write_bytes(small_png(page.screenshot()))
                    print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
                # The format-2 question itself (the verdict panel open beside it at 1280 px), from its heading down.
                page.goto(served.url + f"{doc}/s/scope?open=P3#q-scope-watchlist_size")
                target = OUT / f"format2-{width}.png"
                target.write_bytes(small_png(page.screenshot()))
                print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
                page.close()
            browser.close()
        running.close()


if __name__ == "__main__":
    main()
