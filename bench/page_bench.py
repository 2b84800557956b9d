"""Page benchmark in headless Chromium against a local server (not part of the tests).

Measures the first load (bytes over the wire with br offered and with gzip only, first
contentful paint against a plain JSON answer in interleaved loads, first full render;
the browser's cache disabled, the server and browser warmed by one load, median of three)
and the latency from a slider's `input` event to the new stored value on screen (the
page's own run), to the frame that paints it, and to the server's answer drawn; the same
drag on a 1,000-step tape, and the longest task that blocked the page during each series
(PerformanceObserver, `longtask` entries: tasks of 50 ms or more).

    .venv/bin/python bench/page_bench.py [--url http://127.0.0.1:8000] [--drags 60] [--samples 15] [--json]
    .venv/bin/python bench/page_bench.py --first-load   # bytes per file (br and gzip), FCP ratio
    .venv/bin/python bench/page_bench.py --first-load --apart   # server and browser on separate CPUs

--apart keeps the server and the browser on different CPUs (a student's device is not the
server): the server it starts runs on the first usable CPU and the browser on the others;
with --url, pin that server yourself (`taskset -c 0`).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import local_server  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# One drag: set the slider, fire `input`; note when #cell-value holds the new number
# (the DOM is updated: the page draws its own run of the cell at once), when the frame
# that paints it starts (requestAnimationFrame after the change; in headless Chromium
# frames are not tied to a 60 Hz display), and when the server's answer is drawn
# (body[data-run] back to "server": the round trip that confirms the page's run).
DRAG = """async ([value]) => {
  const slider = document.getElementById("gate-input");
  const shown = document.getElementById("cell-value");
  const changed = new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      watch.disconnect();
      const dom = performance.now();
      requestAnimationFrame(() => resolve([dom, performance.now()]));
    });
    watch.observe(shown, { childList: true, characterData: true, subtree: true });
  });
  const confirmed = new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (document.body.dataset.run !== "server") return;
      watch.disconnect();
      resolve(performance.now());
    });
    watch.observe(document.body, { attributes: true, attributeFilter: ["data-run"] });
  });
  const start = performance.now();
  slider.value = value;
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  const [[dom, frame], server] = await Promise.all([changed, confirmed]);
  return [dom - start, frame - start, server - start];
}"""


def wait_for_first_render(page, timeout: float = 15.0) -> None:
    """Poll from here: page.wait_for_function compiles its predicate with eval in the page,
    which the page's Content-Security-Policy (no 'unsafe-eval') rightly refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate("performance.getEntriesByName('lab:first-render').length"):
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not render")
        time.sleep(0.01)


def first_load(browser, url: str, accept_encoding: str | None = None, listing: list | None = None) -> dict:
    """One load with the cache disabled: bytes over the wire (headers included), requests,
    first contentful paint and first full render. `accept_encoding` replaces the browser's
    own header (Chromium offers br only to secure origins such as 127.0.0.1; a student's
    device reaching a LAN address sends "gzip, deflate"); `listing` gets (url, bytes) pairs."""
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    context = browser.new_context(viewport={"width": 1280, "height": 720}, extra_http_headers=headers)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls, received = {}, []
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: received.append((urls.get(e["requestId"]), e["encodedDataLength"])))
    page.goto(url)
    wait_for_first_render(page)
    page.wait_for_timeout(300)
    timing = page.evaluate("""() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      render: performance.getEntriesByName('lab:first-render')[0].startTime })""")
    context.close()
    if listing is not None:
        listing.extend(received)
    return {"bytes": sum(n for _, n in received), "requests": len(received), "fcp_ms": timing["fcp"],
            "first_render_ms": timing["render"]}


def cold_fcp(browser, address: str, page_rendered: bool = False) -> float:
    """First contentful paint of `address` in a new page with the cache disabled; with
    `page_rendered`, once the page has also drawn its first render. Polled for: the paint is
    reported after its frame is presented, which may be after the first render's mark."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.goto(address)
    if page_rendered:
        wait_for_first_render(page)
    fcp = None
    for _ in range(200):
        fcp = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]?.startTime")
        if fcp is not None:
            break
        page.wait_for_timeout(10)
    page.close()
    return fcp


def plain_answer_fcp(browser, url: str) -> float:
    """A plain JSON answer's (/healthz) from the same server, same browser: the floor a
    page's own first paint is compared with."""
    return cold_fcp(browser, f"{url}/healthz")


