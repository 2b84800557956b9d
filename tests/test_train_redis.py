"""The training lab across two real uvicorn instances sharing a real Redis: a job started on
one is read, streamed and stopped through the other, and the job limit is the fleet's."""

import dataclasses
import http.client
import json
from urllib.parse import urlsplit

import pytest

from app import config, settings as runtime
from app.main import create_app

LONG = {"task": "first-symbol", "lag": 1000, "model": "rnn", "budget": 500_000}
QUICK = {"task": "first-symbol", "lag": 3, "model": "lstm1997", "budget": 20_000}


@pytest.fixture
def fleet(redis_server, server_thread, tmp_path):
    """Two instances (A, B) of the app on one Redis, as two servers behind a balancer."""
    settings = dataclasses.replace(runtime.from_env(), redis_url=redis_server.url,
                                   links_file=str(tmp_path / "links.sqlite3"))
    apps = [create_app(settings), create_app(settings)]
    servers = [server_thread(a) for a in apps]
    yield [s.url for s in servers]
    for a in apps:
        a.state.train_jobs.shutdown()


class Answer:
    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code, self.body = status_code, body

    def json(self) -> dict:
        return json.loads(self.body)


class Browser:
    """One browser: it keeps the cookie the server sets (for any of the instances, as a
    browser does for one site behind a balancer)."""

    def __init__(self) -> None:
        self.cookie = ""

    def _send(self, method: str, url: str, body: dict | None = None) -> http.client.HTTPResponse:
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        connection.request(method, parts.path, json.dumps(body) if body is not None else None, headers)
        answer = connection.getresponse()
        cookie = answer.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return answer

    def post(self, url: str, json: dict) -> Answer:
        answer = self._send("POST", url, json)
        return Answer(answer.status, answer.read())

    def get(self, url: str) -> Answer:
        answer = self._send("GET", url)
        return Answer(answer.status, answer.read())

    def delete(self, url: str) -> Answer:
        answer = self._send("DELETE", url)
        return Answer(answer.status, answer.read())


def events(browser: Browser, url: str) -> list[tuple[str, dict]]:
    seen, name = [], None
    stream = browser._send("GET", url)
    assert stream.status == 200
    for raw in stream:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[len("event: "):]
        elif line.startswith("data: "):
            seen.append((name, json.loads(line[len("data: "):])))
    return seen


def test_a_job_started_on_one_instance_answers_on_the_other(fleet):
    a, b = fleet
    browser = Browser()
    job = browser.post(f"{a}/api/train", json=QUICK)
    assert job.status_code == 202
    job_id = job.json()["id"]
    status = browser.get(f"{b}/api/train/{job_id}")
    assert status.status_code == 200 and status.json()["id"] == job_id
    streamed = events(browser, f"{b}/api/train/{job_id}/events")  # the whole run, via B
    names = [name for name, _ in streamed]
    assert names[0] == "history" and names[-1] == "done" and "progress" in names
    done = streamed[-1][1]
    assert done["status"] == "solved" and done["demo"]["steps"]
    late = browser.get(f"{b}/api/train/{job_id}").json()
    assert late["status"] == "solved" and late["result"] == done

    running = browser.post(f"{a}/api/train", json=LONG).json()
    stopped = browser.delete(f"{b}/api/train/{running['id']}")  # the first cancel, via B
    assert stopped.status_code == 200 and stopped.json()["status"] == "cancelled"
    assert browser.get(f"{a}/api/train/{running['id']}").json()["status"] == "cancelled"


