"""What the browser tests share: how the page writes numbers, and how a person moves a
slider, steps and opens a fresh page."""

from playwright.sync_api import expect

from app import config

TAPE = list(config.DEFAULT_TAPE)


def shown(value: float) -> str:
    """How the page writes a number: up to three decimals, no trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def set_slider(page, label: str, value: float) -> None:
    """Move a range input as a drag does: set its value and fire `input`."""
    page.get_by_label(label, exact=True).evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value)


def step_forward(page, to: int) -> None:
    page.get_by_role("button", name="Step forward").click()
    expect(page.get_by_test_id("step-index")).to_have_text(str(to))


def open_fresh(page, server, hash_=""):
    page.goto(f"{server}/{hash_}")
    expect(page.locator("#diagram .cell-value")).not_to_have_text("")
