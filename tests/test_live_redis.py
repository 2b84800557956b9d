"""Live classes with real servers: two uvicorn instances sharing a real Redis (teacher on
one, students on the other), a crashed instance, a Redis restart and a server restart
mid-class for each broker. Clients are real WebSockets (the `websockets` library)."""

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import redis

from app.main import create_app
from app.settings import Settings

from .conftest import _free_port
from .live_clients import run_async, close_code, join, next_of, ws_url


def post_class(base: str, state: str = "v=lstm") -> dict:
    request = urllib.request.Request(f"{base}/api/classes", data=json.dumps({"state": state}).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.load(reply)


def students_of(base: str, code: str) -> int:
    with urllib.request.urlopen(f"{base}/api/classes/{code}", timeout=10) as reply:
        return json.load(reply)["students"]


def redis_app(redis_server, **settings):
    return create_app(Settings(redis_url=redis_server.url, live_heartbeat=0.3, **settings))


async def wait_count(ws, students: int, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while (await next_of(ws, "count", timeout))["students"] != students:
            pass


def test_class_across_two_instances(redis_server, server_thread):
    a, b = server_thread(redis_app(redis_server)), server_thread(redis_app(redis_server))
    made = post_class(a.url)
    assert made["broker"] == "redis"
    code, secret = made["code"], made["teacher_secret"]

    async def lesson():
        teacher, welcome = await join(ws_url(a.url, code), role="teacher", secret=secret)
        assert welcome["class"]["state"] == "v=lstm"
        students = []
        for i in range(5):
            ws, welcome = await join(ws_url(b.url, code), role="student", client=f"pupil-{i}-aaaaaaaaaaaa")
            assert welcome["type"] == "welcome"
            students.append(ws)
        await wait_count(teacher, 5)
        assert students_of(a.url, code) == 5 == students_of(b.url, code)
        await teacher.send(json.dumps({"type": "state", "state": "v=lstm&step=7"}))
        for ws in students:
            assert (await next_of(ws, "state"))["state"] == "v=lstm&step=7"
        await teacher.send(json.dumps({"type": "ask", "question": {"id": "hold:5", "step": 5}}))
        for i, ws in enumerate(students):
            await next_of(ws, "ask")
            await ws.send(json.dumps({"type": "answer", "question": "hold:5", "value": i / 10}))
            await next_of(ws, "answered")
        async with asyncio.timeout(10):
            while (answers := await next_of(teacher, "answers"))["answered"] < 5:
                pass
        assert answers["values"] == [0.0, 0.1, 0.2, 0.3, 0.4] and answers["students"] == 5
        await teacher.send(json.dumps({"type": "reveal", "question": "hold:5", "right": 0.3}))
        for ws in students:
            assert (await next_of(ws, "reveal"))["right"] == 0.3
        late, welcome = await join(ws_url(b.url, code), role="student", client="late-pupil-aaaaaaaaaa")
        assert welcome["class"]["state"] == "v=lstm&step=7"
        assert welcome["class"]["question"]["revealed"] is True
        await teacher.send(json.dumps({"type": "end"}))
        for ws in (*students, late, teacher):
            assert await close_code(ws) == 4410

    run_async(lesson())
    keys = redis.Redis.from_url(redis_server.url).keys("lstm-lab:*")
    assert keys == [], keys  # ending a class frees every key


def test_a_crashed_instance_students_drop_out(redis_server, server_thread, tmp_path):
    a = server_thread(redis_app(redis_server))
    port = _free_port()
    env = {**os.environ, "LSTM_LAB_REDIS_URL": redis_server.url, "LSTM_LAB_LIVE_HEARTBEAT": "0.3"}
    crash = subprocess.Popen([sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port),
                              "--log-level", "warning"], env=env)
    b = f"http://127.0.0.1:{port}"
    made = post_class(a.url)
    code = made["code"]

    async def scenario():
        teacher, _ = await join(ws_url(a.url, code), role="teacher", secret=made["teacher_secret"])
        for _ in range(100):  # wait for the subprocess to listen
            try:
                students_of(b, code)
                break
            except OSError:
                await asyncio.sleep(0.1)
        sockets = [(await join(ws_url(b, code), role="student", client=f"pupil-{i}-aaaaaaaaaaaa"))[0]
                   for i in range(3)]
        await wait_count(teacher, 3)
        crash.send_signal(signal.SIGKILL)  # no goodbye from the instance
        crash.wait(timeout=10)
        await wait_count(teacher, 0, timeout=10)  # 3 heartbeats, then pruned by instance a
        for ws in sockets:
            await ws.close()

    try:
        run_async(scenario())
    finally:
        crash.kill()
    assert students_of(a.url, code) == 0


def test_redis_restart_mid_class(redis_server, server_thread):
    a, b = server_thread(redis_app(redis_server)), server_thread(redis_app(redis_server))
    made = post_class(a.url, "v=lstm&step=1")
    code, secret = made["code"], made["teacher_secret"]

    async def scenario():
        teacher, _ = await join(ws_url(a.url, code), role="teacher", secret=secret)
        pupil, _ = await join(ws_url(b.url, code), role="student", client="pupil-aaaaaaaaaaaaaa")
        await teacher.send(json.dumps({"type": "state", "state": "v=lstm&step=2"}))
        await next_of(pupil, "state")
        redis_server.stop()
        redis_server.start()  # same port, no data: the class is gone from Redis
        # Both instances reconnect their pub/sub and ask every socket to resync (1012).
        assert await close_code(teacher, 20) == 1012 and await close_code(pupil, 20) == 1012
        # The teacher's page resumes the class from its state; the student rejoins.
        teacher, welcome = await join(ws_url(a.url, code), role="teacher", secret=secret,
                                      state="v=lstm&step=2")
        assert welcome["type"] == "welcome"
        pupil, welcome = await join(ws_url(b.url, code), role="student", client="pupil-aaaaaaaaaaaaaa",
                                    rejoin=True)
        assert welcome["class"]["state"] == "v=lstm&step=2"
        await teacher.send(json.dumps({"type": "state", "state": "v=lstm&step=3"}))
        assert (await next_of(pupil, "state"))["state"] == "v=lstm&step=3"
        await wait_count(teacher, 1)

    run_async(scenario())


def test_server_restart_with_redis_keeps_the_class(redis_server, server_thread):
    a = server_thread(redis_app(redis_server))
    made = post_class(a.url)
    code, secret = made["code"], made["teacher_secret"]

    async def scenario():
        teacher, _ = await join(ws_url(a.url, code), role="teacher", secret=secret)
        pupil, _ = await join(ws_url(a.url, code), role="student", client="pupil-aaaaaaaaaaaaaa")
        await teacher.send(json.dumps({"type": "state", "state": "v=gru&step=4"}))
        await teacher.send(json.dumps({"type": "unlock"}))
        await next_of(pupil, "locked")
        a.stop()
        assert await close_code(pupil) in (1012, 1001, 1006)
        a.start()
        pupil, welcome = await join(ws_url(a.url, code), role="student", client="pupil-aaaaaaaaaaaaaa",
                                    rejoin=True)
        snap = welcome["class"]  # kept in Redis: no help from the teacher's page needed
        assert snap["state"] == "v=gru&step=4" and snap["locked"] is False and snap["seq"] == 1
        teacher, welcome = await join(ws_url(a.url, code), role="teacher", secret=secret)
        assert welcome["class"]["students"] == 1

    run_async(scenario())


def test_server_restart_with_memory_broker_resumes_from_the_teacher(server_thread):
    a = server_thread(create_app(Settings()))
    made = post_class(a.url)
    code, secret = made["code"], made["teacher_secret"]

    async def scenario():
        teacher, _ = await join(ws_url(a.url, code), role="teacher", secret=secret)
        pupil, _ = await join(ws_url(a.url, code), role="student", client="pupil-aaaaaaaaaaaaaa")
        await teacher.send(json.dumps({"type": "state", "state": "v=gru&step=4"}))
        await next_of(pupil, "state")
        a.stop()  # the process forgets every class
        a.start()
        # The student comes back first and waits (rejoin) until the teacher's page resumes.
        rejoin = asyncio.create_task(join(ws_url(a.url, code), role="student",
                                          client="pupil-aaaaaaaaaaaaaa", rejoin=True))
        await asyncio.sleep(0.8)
        assert not rejoin.done()
        teacher, welcome = await join(ws_url(a.url, code), role="teacher", secret=secret,
                                      state="v=gru&step=4")
        assert welcome["class"]["state"] == "v=gru&step=4"
        pupil, welcome = await rejoin
        assert welcome["class"]["state"] == "v=gru&step=4"
        await teacher.send(json.dumps({"type": "state", "state": "v=gru&step=5"}))
        assert (await next_of(pupil, "state"))["state"] == "v=gru&step=5"

    run_async(scenario())


def test_unused_classes_expire_in_redis(redis_server, server_thread):
    a = server_thread(redis_app(redis_server, class_ttl=1, max_classes=1))
    made = post_class(a.url)
    db = redis.Redis.from_url(redis_server.url)
    assert db.ttl(f"lstm-lab:class:{made['code']}") == 1
    time.sleep(1.6)
    try:
        students_of(a.url, made["code"])
        raise AssertionError("the class did not expire")
    except urllib.error.HTTPError as error:
        assert error.code == 404
    assert post_class(a.url)["code"]  # the class limit no longer counts it
    assert db.keys("lstm-lab:class:*") != [f"lstm-lab:class:{made['code']}".encode()]


def test_upkeep_racing_the_end_leaves_no_key(redis_server):
    """An instance's heartbeat (or a join) that lands just after another instance ended the
    class must not bring back its presence key."""
    from app.live.broker import Record
    from app.live.redis_broker import RedisBroker

    async def race() -> list:
        broker = RedisBroker(redis_server.url, ttl=60, heartbeat=0.3)
        await broker.start(lambda *_: None, lambda: None)
        try:
            assert await broker.create("RACE42", Record("secret-hash", "v=lstm"))
            await broker.join("RACE42", "pupil-a")
            assert await broker.students("RACE42") == 1
            await broker.end("RACE42")
            await broker.maintain({"RACE42": {"pupil-a", "pupil-b"}})
            await broker.join("RACE42", "pupil-c")
            return await broker.redis.keys("lstm-lab:*")
        finally:
            await broker.stop()

    keys = run_async(race())
    assert [k for k in keys if "RACE42" in k] == [], keys
