"""The live-class protocol over Starlette's TestClient, with the in-memory broker: every
message type, every error code, the limits, expiry, and that ending frees the class."""

import contextlib
import time

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.live import session
from app.live.codes import ALPHABET, normalise_code
from app.main import create_app
from app.settings import Settings

from .live_clients import run_async

STUDENT = "student-aaaaaaaaaaaa"


@pytest.fixture
def app():
    return create_app(Settings(class_max_students=3, max_classes=3, live_max_message=2048,
                               live_rate=20, class_ttl=3600))


@pytest.fixture
def api(app):
    with serving(app) as client:
        yield client


@contextlib.contextmanager
def serving(app):
    """A TestClient (one event loop for every socket) that closes the sockets it opened."""
    with TestClient(app) as client:
        client.sockets = []
        try:
            yield client
        finally:
            for ws in client.sockets:
                try:
                    ws.__exit__(None, None, None)
                except Exception:
                    pass


def open_class(api, state="v=lstm&step=0"):
    reply = api.post("/api/classes", json={"state": state})
    assert reply.status_code == 201, reply.text
    return reply.json()


def connect(api, code):
    ws = api.websocket_connect(f"/ws/class/{code}").__enter__()
    api.sockets.append(ws)
    return ws


def hello(api, code, **fields):
    ws = connect(api, code)
    ws.send_json({"type": "hello", **fields})
    return ws


def teacher(api, made):
    ws = hello(api, made["code"], role="teacher", secret=made["teacher_secret"])
    welcome = ws.receive_json()
    assert welcome["type"] == "welcome" and welcome["role"] == "teacher"
    return ws, welcome["class"]


def student(api, code, client=STUDENT, **extra):
    ws = hello(api, code, role="student", client=client, **extra)
    welcome = ws.receive_json()
    assert welcome["type"] == "welcome" and welcome["role"] == "student", welcome
    return ws, welcome["class"]


def next_of(ws, kind, limit=20):
    """The next message of type `kind`, skipping others (counts, answers)."""
    for _ in range(limit):
        message = ws.receive_json()
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind!r} in {limit} messages")


def closed_with(ws) -> int:
    with pytest.raises(WebSocketDisconnect) as info:
        for _ in range(20):
            ws.receive_json()
    return info.value.code


def test_codes_use_the_alphabet_and_normalise():
    assert set(ALPHABET).isdisjoint("ILO01")
    assert normalise_code(" k7m-2qx ") == "K7M2QX"
    assert normalise_code("K7M2Q") is None and normalise_code("K7M2QO") is None


def test_create_info_and_live(api):
    made = open_class(api)
    assert len(made["code"]) == 6 and set(made["code"]) <= set(ALPHABET)
    assert len(made["teacher_secret"]) == 43
    assert made["join_url"].endswith(f"/join/{made['code']}")
    assert made["teacher_secret"] not in made["join_url"]
    assert made["broker"] == "memory" and made["expires_in"] == 3600
    info = api.get(f"/api/classes/{made['code'].lower()}")
    assert info.json() == {"code": made["code"], "students": 0}
    missing = api.get("/api/classes/ZZZZZZ")
    assert missing.status_code == 404 and missing.json()["fields"] == ["code"]
    assert api.get("/api/classes/not-a-code").status_code == 404
    live = api.get("/api/live").json()
    assert live["broker"] == "memory" and live["shared"] is True and live["warning"] is None


def test_create_refuses_bad_bodies(api):
    assert api.post("/api/classes", content=b"{", headers={"content-type": "application/json"}).status_code == 400
    reply = api.post("/api/classes", json={"state": "x" * 5000})
    assert reply.status_code == 422 and reply.json()["fields"] == ["state"]
    assert api.post("/api/classes", json={"stat": "x"}).status_code == 422
    assert api.post("/api/classes").status_code == 201  # no body: an empty state


def test_class_limit_is_429(api):
    for _ in range(3):
        open_class(api)
    reply = api.post("/api/classes", json={})
    assert reply.status_code == 429 and reply.json()["fields"] == ["classes"]


