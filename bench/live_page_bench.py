"""Live-class page benchmark in headless Chromium against a local server (not a test).

A teacher's page and N student pages (separate browser contexts) in one class: the time
from the teacher's slider `input` event to the new stored value in each student's DOM
(the class's state through the server, applied on the student's page through the store).
Drags are 250 ms apart, so the teacher's 50 ms send throttle is not in the figure (a
faster drag shows at most 50 ms later, then only its newest position). Both pages share
one machine and clock (Date.now). Port 8551 by default (the page helper's range).

    .venv/bin/python bench/live_page_bench.py [--url http://127.0.0.1:8551] [--students 4] [--drags 40]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import local_server  # noqa: E402
from page_bench import CHROMIUM_ARGS, percentile  # noqa: E402

# On a student's page: note when #cell-value's text changes (Date.now, shared clock).
WATCH = """() => {
  window.__seen = [];
  new MutationObserver(() => window.__seen.push([document.getElementById("cell-value").textContent, Date.now()]))
    .observe(document.getElementById("cell-value"), { childList: true, characterData: true, subtree: true });
}"""
DRAG = """(value) => {
  const slider = document.getElementById("gate-input");
  slider.value = value;
  const at = Date.now();
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  return [document.getElementById("cell-value").textContent, at];
}"""


def measure(url: str, students: int, drags: int) -> dict:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=CHROMIUM_ARGS)
        teacher = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
        teacher.goto(f"{url}/#step=3")
        teacher.get_by_role("button", name="Teacher").click()
        teacher.get_by_role("button", name="Start a class").click()
        code = teacher.get_by_test_id("class-code").text_content()
        teacher.keyboard.press("Escape")
        pages = []
        for _ in range(students):
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            page.goto(f"{url}/join/{code}")
            expect(page.get_by_test_id("step-index")).to_have_text("3", timeout=15000)
            page.evaluate(WATCH)
            pages.append(page)
        samples = []
        for k in range(drags):
            value = round(0.05 + 0.9 * (k % 10) / 9, 3)
            shown, at = teacher.evaluate(DRAG, value)
            for page in pages:
                expect(page.get_by_test_id("cell-value")).to_have_text(shown, timeout=10000)
                seen = page.evaluate("window.__seen.splice(0)")
                samples.append(next(t for text, t in seen if text == shown) - at)
            time.sleep(0.25)
        browser.close()
    return {"students": students, "drags": drags, "samples": len(samples),
            "p50_ms": statistics.median(samples), "p95_ms": percentile(samples, 0.95),
            "max_ms": max(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--drags", type=int, default=40)
    parser.add_argument("--port", type=int, default=8551)
    args = parser.parse_args()
    if args.url:
        result = measure(args.url, args.students, args.drags)
    else:
        with local_server(args.port) as url:
            result = measure(url, args.students, args.drags)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
