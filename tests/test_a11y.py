"""WCAG 2.1 AA checks of the real page in Chromium, with axe-core (as bundled by
axe-playwright-python), in every language, in projector mode, and with a dialog open."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}
AXE = Axe()


def violations(page) -> list[str]:
    """One line per violated rule: its id, impact and the first offending element."""
    results = AXE.run(page, options=WCAG_AA).response["violations"]
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['nodes'][0]['failureSummary']}"
            for v in results]


def open_page(page, server, hash_):
    page.goto(f"{server}/#{hash_}")
    expect(page.locator("#diagram .cell-value")).not_to_have_text("")


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("mode", ["normal", "projector"])
def test_no_wcag_violations(page, live_server, lang, mode):
    projector = "&mode=projector" if mode == "projector" else ""
    open_page(page, live_server, f"lang={lang}&step=4&input=0,0,1,0,,,,,,,,&variant=forget{projector}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    if mode == "projector":
        expect(page.locator("body")).to_have_class("projector")
    assert violations(page) == []


def test_no_wcag_violations_with_the_help_dialog_open(page, live_server):
    open_page(page, live_server, "step=2")
    page.get_by_role("button", name="Help").click()
    expect(page.locator("#help-dialog")).to_be_visible()
    assert violations(page) == []


def test_reduced_motion_stops_every_animation(browser, live_server):
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    open_page(page, live_server, "input=1,,,,,,,,,,,&output=1,,,,,,,,,,,")
    page.get_by_role("button", name="Step forward").click()
    expect(page.get_by_test_id("step-index")).to_have_text("2")
    assert page.evaluate("document.getAnimations().length") == 0
    context.close()


def test_a_step_is_announced_and_the_diagram_described(page, live_server):
    open_page(page, live_server, "step=2&input=0,0,1,0,,,,,,,,")
    page.get_by_role("button", name="Step forward").click()
    live = page.locator("#live")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_contain_text("Step 3")
    expect(live).to_contain_text("Input gate 100%")
    expect(live).to_contain_text("stores 0.8")
    described_by = page.locator("#diagram").get_attribute("aria-labelledby")
    expect(page.locator(f"#{described_by}")).to_contain_text("stores 0.8")


def test_with_motion_allowed_a_value_visibly_passes_an_open_gate(page, live_server):
    open_page(page, live_server, "input=1,,,,,,,,,,,&output=1,,,,,,,,,,,")
    page.get_by_role("button", name="Step forward").click()
    expect(page.get_by_test_id("step-index")).to_have_text("2")
    moving = page.evaluate("document.getAnimations().map(a => a.effect.target.getAttribute('class'))")
    assert "pulse pulse-in" in moving and "pulse pulse-out" in moving


@pytest.mark.parametrize("hash_", ["train=first-symbol,100,lstm1997,0", "lesson=write"])
def test_no_wcag_violations_with_a_panel_open(page, live_server, hash_):
    open_page(page, live_server, hash_)
    panel = "#train" if hash_.startswith("train") else "#lesson"
    expect(page.locator(panel)).to_be_visible()
    assert violations(page) == []


@pytest.mark.parametrize("lang", ["en", "zh-Hant", "zh-Hans"])
@pytest.mark.parametrize("hash_", ["variant=gru&step=5&update=1,0,0,0,1,,,,,,,&w_cell=1,0.8,0,0.2",
                                   "variant=peephole&step=4&computed=input,output&w_input=4,0,-2,1.5"])
def test_no_wcag_violations_with_the_gru_and_computed_gates(page, live_server, lang, hash_):
    page.goto(f"{live_server}/#lang={lang}&{hash_}")
    expect(page.locator("body")).to_have_attribute("data-run", "server")
    assert violations(page) == []


def test_the_gru_step_is_described_in_words(page, live_server):
    page.goto(f"{live_server}/#variant=gru&step=4&update=1,0,,,,,,,,,,")
    expect(page.locator("body")).to_have_attribute("data-run", "server")
    page.get_by_role("button", name="Step forward").click()
    live = page.locator("#live")
    expect(live).to_contain_text("Step 5")
    expect(live).to_contain_text("Update gate 0%, Reset gate 100%")
    expect(live).to_contain_text("the unit now holds 0.5, which is also its output")
    computed = page.locator("#gate-update-computed")
    computed.check()  # z = sigmoid(0) = 50%, said as computed
    expect(page.get_by_label("Update gate", exact=True)).to_have_attribute(
        "aria-valuetext", "Update gate computed from the input: 50% open")
