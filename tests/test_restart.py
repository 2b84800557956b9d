"""The page survives a server restart mid-lesson: while the server is away it says it is
reconnecting and keeps what it shows; when the server is back on the same port it carries
on from where it was, with nothing lost (step, tape, gates, stored value)."""

import pytest
from playwright.sync_api import expect

from tests.page_helpers import TAPE, set_slider, shown, step_forward

pytestmark = pytest.mark.browser


def test_page_reconnects_after_a_restart_and_loses_nothing(page, server_thread):
    server = server_thread()
    page.goto(f"{server.url}/")
    cell, output = page.get_by_test_id("cell-value"), page.get_by_test_id("output-value")
    banner = page.locator("#connection")
    expect(cell).to_have_text("0")
    # Mid-lesson: write x_3 at step 3, close the gate at step 4, walk on to step 6.
    step_forward(page, 2)
    step_forward(page, 3)
    set_slider(page, "Input gate", 1)
    x3 = shown(TAPE[2])
    expect(cell).to_have_text(x3)
    step_forward(page, 4)
    set_slider(page, "Input gate", 0)
    set_slider(page, "Output gate", 0)
    for step in (5, 6):
        step_forward(page, step)
    expect(cell).to_have_text(x3)
    expect(banner).to_be_hidden()
    tape_before = page.locator("[data-testid^=tape-x-]").all_text_contents()
    url_before = page.url

    server.stop()
    # The class goes on while the server is away: open the output gate at step 6.
    set_slider(page, "Output gate", 1)
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("reconnecting")
    expect(cell).to_have_text(x3)  # what was on screen is kept
    expect(page.get_by_test_id("step-index")).to_have_text("6")

    server.start()  # same port
    expect(banner).to_be_hidden(timeout=15_000)  # the client retries with back-off <= 4 s
    expect(output).to_have_text(x3)  # the change made while away is now computed
    expect(cell).to_have_text(x3)
    expect(page.get_by_test_id("step-index")).to_have_text("6")
    assert page.locator("[data-testid^=tape-x-]").all_text_contents() == tape_before
    assert page.url.split("#")[0] == url_before.split("#")[0]

    # And it carries on: the gates set before the restart are still there.
    set_slider(page, "Output gate", 0)
    step_forward(page, 7)
    expect(cell).to_have_text(x3)
    stored = page.locator(".tape-stored").all_text_contents()  # under each visited step
    assert stored[:7] == ["0", "0"] + [x3] * 5
    for _ in range(4):
        page.get_by_role("button", name="Step back").click()
    expect(page.get_by_test_id("step-index")).to_have_text("3")
    expect(page.get_by_label("Input gate", exact=True)).to_have_value("1")
    expect(cell).to_have_text(x3)
    expect(banner).to_be_hidden()
