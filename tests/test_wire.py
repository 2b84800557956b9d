"""Light on the wire: text answers compressed when the browser asks, the page's files under a
versioned address cacheable for a year, plain /static/ addresses revalidated by ETag."""

import re

import pytest

from app.api.pages import MODULES
from app.static_files import VERSIONED


@pytest.mark.parametrize("path", ["/", "/static/js/main.js", "/static/css/app.css",
                                  "/openapi.json", "/api/lessons", f"{VERSIONED}/js/diagram.js"])
def test_text_is_gzipped_when_asked(client, path):
    plain = client.get(path, headers={"accept-encoding": "identity"})
    packed = client.get(path, headers={"accept-encoding": "gzip, deflate"})  # a LAN device
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert packed.content == plain.content  # httpx undoes the gzip
    assert int(packed.headers["content-length"]) < len(plain.content) / 2


def test_a_run_is_gzipped_too(client):
    body = {"tape": [0.5] * 1000}
    packed = client.post("/api/run", json=body, headers={"accept-encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["content-encoding"] == "gzip"
    assert int(packed.headers["content-length"]) < len(packed.content) / 3


def test_the_page_links_its_files_under_the_versioned_address(client):
    html = client.get("/").text
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert links and all(link.startswith(VERSIONED + "/") for link in links), links
    assert {f"{VERSIONED}/js/{m}" for m in MODULES} <= set(links)
    assert re.fullmatch(r"/static/v-[0-9a-f]{12}", VERSIONED)


def test_the_icon_is_inside_the_page(client):
    from urllib.parse import unquote

    (icon,) = re.findall(r'<link rel="icon" href="([^"]+)"', client.get("/").text)
    svg = client.get("/static/img/favicon.svg").text.strip()
    assert icon.startswith("data:image/svg+xml,") and unquote(icon.split(",", 1)[1]) == svg
    assert not re.search(r"[\"'<>&]", icon)  # nothing for the template to escape


def test_versioned_files_are_cached_for_a_year(client):
    response = client.get(f"{VERSIONED}/js/main.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "max-age=31536000, immutable"
    assert "etag" not in response.headers and "last-modified" not in response.headers
    assert response.content == client.get("/static/js/main.js").content
    missing = client.get(f"{VERSIONED}/js/nope.js")
    assert missing.status_code == 404 and "immutable" not in missing.headers["cache-control"]


def test_plain_static_addresses_revalidate_with_304(client):
    first = client.get("/static/js/main.js")
    assert first.headers["cache-control"] == "no-cache" and first.headers["etag"]
    again = client.get("/static/js/main.js", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""

