"""The API reference page works in a classroom with no internet: Swagger UI comes from
our own server and renders in Chromium under its Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_reference_page_renders_from_our_own_files(page, live_server):
    requests, violations = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server}/docs")
    expect(page.get_by_text("/api/run").first).to_be_visible(timeout=15000)
    assert requests and all(url.startswith(live_server) for url in requests), requests
    assert violations == []