def page_fcp(browser, url: str) -> float:
    return cold_fcp(browser, url, page_rendered=True)


def fcp_ratio(browser, url: str, samples: int) -> dict:
    """Page and /healthz loaded in turn `samples` times each (after one warm-up of each), so
    both see the same machine load; the medians and their ratio."""
    page_fcp(browser, url), plain_answer_fcp(browser, url)
    pages, plains = [], []
    for _ in range(samples):
        pages.append(page_fcp(browser, url))
        plains.append(plain_answer_fcp(browser, url))
    page, plain = statistics.median(pages), statistics.median(plains)
    return {"fcp_samples": samples, "fcp_median_ms": page, "plain_fcp_ms": plain, "fcp_ratio": page / plain,
            "load_average": os.getloadavg()[0]}


def second_load(browser, url: str) -> dict:
    """Load the page twice in one browser context with its cache on; bytes of the second."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(url)
    wait_for_first_render(page)
    page.wait_for_timeout(300)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received = []
    cdp.on("Network.loadingFinished", lambda e: received.append(e["encodedDataLength"]))
    page.goto(url)
    wait_for_first_render(page)
    page.wait_for_timeout(300)
    context.close()
    return {"second_bytes": sum(received), "second_requests": len(received)}


# Every task of 50 ms or more from here on (Chromium reports them as `longtask` entries).
WATCH_LONG_TASKS = """() => {
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
  }).observe({ type: "longtask" });
}"""


def long_tape(steps: int) -> str:
    """A link to a tape of `steps` varied values, at its middle step, input gate open at step 3."""
    tape = ",".join(str(round(((k * 37) % 21 - 10) / 10, 1)) for k in range(steps))
    gates = "0,0,1,0" + "," * (steps - 4)
    return f"#tape={tape}&input={gates}&step={steps // 2}"


def slider_latency(browser, url: str, drags: int, steps: int = 12) -> tuple:
    """(dom, frame, server) latencies of `drags` drags, and the longest task among them (ms, 0: none)."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{url}/{'#step=3' if steps == 12 else long_tape(steps)}")
    wait_for_first_render(page)
    for k in range(5):  # warm up the connection and the JIT
        page.evaluate(DRAG, [0.1 + k / 10])
    page.evaluate(WATCH_LONG_TASKS)
    values = [0.2 + (k % 70) / 100 for k in range(drags)]
    samples = [page.evaluate(DRAG, [v]) for v in values]
    page.wait_for_timeout(100)  # let the observer deliver the last entries
    longest = page.evaluate("window.__longest")
    page.close()
    return (*(list(column) for column in zip(*samples)), longest)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(url: str, drags: int, samples: int = 15) -> dict:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        first_load(browser, url)  # warm the server (templates, imports) and the browser itself
        loads = sorted((first_load(browser, url) for _ in range(3)), key=lambda r: r["fcp_ms"])
        load = loads[1]  # the median of three
        gzip_only = first_load(browser, url, accept_encoding="gzip, deflate")
        paint = fcp_ratio(browser, url, samples)
        again = second_load(browser, url)
        dom, frame, server, longest = slider_latency(browser, url, drags)
        dom_1000, _, server_1000, longest_1000 = slider_latency(browser, url, drags, steps=1000)
        browser.close()
    return {**load, **again, **paint, "gzip_bytes": gzip_only["bytes"], "gzip_requests": gzip_only["requests"],
            "drags": drags,
            "slider_median_ms": statistics.median(dom),
            "longest_task_ms": longest, "slider_1000_median_ms": statistics.median(dom_1000),
            "slider_1000_p95_ms": percentile(dom_1000, 0.95), "longest_task_1000_ms": longest_1000,
            "server_1000_median_ms": statistics.median(server_1000),
            "slider_p95_ms": percentile(dom, 0.95), "slider_max_ms": max(dom),
            "frame_median_ms": statistics.median(frame), "frame_p95_ms": percentile(frame, 0.95),
            "server_median_ms": statistics.median(server), "server_p95_ms": percentile(server, 0.95)}