def test_a_whole_lesson(api):
    made = open_class(api)
    code = made["code"]
    t, snap = teacher(api, made)
    assert snap == {"code": code, "state": "v=lstm&step=0", "seq": 0, "locked": True,
                    "question": None, "students": 0, "answers": None}
    s, snap = student(api, code)
    assert snap["students"] == 1 and "answers" not in snap
    assert next_of(t, "count")["students"] == 1
    t.send_json({"type": "state", "state": "v=lstm&step=7"})
    assert next_of(s, "state") == {"type": "state", "state": "v=lstm&step=7", "seq": 1}
    t.send_json({"type": "ask", "question": {"id": "hold:5", "step": 5}})
    asked = next_of(s, "ask")["question"]
    assert asked == {"id": "hold:5", "step": 5, "revealed": False, "right": None}
    s.send_json({"type": "answer", "question": "hold:5", "value": 0.8})
    assert next_of(s, "answered") == {"type": "answered", "question": "hold:5"}
    s.send_json({"type": "answer", "question": "hold:5", "value": 0.25})  # replaces 0.8
    next_of(s, "answered")
    answers = next_of(t, "answers")
    while answers["values"] != [0.25]:
        answers = next_of(t, "answers")
    assert answers == {"type": "answers", "question": "hold:5", "answered": 1, "students": 1,
                       "values": [0.25]}
    t.send_json({"type": "reveal", "question": "hold:5", "right": 0.8})
    assert next_of(s, "reveal") == {"type": "reveal", "question": "hold:5", "right": 0.8}
    s.send_json({"type": "answer", "question": "hold:5", "value": 0.9})
    assert next_of(s, "error")["code"] == "bad_field"  # revealed: closed for answers
    t.send_json({"type": "unlock"})
    assert next_of(s, "locked") == {"type": "locked", "locked": False}
    t.send_json({"type": "gather"})
    assert next_of(s, "gather") == {"type": "gather"}
    t.send_json({"type": "lock"})
    assert next_of(s, "locked")["locked"] is True
    for ws in (s, t):
        ws.send_json({"type": "ping"})
        assert next_of(ws, "pong") == {"type": "pong"}
    s2, snap = student(api, code, client="another-student-1234")
    assert snap["state"] == "v=lstm&step=7" and snap["locked"] is True
    assert snap["question"] == {"id": "hold:5", "step": 5, "revealed": True, "right": 0.8}
    t.send_json({"type": "ask", "question": None})
    assert next_of(s2, "ask")["question"] is None
    t.send_json({"type": "end"})
    for ws in (s, s2, t):
        assert next_of(ws, "ended") == {"type": "ended"}
        assert closed_with(ws) == 4410
    assert api.get(f"/api/classes/{code}").status_code == 404


def test_ending_frees_everything(app, api):
    live = app.state.live
    made = open_class(api)
    t, _ = teacher(api, made)
    sockets = [student(api, made["code"], client=f"student-{i}-aaaaaaaaaaaa")[0] for i in range(3)]
    t.send_json({"type": "ask", "question": {"id": "q", "step": 1}})
    sockets[0].send_json({"type": "answer", "question": "q", "value": 1})
    next_of(sockets[0], "answered")
    t.send_json({"type": "end"})
    for ws in (*sockets, t):
        assert closed_with(ws) == 4410
    deadline = time.monotonic() + 5
    while (live.hub.rooms or live.broker.classes or live.pending) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live.broker.classes == {} and live.hub.rooms == {} and not live.pending


def test_reload_counts_once_and_leaving_counts_down(api):
    made = open_class(api)
    t, _ = teacher(api, made)
    a, _ = student(api, made["code"])
    b, snap = student(api, made["code"])  # the same client id: a second tab or a reload
    assert snap["students"] == 1
    c, snap = student(api, made["code"], client="someone-else-aaaaaaa")
    assert snap["students"] == 2
    while next_of(t, "count")["students"] != 2:  # counts are coalesced: only the latest is sure
        pass
    c.close()
    assert next_of(t, "count")["students"] == 1
    assert api.get(f"/api/classes/{made['code']}").json()["students"] == 1


