"""Static text files are compressed once (gzip -9, Brotli 11) and sent in the coding the
request asks for: br to browsers that offer it, gzip to those that offer only gzip (a
student's device on the school's LAN), the file as it is to a client that asks for none."""

import gzip

import brotli
import pytest

from app import precompress
from app.minify import minified
from app.paths import STATIC
from app.static_files import VERSIONED

FILE = "js/state.js"


def sent_text() -> bytes:
    """state.js as the server sends it (minified: tests/test_minify.py)."""
    return minified(FILE, (STATIC / FILE).read_bytes())


@pytest.mark.parametrize("prefix", ["/static", VERSIONED])
@pytest.mark.parametrize(
    "asked, coding",
    [
        ("gzip, deflate, br, zstd", "br"),
        ("br;q=1.0, gzip;q=0.8", "br"),
        ("gzip, deflate", "gzip"),
        ("gzip, br;q=0", "gzip"),
        ("identity", None),
        ("", None),
    ],
)
def test_each_coding_as_asked(client, prefix, asked, coding):
    answer = client.get(f"{prefix}/{FILE}", headers={"accept-encoding": asked})
    plain = sent_text()
    assert answer.status_code == 200
    assert answer.headers.get("content-encoding") == coding
    assert answer.headers["vary"] == "Accept-Encoding"  # once, whoever adds it
    assert answer.content == plain  # httpx undoes br and gzip
    sent = int(answer.headers["content-length"])
    assert sent < len(plain) / 2 if coding else sent == len(plain)
    assert answer.headers["content-type"] == "text/javascript; charset=utf-8"


def test_the_best_levels_are_used():
    stat = (STATIC / FILE).stat()
    body, versions, _ = precompress.packed_file(STATIC / FILE, stat)
    plain = sent_text()
    assert body == plain
    assert versions["gzip"] == gzip.compress(plain, compresslevel=9, mtime=0)
    assert versions["br"] == brotli.compress(plain, quality=11)
    assert len(versions["br"]) < len(versions["gzip"])


def test_each_coding_has_its_own_etag_and_revalidates(client):
    tags = {}
    for asked in ("br", "gzip", "identity"):
        answer = client.get(f"/static/{FILE}", headers={"accept-encoding": asked})
        tags[asked] = answer.headers["etag"]
        again = client.get(f"/static/{FILE}", headers={"accept-encoding": asked, "if-none-match": tags[asked]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == tags[asked] and again.headers["vary"] == "Accept-Encoding"
    assert len(set(tags.values())) == 3
    # A gzip copy's tag does not validate the br copy.
    other = client.get(f"/static/{FILE}", headers={"accept-encoding": "br", "if-none-match": tags["gzip"]})
    assert other.status_code == 200 and other.headers["content-encoding"] == "br"


def test_versioned_copies_stay_immutable(client):
    answer = client.get(f"{VERSIONED}/{FILE}", headers={"accept-encoding": "br"})
    assert answer.headers["cache-control"] == "max-age=31536000, immutable"
    assert "etag" not in answer.headers and "last-modified" not in answer.headers


def test_a_range_gets_the_whole_text(client):
    # Ranges are for large downloads; a text file is sent whole (RFC 9110 allows ignoring Range).
    answer = client.get(f"/static/{FILE}", headers={"accept-encoding": "br", "range": "bytes=0-9"})
    assert answer.status_code == 200 and "content-range" not in answer.headers
    assert answer.content == sent_text()


def test_without_the_brotli_package_gzip_is_sent(client, monkeypatch):
    monkeypatch.setattr(precompress, "brotli", None)
    precompress.packed.cache_clear()
    try:
        answer = client.get(f"/static/{FILE}", headers={"accept-encoding": "gzip, deflate, br"})
        assert answer.headers["content-encoding"] == "gzip"
    finally:
        precompress.packed.cache_clear()


def test_small_and_binary_files(client):
    icon = client.get("/static/img/favicon.svg", headers={"accept-encoding": "br"})
    assert icon.headers["content-encoding"] == "br" and icon.headers["vary"] == "Accept-Encoding"
    plain = client.get("/static/img/favicon.svg", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
