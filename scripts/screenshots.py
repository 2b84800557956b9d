"""Take the README's screenshots of a running server in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--url http://127.0.0.1:8000]

Writes docs/img/page-1280x720.png and page-768x1024.png: a value written at step 3, held
with both gates shut, and read out at step 10; and, with lesson 4 open at its first question,
in English and Traditional Chinese: lesson-1280x720-<lang>.png (normal), lesson-1280x720-
projector-<lang>.png, lesson-768x1024-<lang>.png and lesson-390x844-<lang>.png.
"""

import argparse
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs" / "img"
VIEW = "#step=10&input=0,0,1,0,,,,,,,,&output=0,,,,,,,,,1,,"
LESSON = "#lesson=protect"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    url = parser.parse_args().url.rstrip("/")
    DOCS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width, height in [(1280, 720), (768, 1024)]:
            page = browser.new_page(viewport={"width": width, "height": height}, reduced_motion="reduce")
            page.goto(f"{url}/{VIEW}")
            expect(page.get_by_test_id("output-value")).to_have_text("0.8")
            page.wait_for_timeout(300)  # the charts are drawn in the next frame
            path = DOCS / f"page-{width}x{height}.png"
            page.screenshot(path=path)
            print(path)
        for lang, locale in [("en", "en-GB"), ("zh-Hant", "zh-TW")]:
            for width, height, mode in [(1280, 720, ""), (1280, 720, "projector"), (768, 1024, ""), (390, 844, "")]:
                context = browser.new_context(viewport={"width": width, "height": height}, locale=locale,
                                              reduced_motion="reduce", has_touch=width < 900)
                page = context.new_page()
                page.goto(f"{url}/{LESSON}&lang={lang}{'&mode=projector' if mode else ''}")
                expect(page.locator("#lesson-title")).not_to_be_empty()
                for _ in range(3):  # to step 3, then the lesson asks about step 4 first
                    page.locator("#step-forward").click()
                expect(page.locator("#predict")).to_be_visible()
                page.wait_for_timeout(300)
                name = f"lesson-{width}x{height}{'-projector' if mode else ''}-{lang}.png"
                page.screenshot(path=DOCS / name)
                print(DOCS / name)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