@pytest.mark.parametrize("frame, code", [
    ("{", "bad_json"), ("[1, 2]", "bad_json"), ('"hello"', "bad_json"),
    ('{"type": "dance"}', "unknown_type"), ("{}", "unknown_type"), ('{"type": 7}', "unknown_type"),
    ('{"type": "lock"}', "not_allowed"), ('{"type": "state", "state": "x"}', "not_allowed"),
    ('{"type": "end"}', "not_allowed"),
    ('{"type": "answer", "question": "q", "value": "high"}', "bad_field"),
    ('{"type": "answer", "question": "q", "value": 1e7}', "bad_field"),
    ('{"type": "answer", "question": "q", "value": true}', "bad_field"),
    ('{"type": "answer", "question": "q", "value": NaN}', "bad_json"),
    ('{"type": "answer", "question": "", "value": 1}', "bad_field"),
    ('{"type": "answer", "question": "other", "value": 1}', "bad_field"),
    ('{"type": "hello", "role": "teacher", "secret": "x"}', "bad_field"),
    ('{"type": "ping", "pad": "' + "x" * 3000 + '"}', "too_large"),
])
def test_student_bad_input_is_an_error_and_changes_nothing(api, frame, code):
    made = open_class(api)
    t, _ = teacher(api, made)
    t.send_json({"type": "ask", "question": {"id": "q", "step": 1}})
    s, before = student(api, made["code"])
    s.send_text(frame)
    error = next_of(s, "error")
    assert error["code"] == code and error["message"]
    s.send_json({"type": "ping"})  # the connection stays open
    assert next_of(s, "pong")
    _, after = student(api, made["code"], client="an-observer-aaaaaaa")
    assert {**after, "students": 1} == {**before, "students": 1}


@pytest.mark.parametrize("message, field", [
    ({"type": "state"}, "state"), ({"type": "state", "state": 5}, "state"),
    ({"type": "ask", "question": "q"}, "question"),
    ({"type": "ask", "question": {"id": "q", "step": -1}}, "question.step"),
    ({"type": "ask", "question": {"id": "q", "step": True}}, "question.step"),
    ({"type": "ask", "question": {"id": "x" * 81, "step": 1}}, "id"),
    ({"type": "reveal", "question": "nope", "right": 1}, "question"),
    ({"type": "reveal", "question": "q", "right": "1"}, "right"),
    ({"type": "answer", "question": "q", "value": 1}, "type"),
])
def test_teacher_bad_input_is_an_error_and_changes_nothing(api, message, field):
    made = open_class(api)
    t, _ = teacher(api, made)
    t.send_json({"type": "ask", "question": {"id": "q", "step": 1}})
    next_of(t, "ask")
    _, before = student(api, made["code"])
    t.send_json(message)
    error = next_of(t, "error")
    assert error["field"] == field, error
    t.send_bytes(b"\x00\x01")
    assert next_of(t, "error")["code"] == "bad_json"
    _, after = student(api, made["code"], client="an-observer-aaaaaaa")
    assert {**after, "students": 1} == {**before, "students": 1}


@pytest.mark.parametrize("fields, code, close", [
    ({"role": "teacher", "secret": "wrong"}, "bad_secret", 4403),
    ({"role": "teacher"}, "bad_secret", 4403),
    ({"role": "student", "client": "short"}, "bad_field", 4400),
    ({"role": "student"}, "bad_field", 4400),
    ({"role": "spy", "client": STUDENT}, "bad_field", 4400),
])
def test_bad_hello_is_refused_and_closed(api, fields, code, close):
    made = open_class(api)
    ws = hello(api, made["code"], **fields)
    error = ws.receive_json()
    assert error["type"] == "error" and error["code"] == code
    assert closed_with(ws) == close


def test_hello_must_come_first_and_in_time(api, monkeypatch):
    made = open_class(api)
    ws = connect(api, made["code"])
    ws.send_json({"type": "ping"})
    assert ws.receive_json()["code"] == "bad_field"
    assert closed_with(ws) == 4400
    monkeypatch.setattr(session, "HELLO_TIMEOUT", 0.3)
    ws = connect(api, made["code"])
    assert ws.receive_json()["code"] == "bad_field"  # said nothing
    assert closed_with(ws) == 4400


