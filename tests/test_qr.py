"""GET /api/qr: the SVG is well formed and draws exactly segno's modules for the text."""

import json
import re
import xml.etree.ElementTree as ET

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote
import urllib.request

import pytest
import segno
from fastapi.testclient import TestClient

from app.api import qr
from app.api.qr import BORDER, MAX_TEXT, SCALE
from app.main import create_app
from app.settings import Settings

SVG = "{http://www.w3.org/2000/svg}"
BASE = "http://testserver/"  # the TestClient's server address: links to this server
LINK = BASE + "#lesson=hold&lang=zh-Hant&hide=teacher%2Cvariant&mode=projector"


def modules(svg: bytes) -> list[list[int]]:
    """Read the dark modules back out of segno's path ("M x y.5 h n m dx dy ...")."""
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    side = int(root.get("width")) // SCALE
    size = side - 2 * BORDER
    grid = [[0] * size for _ in range(size)]
    (path,) = [p for p in root.iter(f"{SVG}path") if p.get("stroke")]
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([^MmHh]*)", path.get("d")):
        numbers = [float(n) for n in re.findall(r"-?\d*\.?\d+", args)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            length = numbers[0] if command == "h" else numbers[0] - x
            row = int(y - 0.5) - BORDER
            for col in range(int(x) - BORDER, int(x + length) - BORDER):
                grid[row][col] = 1
            x += length
    return grid


def fetch(client, text: str):
    return client.get("/api/qr", params={"text": text})


@pytest.mark.parametrize("text", [LINK, BASE, BASE + "#記憶細胞 记忆细胞",
                                  BASE + "#" + "x" * (MAX_TEXT - len(BASE) - 1)])
def test_svg_draws_the_qr_code_of_the_text(client, text):
    response = fetch(client, text)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    expected = [list(row) for row in segno.make(text, error="m", micro=False).matrix]
    assert modules(response.content) == expected


def test_a_different_link_gives_a_different_code(client):
    a = modules(fetch(client, LINK).content)
    b = modules(fetch(client, LINK.replace("hold", "read")).content)
    assert len(a) == len(b) and a != b


def test_longer_text_needs_a_bigger_code(client):
    sizes = [len(modules(fetch(client, BASE + "#" + "x" * n).content)) for n in (1, 200, MAX_TEXT - 20)]
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[0] >= 21  # never a micro QR code: phones' camera apps do not read those


def test_svg_has_a_title_and_fixed_size(client):
    root = ET.fromstring(fetch(client, LINK).content)
    assert root.find(f"{SVG}title").text
    assert int(root.get("width")) == int(root.get("height"))


@pytest.mark.parametrize("params, status", [
    ({}, 422), ({"text": ""}, 422), ({"text": BASE + "#" + "x" * MAX_TEXT}, 422),
    ({"text": BASE + "#" + "€" * 800}, 422),  # 819 characters, 2,419 UTF-8 bytes: was a 500
    ({"text": "javascript:alert(1)"}, 422), ({"text": "https://evil.example/school-login"}, 422),
    ({"text": "http://testserver.evil.example/"}, 422), ({"text": "ftp://testserver/"}, 422),
    ({"text": "记忆细胞"}, 422), ({"text": "http://testserver:8000/"}, 422),
])
def test_bad_text_is_refused_naming_text(client, params, status):
    response = client.get("/api/qr", params=params)
    assert response.status_code == status
    assert response.json()["fields"] == ["text"]


def test_the_host_header_does_not_make_a_link_ours(client):
    response = client.get("/api/qr", params={"text": "http://evil.example/"},
                          headers={"host": "evil.example"})
    assert response.status_code == 422 and response.json()["fields"] == ["text"]


@pytest.mark.parametrize("text", ["http://127.0.0.1/x", "http://localhost/", "http://[::1]/#a",
                                  "HTTP://TestServer:80/#b"])
def test_loopback_forms_of_this_server_are_ours(client, text):
    assert fetch(client, text).status_code == 200


def test_a_configured_public_url_and_allowed_host_are_ours():
    app = create_app(Settings(allowed_hosts=("lab.school.example", "testserver")))
    # The public URL is the live-class setting (Settings.public_url).
    app.state.settings = Settings(allowed_hosts=("lab.school.example",), public_url="https://class.school.example")
    client = TestClient(app)
    for text, status in (("https://class.school.example/#lesson=hold", 200),
                         ("http://lab.school.example/#x", 200), ("http://lab.school.example:81/", 422),
                         ("https://other.school.example/", 422)):
        assert client.get("/api/qr", params={"text": text}).status_code == status, text


def test_the_join_link_on_the_network_address_is_ours(server_thread):
    """A teacher on 127.0.0.1, a server listening on 0.0.0.0: the join link (and the
    classroom link) carry the network address students reach, and its QR code is made."""
    from app.live import address

    network = address.network_address()
    app = create_app(Settings(listen_host="0.0.0.0", listen_port=8125))
    server = server_thread(app)
    request = urllib.request.Request(f"{server.url}/api/classes", data=b"{}",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        join_url = json.load(reply)["join_url"]
    assert join_url.startswith(f"http://{network}:8125/join/")
    for text in (join_url, f"http://{network}:8125/#lesson=hold"):
        with urllib.request.urlopen(f"{server.url}/api/qr?text={quote(text)}", timeout=10) as reply:
            assert reply.status == 200 and reply.headers["content-type"] == "image/svg+xml"
    client = TestClient(app)
    assert fetch(client, f"http://{network}:8126/join/ABCDEF").status_code == 422  # another port


def in_a_thread(monkeypatch):
    """Make codes in a thread of this process, so that a patched qr_svg is the one called
    (the server's QR process imports its own)."""
    pool = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(qr, "_qr_process", lambda: pool)


def test_codes_are_cached_by_text(client, monkeypatch):
    in_a_thread(monkeypatch)
    made = []
    real = qr.qr_svg
    monkeypatch.setattr(qr, "qr_svg", lambda text: made.append(text) or real(text))
    text = BASE + "#cached-" + str(id(made))
    first, second = fetch(client, text), fetch(client, text)
    assert first.content == second.content and made == [text]
    for n in range(qr.CACHE_SIZE + 1):  # bounded: the oldest is dropped
        fetch(client, f"{BASE}#fill-{n}")
    assert len(qr._cache) == qr.CACHE_SIZE
    fetch(client, text)
    assert made.count(text) == 2


def test_making_a_code_does_not_hold_up_other_requests(server_thread, monkeypatch):
    """A code that takes 1.5 s to make (as a flood of large ones would) runs off the event
    loop: /healthz answers meanwhile. On the loop it waited for the code. (Here in a thread,
    to patch the slowness in; the server uses its QR process, as every other test here.)"""
    in_a_thread(monkeypatch)
    real = qr.qr_svg
    monkeypatch.setattr(qr, "qr_svg", lambda text: time.sleep(1.5) or real(text))
    server = server_thread()
    slow = threading.Thread(target=urllib.request.urlopen, args=(
        f"{server.url}/api/qr?text=http%3A%2F%2F127.0.0.1%3A{server.port}%2F%23slow",))
    slow.start()
    time.sleep(0.2)
    started = time.monotonic()
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as answer:
        assert answer.status == 200
    assert time.monotonic() - started < 1.0
    slow.join()


def test_codes_are_made_in_a_process_of_their_own(client):
    import os

    fetch(client, BASE + "#which-process")
    pool = qr._qr_process()
    assert pool.submit(os.getpid).result(timeout=30) != os.getpid()