def measure_first_load(url: str, samples: int) -> dict:
    """Only the first-load figures (--first-load): bytes for br and for gzip only, the FCP ratio."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        first_load(browser, url)
        br, gz = [], []
        load = first_load(browser, url, listing=br)
        gzip_only = first_load(browser, url, accept_encoding="gzip, deflate", listing=gz)
        paint = fcp_ratio(browser, url, samples) if samples else {}
        browser.close()
    return {**load, "gzip_bytes": gzip_only["bytes"], "gzip_requests": gzip_only["requests"], **paint,
            "listing_br": br, "listing_gzip": gz}


def table(r: dict) -> str:
    rows = [
        ("page first load over the wire, cache off, br offered (Chromium on 127.0.0.1)",
         f"{r['bytes'] / 1000:.1f} KB in {r['requests']} requests", "< 50 KB"),
        ("page first load, gzip/deflate only (a student's device on the LAN)",
         f"{r['gzip_bytes'] / 1000:.1f} KB in {r['gzip_requests']} requests", "< 50 KB"),
        ("page second load (browser cache on), bytes transferred",
         f"{r['second_bytes'] / 1000:.1f} KB in {r['second_requests']} requests", ""),
        (f"first contentful paint, page / plain JSON answer (/healthz), medians of {r['fcp_samples']} "
         f"interleaved loads each (load average {r['load_average']:.1f})",
         f"{r['fcp_median_ms']:.0f} / {r['plain_fcp_ms']:.0f} ms = {r['fcp_ratio']:.2f}", "<= 1.5"),
        ("first full render (cell drawn)", f"{r['first_render_ms']:.0f} ms", ""),
        (f"slider input to stored value on screen, median of {r['drags']}", f"{r['slider_median_ms']:.2f} ms", ""),
        ("slider input to stored value on screen, p95", f"{r['slider_p95_ms']:.2f} ms", "< 8 ms"),
        ("slider input to the frame that paints it, median / p95",
         f"{r['frame_median_ms']:.2f} / {r['frame_p95_ms']:.2f} ms", ""),
        ("slider input to the server's confirming answer drawn, median / p95",
         f"{r['server_median_ms']:.2f} / {r['server_p95_ms']:.2f} ms", ""),
        ("longest task during the 12-step drags", f"{r['longest_task_ms']:.0f} ms", "< 50 ms"),
        ("1,000 steps: slider input to stored value on screen, median / p95",
         f"{r['slider_1000_median_ms']:.2f} / {r['slider_1000_p95_ms']:.2f} ms",
         f"median < {2 * r['slider_median_ms']:.2f} ms (2x 12 steps)"),
        ("1,000 steps: longest task during the drags", f"{r['longest_task_1000_ms']:.0f} ms", "< 50 ms"),
        ("1,000 steps: slider input to the server's answer drawn, median",
         f"{r['server_1000_median_ms']:.2f} ms", ""),
    ]
    return "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--drags", type=int, default=60)
    parser.add_argument("--samples", type=int, default=15, help="interleaved loads of each for the FCP ratio")
    parser.add_argument("--first-load", action="store_true", help="only the first-load figures, per file")
    parser.add_argument("--apart", action="store_true", help="server on the first usable CPU, browser on the others")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    server_cpus = None
    if args.apart:
        usable = os.sched_getaffinity(0)
        if len(usable) < 2:
            parser.error("--apart needs two CPUs or more")
        server_cpus = {min(usable)}
        os.sched_setaffinity(0, usable - server_cpus)  # Chromium inherits it
    run = (lambda url: measure_first_load(url, args.samples)) if args.first_load else (
        lambda url: measure(url, args.drags, args.samples))
    if args.url:
        result = run(args.url)
    else:
        with local_server(8443, cpus=server_cpus) as url:  # loopback; benchmarks use 8401-8499
            result = run(url)
    if args.first_load and not args.json:
        for kind in ("br", "gzip"):
            print(f"{kind}: " + ", ".join(f"{u.rsplit('/', 1)[-1] or '/'} {n}" for u, n in result.pop(f"listing_{kind}")))
        print(json.dumps(result, indent=1))
        return
    print(json.dumps(result) if args.json else "| page measure | value | target |\n|---|---|---|\n" + table(result))


if __name__ == "__main__":
    main()