@pytest.mark.parametrize("code", ["ZZZZZZ", "nonsense-code", "AAAAA0"])
def test_unknown_class(api, code):
    for fields in ({"role": "student", "client": STUDENT}, {"role": "teacher", "secret": "s" * 43}):
        ws = hello(api, code, **fields)
        assert ws.receive_json()["code"] == "unknown_class"
        assert closed_with(ws) == 4404


def test_class_full(api):
    made = open_class(api)
    for i in range(3):
        student(api, made["code"], client=f"student-{i}-aaaaaaaaaaaa")
    ws = hello(api, made["code"], role="student", client="one-too-many-aaaaa")
    assert ws.receive_json()["code"] == "class_full"
    assert closed_with(ws) == 4429


def test_rate_limit(api):
    s, _ = student(api, open_class(api)["code"])
    for _ in range(200):  # 20 a second with a burst of 40
        s.send_json({"type": "ping"})
    time.sleep(2.1)  # the bucket refills: the flood is over
    s.send_json({"type": "marker"})  # answered by unknown_type: every reply before it is in
    replies = []
    while not replies or replies[-1].get("code") != "unknown_type":
        replies.append(s.receive_json())
    kinds = [r.get("code", r["type"]) for r in replies]
    assert kinds.count("rate_limited") == 1  # one notice per flood, not one per message
    assert 40 <= kinds.count("pong") < 200
    s.send_json({"type": "ping"})
    assert next_of(s, "pong")


def test_teacher_resumes_a_lost_class(app, api):
    made = open_class(api)
    code, secret = made["code"], made["teacher_secret"]
    app.state.live.broker.classes.clear()  # as after a restart of the server
    ws = hello(api, code, role="teacher", secret=secret, state="v=gru&step=3")
    snap = ws.receive_json()["class"]
    assert snap["state"] == "v=gru&step=3" and snap["seq"] > 1_000_000
    s, snap = student(api, code)
    assert snap["state"] == "v=gru&step=3"
    other = hello(api, code, role="teacher", secret="not-the-secret")
    assert other.receive_json()["code"] == "bad_secret"


def test_resume_respects_the_class_limit(app, api):
    for _ in range(3):
        open_class(api)
    ws = hello(api, "ABCDEF", role="teacher", secret="s" * 43, state="v=lstm")
    assert ws.receive_json()["code"] == "too_many_classes"
    assert closed_with(ws) == 4429


def test_unused_classes_expire():
    app = create_app(Settings(class_ttl=0.3))
    with serving(app) as api:
        made = open_class(api)
        kept = open_class(api)
        s, _ = student(api, kept["code"])  # a class in use does not expire
        time.sleep(0.5)
        assert api.get(f"/api/classes/{made['code']}").status_code == 404
        assert api.get(f"/api/classes/{kept['code']}").status_code == 200
        assert list(app.state.live.broker.classes) == [kept["code"]]


def test_hub_sends_one_string_to_every_socket_and_drops_a_stuck_one():
    import asyncio

    from app.live.hub import SEND_QUEUE, Connection, Hub

    async def scenario():
        async def nothing(_):
            pass

        hub = Hub()
        conns = [Connection("ABCDEF", role, f"client-{i}", nothing, nothing)
                 for i, role in enumerate(["teacher", "student", "student"])]
        for conn in conns:
            hub.add(conn)
            conn.welcome("{}")
            conn.queue.get_nowait()
        hub.deliver("ABCDEF", 's{"type":"state","state":"x","seq":1}')
        first, second = conns[1].queue.get_nowait(), conns[2].queue.get_nowait()
        assert first is second and first == '{"type":"state","state":"x","seq":1}'  # serialized once
        assert conns[0].queue.empty()  # "s": students only
        conns[2].sender = asyncio.create_task(asyncio.sleep(60))  # stuck sending
        for _ in range(SEND_QUEUE + 1):
            hub.deliver("ABCDEF", 'a{"type":"pong"}')
            conns[1].queue.get_nowait()  # this one reads
        await asyncio.sleep(0)
        assert conns[2].overflowed and conns[2].sender.cancelled()
        assert not conns[1].overflowed and conns[1].queue.empty()

    run_async(scenario())
