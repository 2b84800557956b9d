"""The page and its static files are sent gzipped to browsers that accept it (the first
load stays small as the page grows); the API's answers are not (each run stays cheap)."""

import json


def test_the_page_and_its_modules_are_gzipped(client):
    for path in ("/", "/static/js/main.js", "/static/css/app.css", "/static/i18n/zh-Hant.json"):
        answer = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200
        assert answer.headers["content-encoding"] == "gzip", path
        assert "Accept-Encoding" in answer.headers["vary"]
        assert int(answer.headers["content-length"]) < 0.5 * len(answer.content), path


def test_the_api_is_not_gzipped(client):
    body = json.dumps({"tape": [0.5] * 200, "gates": {"input": [1.0] * 200, "output": [1.0] * 200}})
    answer = client.post("/api/run", content=body, headers={"Accept-Encoding": "gzip",
                                                            "Content-Type": "application/json"})
    assert answer.status_code == 200 and "content-encoding" not in answer.headers
    assert int(answer.headers["content-length"]) == len(answer.content) > 1000


def test_without_accept_encoding_the_page_is_plain(client):
    answer = client.get("/static/js/cell.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in answer.headers
    assert b"runLocally" in answer.content  # plain text, readable as is
