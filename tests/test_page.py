"""The page in real headless Chromium (Debian's package, driven by Playwright)."""

import pytest

pytestmark = pytest.mark.browser


def test_page_loads_without_errors(page, live_server):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server)
    assert "LSTM Cell Lab" in page.title()
    assert errors == []
