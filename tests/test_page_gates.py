"""The page's GRU and its gates computed from the input, as a user works them: the GRU
holds with the update gate shut and overwrites with it open; an input gate computed
from the tape opens on large values; peepholes act once a gate is computed; a shared
link carries gate modes and weights."""

import math
import re

import pytest
from playwright.sync_api import expect

from tests.page_helpers import TAPE, open_fresh, set_slider, shown, step_forward

pytestmark = pytest.mark.browser


def sigmoid(v):
    return 1 / (1 + math.exp(-v))


def pct(v):
    return f"{round(v * 100)}%"


def test_gru_holds_with_the_update_gate_shut_and_overwrites_with_it_open(page, live_server):
    open_fresh(page, live_server)
    page.get_by_label("Variant", exact=True).select_option("gru")
    expect(page.get_by_label("Update gate", exact=True)).to_be_visible()
    expect(page.get_by_label("Reset gate", exact=True)).to_be_visible()
    expect(page.get_by_label("Input gate", exact=True)).to_be_hidden()
    stored = page.get_by_test_id("cell-value")
    expect(stored).to_have_text("0")  # z = 0 from the start: nothing is written
    set_slider(page, "Update gate", 1)
    expect(stored).to_have_text(shown(TAPE[0]))  # z = 1 writes h~ = x_1
    step_forward(page, 2)
    expect(stored).to_have_text(shown(TAPE[1]))  # the slider stays at 1: overwritten
    set_slider(page, "Update gate", 0)
    expect(stored).to_have_text(shown(TAPE[0]))  # z = 0 at step 2: h_1 held
    for k in (3, 4, 5):
        step_forward(page, k)
        expect(stored).to_have_text(shown(TAPE[0]))
        expect(page.get_by_test_id("output-value")).to_have_text(shown(TAPE[0]))  # no output gate
    set_slider(page, "Update gate", 1)
    expect(stored).to_have_text(shown(TAPE[4]))
    # The GRU's own drawing shows h~ and the keep/write split.
    expect(page.locator("#diagram .candidate-value")).to_have_text(shown(TAPE[4]))
    expect(page.locator("#diagram .gru-drawing")).to_be_visible()
    expect(page.locator("#diagram .cell-value")).to_be_hidden()
    expect(page.locator("#diagram-desc")).to_contain_text("Update gate 100%")
    expect(page.locator("#equation")).to_have_text(re.compile(r"^h₅ = \(1 − 1\)"))


def open_computed_input_gate(page, live_server):
    """The 1997 cell with its input gate computed: i = sigmoid(10 x - 5), open for x > 0.5."""
    open_fresh(page, live_server, "#step=1&output=1,,,,,,,,,,,")
    page.locator("#gate-input-computed").check()
    weights = page.locator("#gate-input-weights")
    expect(weights).to_be_visible()
    weights.locator("[data-entry=wx]").fill("10")
    weights.locator("[data-entry=b]").fill("-5")


def test_a_computed_input_gate_opens_on_large_tape_values(page, live_server):
    open_computed_input_gate(page, live_server)
    gate = page.locator("#gate-input-value")
    expect(gate).to_have_text(pct(sigmoid(10 * TAPE[0] - 5)))  # x = 0.5: half open
    expect(page.get_by_label("Input gate", exact=True)).to_be_disabled()
    stored = 0.0
    for k, x in enumerate(TAPE[:7], start=1):
        stored += sigmoid(10 * x - 5) * x
        if k > 1:
            step_forward(page, k)
        expect(gate).to_have_text(pct(sigmoid(10 * x - 5)))
        expect(page.get_by_test_id("cell-value")).to_have_text(shown(stored))
    assert sigmoid(10 * TAPE[6] - 5) > 0.98 and sigmoid(10 * TAPE[3] - 5) < 0.02  # 0.9 opens it, 0.1 does not


def test_peepholes_act_only_once_a_gate_is_computed(page, live_server):
    open_fresh(page, live_server, "#variant=peephole&step=3&input=1,1,1,,,,,,,,,")
    note = page.locator("#peephole-note")
    expect(note).to_have_text(re.compile("nothing to act on"))
    stored = page.get_by_test_id("cell-value")
    expect(stored).to_have_text(shown(TAPE[0] + TAPE[1] + TAPE[2]))
    page.locator("#gate-input-computed").check()  # i = sigmoid(0) = 1/2 with zero weights
    expect(note).to_have_text(re.compile("see the stored value"))
    half = 0.5 * (TAPE[0] + TAPE[1] + TAPE[2])
    expect(stored).to_have_text(shown(half))
    page.locator("#gate-input-weights [data-entry=wc]").fill("3")  # i_t = sigmoid(3 c_{t-1})
    c = 0.0
    for x in TAPE[:3]:
        c += sigmoid(3 * c) * x
    assert shown(c) != shown(half)
    expect(stored).to_have_text(shown(c))
    expect(page.locator("#diagram .peephole.acting")).to_have_count(1)


def test_a_shared_link_reproduces_a_computed_gate(page, live_server, browser):
    open_computed_input_gate(page, live_server)
    step_forward(page, 2)
    step_forward(page, 3)
    expect(page).to_have_url(re.compile(r"computed=input.*w_input=10%2C0%2C-5%2C0"))
    shown_value = page.get_by_test_id("cell-value").text_content()
    other = browser.new_page()
    try:
        other.goto(page.url)
        expect(other.get_by_test_id("step-index")).to_have_text("3")
        expect(other.get_by_test_id("cell-value")).to_have_text(shown_value)
        expect(other.locator("#gate-input-computed")).to_be_checked()
        expect(other.locator("#gate-input-weights [data-entry=wx]")).to_have_value("10")
        expect(other.locator("#gate-input-value")).to_have_text(pct(sigmoid(10 * TAPE[2] - 5)))
    finally:
        other.close()
