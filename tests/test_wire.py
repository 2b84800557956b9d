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



@pytest.mark.parametrize("asked, coding", [("gzip, deflate, br", "br"), ("gzip, deflate", "gzip"), ("identity", None)])
def test_the_page_is_made_and_compressed_once_and_revalidated(client, asked, coding):
    first = client.get("/", headers={"accept-encoding": asked, "accept-language": "zh-TW"})
    assert first.status_code == 200 and first.headers.get("content-encoding") == coding
    assert first.headers["vary"] == "Accept-Language, Accept-Encoding"
    assert first.headers["cache-control"] == "no-cache" and first.headers["etag"]
    assert '<html lang="zh-Hant">' in first.text
    again = client.get("/", headers={"accept-encoding": asked, "accept-language": "zh-TW",
                                     "if-none-match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == first.headers["etag"]
    other = client.get("/", headers={"accept-encoding": asked, "if-none-match": first.headers["etag"]})
    assert other.status_code == 200 and '<html lang="en">' in other.text  # another language, another tag


def test_join_pages_are_made_for_their_code(client):
    from app.live.codes import ALPHABET, CODE_LENGTH

    code = ALPHABET[:CODE_LENGTH]
    page = client.get(f"/join/{code}", headers={"accept-encoding": "br"})
    assert page.status_code == 200 and f'data-join="{code}"' in page.text
    form = client.get("/join", headers={"accept-encoding": "br"})
    assert form.status_code == 200 and 'data-join=""' in form.text and form.headers["etag"]
    assert client.get("/").headers["etag"] != form.headers["etag"]
