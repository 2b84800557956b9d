"""GET /api/qr: the SVG is well formed and draws exactly segno's modules for the text."""

import re
import xml.etree.ElementTree as ET

import pytest
import segno

from app.api.qr import BORDER, MAX_TEXT, SCALE

SVG = "{http://www.w3.org/2000/svg}"
LINK = "http://127.0.0.1:8000/#lesson=hold&lang=zh-Hant&hide=teacher%2Cvariant&mode=projector"


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


@pytest.mark.parametrize("text", [LINK, "a", "記憶細胞 记忆细胞", "x" * MAX_TEXT])
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
    sizes = [len(modules(fetch(client, "x" * n).content)) for n in (10, 200, MAX_TEXT)]
    assert sizes[0] < sizes[1] < sizes[2]
    assert sizes[0] >= 21  # never a micro QR code: phones' camera apps do not read those


def test_svg_has_a_title_and_fixed_size(client):
    root = ET.fromstring(fetch(client, LINK).content)
    assert root.find(f"{SVG}title").text
    assert int(root.get("width")) == int(root.get("height"))


@pytest.mark.parametrize("params, status", [
    ({}, 422), ({"text": ""}, 422), ({"text": "x" * (MAX_TEXT + 1)}, 422),
])
def test_bad_text_is_refused_naming_text(client, params, status):
    response = client.get("/api/qr", params=params)
    assert response.status_code == status
    assert response.json()["fields"] == ["text"]