def test_the_job_limit_and_one_job_per_browser_hold_across_the_fleet(fleet):
    a, b = fleet
    browsers = [Browser() for _ in range(config.TRAIN_MAX_JOBS + 1)]
    started = []
    try:
        first = browsers[0].post(f"{a}/api/train", json=LONG)
        assert first.status_code == 202
        started.append(first.json()["id"])
        again = browsers[0].post(f"{b}/api/train", json=LONG)  # the same browser, other instance
        assert again.status_code == 429 and again.json()["detail"][0]["type"] == "one_job_per_client"
        for k in range(1, config.TRAIN_MAX_JOBS):
            answer = browsers[k].post(f"{(a, b)[k % 2]}/api/train", json=LONG)
            assert answer.status_code == 202
            started.append(answer.json()["id"])
        for url in (a, b):  # full on both: the limit is the fleet's, not each worker's
            refused = browsers[-1].post(f"{url}/api/train", json=LONG)
            assert refused.status_code == 429 and refused.json()["detail"][0]["type"] == "too_many_jobs"
        browsers[0].delete(f"{b}/api/train/{started[0]}")
        assert browsers[-1].post(f"{b}/api/train", json=QUICK).status_code == 202  # room again
    finally:
        for job_id in started:
            browsers[0].delete(f"{a}/api/train/{job_id}")


def test_a_teacher_on_one_instance_sees_and_stops_a_student_s_run_on_the_other(fleet):
    a, b = fleet
    teacher, student = Browser(), Browser()
    made = teacher.post(f"{a}/api/classes", json={"state": ""}).json()
    job = student.post(f"{b}/api/train", json={**LONG, "class_code": made["code"]}).json()
    listed = teacher._send("GET", f"{a}/api/train/class/{made['code']}")
    assert listed.status == 403  # without the teacher's secret
    listed.read()
    parts = urlsplit(a)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for method, path in (("GET", f"/api/train/class/{made['code']}"),
                         ("DELETE", f"/api/train/class/{made['code']}/{job['id']}")):
        connection.request(method, path, headers={"X-Class-Secret": made["teacher_secret"]})
        answer = connection.getresponse()
        body = json.loads(answer.read())
        assert answer.status == 200, body
        if method == "GET":
            assert [j["id"] for j in body["jobs"]] == [job["id"]]
        else:
            assert body["status"] == "cancelled"


def test_a_job_watched_through_the_other_instance_runs_on_an_unwatched_one_stops(
        redis_server, server_thread, tmp_path):
    import time

    settings = dataclasses.replace(runtime.from_env(), redis_url=redis_server.url, train_unwatched=1.5,
                                   links_file=str(tmp_path / "links.sqlite3"))
    apps = [create_app(settings), create_app(settings)]
    a, b = (server_thread(x).url for x in apps)
    try:
        watched, alone = Browser(), Browser()
        kept = watched.post(f"{a}/api/train", json=LONG).json()["id"]
        dropped = alone.post(f"{a}/api/train", json=LONG).json()["id"]
        deadline = time.monotonic() + 4.0
        while time.monotonic() < deadline:  # the page polls B (its tab stays open)
            assert watched.get(f"{b}/api/train/{kept}").json()["status"] == "running"
            time.sleep(0.3)
        gone = alone.get(f"{b}/api/train/{dropped}").json()
        assert gone["status"] == "cancelled" and gone["result"]["stopped_by"] == "unwatched"
    finally:
        for x in apps:
            x.state.train_jobs.shutdown()


def test_a_flood_of_tiny_jobs_keeps_only_the_flooders_newest_and_evicts_no_one_else(fleet, redis_server):
    import time

    import redis

    a, b = fleet
    tiny = {**QUICK, "budget": 50}
    student, flooder = Browser(), Browser()

    def finished(browser, url):
        job_id = browser.post(f"{url}/api/train", json=tiny).json()["id"]
        deadline = time.monotonic() + 60
        while browser.get(f"{url}/api/train/{job_id}").json()["status"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        return job_id

    kept = finished(student, a)
    flood = [finished(flooder, (a, b)[k % 2]) for k in range(config.TRAIN_KEEP_PER_CLIENT + 2)]
    assert student.get(f"{b}/api/train/{kept}").json()["status"] == "failed"  # 50 sequences: kept
    store = redis.Redis.from_url(redis_server.url, decode_responses=True)
    client = flooder.cookie.split("=", 1)[1]
    assert store.lrange(f"lstm-lab:jobs:kept:{client}", 0, -1) == flood[::-1][:config.TRAIN_KEEP_PER_CLIENT]
    assert not store.exists(f"lstm-lab:job:{flood[0]}")  # the flooder's oldest: gone from Redis
    assert store.exists(f"lstm-lab:job:{kept}")
    store.close()
