"""Short links: a state kept under an id opens the page with that state, also after the
server restarts (a new app on the same file), and bad input is refused naming the field."""

from fastapi.testclient import TestClient

from app.links import LinkStore, link_id
from app.main import create_app
from app.settings import Settings

STATE = "variant=lstm1997&tape=" + "%2C".join(["0.123"] * 400) + "&step=7&lang=zh-Hant"


def test_a_kept_state_opens_the_page_with_it_after_a_restart(tmp_path):
    settings = Settings(links_file=str(tmp_path / "links.sqlite3"))
    first = TestClient(create_app(settings))
    answer = first.post("/api/links", json={"state": STATE})
    assert answer.status_code == 201
    key = answer.json()["id"]
    assert answer.json()["path"] == f"/s/{key}" and len(key) == 13
    assert first.post("/api/links", json={"state": STATE}).json()["id"] == key  # same state, same id
    restarted = TestClient(create_app(settings))  # a new process reading the same file
    opened = restarted.get(f"/s/{key}", follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/#{STATE}"


def test_an_unknown_link_is_a_404_page(client):
    response = client.get("/s/aaaaaaaaaaaaa")
    assert response.status_code == 404 and "not known" in response.text
    assert client.get("/s/..%2F..%2Fetc").status_code == 404


def test_bad_states_are_refused_naming_the_field(client):
    for body in ({"state": ""}, {"state": "a" * 40_000}, {"state": "x\r\nSet-Cookie: a=b"},
                 {"state": "<script>"}, {}):
        response = client.post("/api/links", json=body)
        assert response.status_code == 422, body
        assert response.json()["fields"] == ["state"], body


def test_the_oldest_links_go_beyond_the_limit(tmp_path):
    store = LinkStore(tmp_path / "links.sqlite3", max_links=3)
    keys = [store.save(f"step={k}") for k in range(5)]
    assert [store.load(k) for k in keys] == [None, None, "step=2", "step=3", "step=4"]
    assert keys[4] == link_id("step=4")
