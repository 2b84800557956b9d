"""The training lab in real headless Chromium against the real server: a run is watched
live, stopped, and its learned cell played through the diagram."""

import re

import pytest
from playwright.sync_api import expect

from tests.page_helpers import open_fresh

pytestmark = pytest.mark.browser


def test_a_short_lag_is_learned_and_the_learned_cell_plays(page, live_server):
    open_fresh(page, live_server, "#train=first-symbol,5,lstm1997,0")
    page.get_by_role("button", name="Start training").click()
    status = page.locator("#train-status")
    expect(status).to_contain_text("Solved after", timeout=60_000)
    expect(page.locator("#train-curve path.success-line")).to_have_count(1)
    demo = page.locator("#train-demo")
    expect(demo).to_be_visible()
    expect(page.locator("#train-demo-step")).to_have_attribute("max", "5")
    expect(page.locator("#train-demo-step-value")).to_have_text(re.compile("^1 / 5 · [xy]$"))
    first = page.locator("#train-demo-step-value").text_content()[-1]
    chip = page.locator("#train-diagram .chip-in .chip-value")
    expect(chip).to_have_text(first)  # the symbol, not its number
    expect(page.locator("#train-demo-lead")).to_contain_text(f"Target {first}, the network answered {first}")
    page.locator("#train-demo-step").evaluate(
        "el => { el.value = 3; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    expect(chip).to_have_text("a2")
    page.get_by_role("button", name="Play", exact=True).last.click()
    expect(page.locator("#train-demo-step-value")).to_have_text(re.compile("^5 / 5"), timeout=5000)
    # The main view is untouched by the lab.
    expect(page.get_by_test_id("step-index")).to_have_text("1")
    expect(page.get_by_role("button", name="Start training")).to_be_enabled()


def test_a_run_can_be_stopped(page, live_server):
    open_fresh(page, live_server, "#train=first-symbol,1000,rnn,1")
    page.get_by_role("button", name="Start training").click()
    expect(page.locator("#train-status")).to_contain_text("sequences seen", timeout=30_000)
    expect(page.locator("#train-lag")).to_be_disabled()
    page.get_by_role("button", name="Stop").click()
    expect(page.locator("#train-status")).to_contain_text("Stopped after", timeout=30_000)
    expect(page.get_by_role("button", name="Start training")).to_be_enabled()
    expect(page.locator("#train-lag")).to_be_enabled()


def test_the_page_answers_while_a_cell_trains(page, live_server):
    open_fresh(page, live_server, "#train=adding,1000,lstm1997,2")
    page.get_by_role("button", name="Start training").click()
    expect(page.locator("#train-status")).to_contain_text("sequences seen", timeout=30_000)
    page.get_by_role("button", name="Step forward").click()
    page.get_by_label("Input gate", exact=True).evaluate(
        "el => { el.value = 1; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    expect(page.get_by_test_id("cell-value")).to_have_text("-0.3", timeout=2000)
    page.get_by_role("button", name="Stop").click()
    expect(page.locator("#train-status")).to_contain_text("Stopped", timeout=30_000)


def test_a_page_that_reconnects_draws_the_whole_curve_and_the_guessing_line(
        page, live_server, monkeypatch):
    """The server keeps a run's progress; every connection to its event stream begins with
    all of it, and the page draws that whole curve afresh (not only what it saw live). The
    first connection here drops after one point; the second brings only the history."""
    import asyncio

    from app.api import train as train_api
    from app.main import app as main_app

    original, connections, sent = train_api._stream, [], {}

    async def dropping(job, request):
        connections.append(job.id)
        if len(connections) == 1:
            yield b"retry: 200\n\n"  # reconnect soon
            chunks = original(job, request)
            for _ in range(2):  # history (still empty) and one progress event, then drop
                yield await chunks.__anext__()
            await chunks.aclose()
            return
        for _ in range(300):  # meanwhile the run goes on: wait for ten points
            if len(job.history) >= 10:
                break
            await asyncio.sleep(0.1)
        sent["points"] = len(job.history)
        yield train_api._event("history", {"points": job.history, "guess": train_api._guess(job)})
        while not await request.is_disconnected():
            await asyncio.sleep(0.1)

    monkeypatch.setattr(train_api, "_stream", dropping)
    open_fresh(page, live_server, "#train=first-symbol,1000,rnn,3")
    page.get_by_role("button", name="Start training").click()
    try:
        page.wait_for_function("() => document.querySelector('#train-curve path.success-line')"
                               "?.getAttribute('d').split('L').length > 8", timeout=60_000)
        drawn = page.locator("#train-curve path.success-line").get_attribute("d").count("L") + 1
        assert len(connections) == 2 and drawn == sent["points"] >= 10
        # A network with no memory: the dotted line at 50 % right, its loss 2 ln 2.
        expect(page.locator("#train-curve path.guess-line")).to_have_count(1)
        expect(page.locator("#train-curve .guess-label")).to_have_text(
            "no memory: at most 50% right, loss 1.386")
    finally:
        for job_id in set(connections):
            main_app.state.train_jobs.cancel(job_id)


def test_several_workers_without_redis_say_so_in_zh_hant(browser, server_thread):
    """With --workers 2 and no Redis a job would be unknown to the other worker: the server
    refuses to start it (503 jobs_split) and the page says why, in the page's language."""
    from app.main import create_app
    from app.settings import Settings

    server = server_thread(create_app(Settings(workers=2)))
    context = browser.new_context(locale="zh-TW")
    page = context.new_page()
    open_fresh(page, server.url, "#train=first-symbol,5,lstm1997,0")
    page.get_by_role("button", name="開始訓練").click()
    expect(page.locator("#train-status")).to_contain_text("--workers 1")
    expect(page.locator("#train-status")).to_contain_text("工作程序")
    context.close()
