"""The training API through a TestClient: start, event stream, status, cancel, limits, errors.
Jobs run in real worker processes."""

import json
import math

import pytest

from app import config
from app.api import train as train_api
from app.main import app as main_app

QUICK = {"task": "first-symbol", "lag": 5, "model": "lstm1997", "seed": 0, "budget": 20000}
LONG = {"task": "first-symbol", "lag": 1000, "model": "rnn", "budget": 500_000}
RESULT_KEYS = {"task", "lag", "model", "seed", "solved", "sequences", "sequences_to_solve",
               "seconds", "final_error", "status", "window", "tolerance", "demo"}


@pytest.fixture(autouse=True, scope="module")
def stop_jobs_afterwards():
    yield
    main_app.state.train_jobs.shutdown()


def read_events(client, job_id):
    """All (event, data) pairs of the job's stream, until it closes."""
    events, name = [], None
    with client.stream("GET", f"/api/train/{job_id}/events") as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[len("data: "):])))
    return events


def test_a_job_streams_progress_then_done_with_a_demo(client):
    started = client.post("/api/train", json=QUICK)
    assert started.status_code == 202
    job = started.json()
    assert job["status"] == "running" and int(job["id"], 16) >= 0 and job["lag"] == 5
    events = read_events(client, job["id"])
    names = [name for name, _ in events]
    assert names[:2] == ["history", "progress"] and names[-1] == "done"
    assert names.count("done") == names.count("history") == 1
    assert events[0][1]["guess"] == {"loss": pytest.approx(2 * math.log(2)), "solved_fraction": 0.5}
    for _, progress in events[1:-1]:
        assert set(progress) == {"sequences", "loss", "error", "solved_fraction"}
        assert 0.0 <= progress["solved_fraction"] <= 1.0
    done = events[-1][1]
    assert RESULT_KEYS <= set(done) and done["status"] == "solved" and done["solved"] is True
    assert (done["window"], done["tolerance"]) == (10_000, 0.25)  # the paper's criterion
    assert done["sequences"] == done["sequences_to_solve"] + 10_000  # online: one per update
    demo = done["demo"]
    assert demo["labels"][1:] == ["a1", "a2", "a3", "a4"] and len(demo["steps"]) == 5
    assert demo["steps"][0]["t"] == 1 and demo["steps"][0]["forget_gate"] == 1.0
    assert demo["target"] == demo["labels"][0] in ("x", "y") and 0 <= demo["cell_index"] < done["cells"]
    # Afterwards: the status holds the result, and a late stream (a page that reconnects,
    # or a second page) gets the whole curve at once, then `done`.
    status = client.get(f"/api/train/{job['id']}").json()
    assert status["status"] == "solved" and status["result"] == done
    late = read_events(client, job["id"])
    assert [name for name, _ in late] == ["history", "done"] and late[1][1] == done
    history = late[0][1]["points"]
    seen = [p["sequences"] for p in history]
    assert seen == sorted(seen) and seen[-1] == done["sequences"]
    streamed = [p for name, p in events[1:-1] if p["loss"] is not None]
    assert streamed and all(p in history for p in streamed)  # every point the live page drew


def test_cancel_is_idempotent_and_the_stream_ends_cancelled(client):
    job = client.post("/api/train", json=LONG).json()
    stopped = client.delete(f"/api/train/{job['id']}")
    assert stopped.status_code == 200 and stopped.json()["status"] == "cancelled"
    again = client.delete(f"/api/train/{job['id']}")
    assert again.status_code == 200 and again.json()["status"] == "cancelled"
    events = read_events(client, job["id"])
    assert events[-1][0] == "done" and events[-1][1]["status"] == "cancelled"
    assert events[-1][1]["solved"] is False


def as_new_browser(client):
    """The next request comes from a browser the server has not seen (no cookie)."""
    client.cookies.clear()
    return client


def test_too_many_jobs_is_429_naming_request_and_the_server_keeps_answering(client):
    ids = [as_new_browser(client).post("/api/train", json=LONG).json()["id"]
           for _ in range(config.TRAIN_MAX_JOBS)]
    try:
        refused = as_new_browser(client).post("/api/train", json=LONG)
        assert refused.status_code == 429 and refused.json()["fields"] == ["request"]
        run = client.post("/api/run", json={"tape": [1.0, 0.0, 0.5]})
        assert run.status_code == 200 and len(run.json()["steps"]) == 3
    finally:
        for job_id in ids:
            client.delete(f"/api/train/{job_id}")
    assert client.post("/api/train", json=QUICK).status_code == 202  # room again


def test_one_running_job_per_browser_by_its_cookie(client):
    for job in main_app.state.train_jobs.jobs():  # room for two: stop what earlier tests left running
        client.delete(f"/api/train/{job.id}")
    first = as_new_browser(client).post("/api/train", json=LONG)
    assert first.status_code == 202 and client.cookies.get(train_api.CLIENT_COOKIE)
    try:
        again = client.post("/api/train", json=LONG)  # the same browser: its cookie
        assert again.status_code == 429 and again.json()["fields"] == ["request"]
        assert again.json()["detail"][0]["type"] == "one_job_per_client"
        other = as_new_browser(client).post("/api/train", json=LONG)  # same address, other browser
        assert other.status_code == 202
        client.delete(f"/api/train/{other.json()['id']}")
    finally:
        client.delete(f"/api/train/{first.json()['id']}")


def wait_done(job, seconds=60):
    import time

    deadline = time.monotonic() + seconds
    while not job.done and time.monotonic() < deadline:
        time.sleep(0.05)
    return job


def test_a_job_past_its_wall_clock_limit_is_stopped():
    from app.train.jobs import JobManager, Limits

    manager = JobManager(max_running=2, keep_seconds=60, keep_jobs=32)
    try:
        job = manager.start(LONG, "a", Limits(max_seconds=1.0, unwatched=600))
        for _ in range(10):  # watched all along: the time limit alone stops it
            job.watch()
            wait_done(job, 0.2)
        wait_done(job, 20)
        assert job.status == "cancelled" and job.result["stopped_by"] == "time_limit"
    finally:
        manager.shutdown()


def test_an_unwatched_job_is_stopped_and_a_watched_one_runs_on():
    import time

    from app.train.jobs import JobManager, Limits

    manager = JobManager(max_running=2, keep_seconds=60, keep_jobs=32)
    try:
        watched = manager.start(LONG, "a", Limits(max_seconds=600, unwatched=1.0))
        alone = manager.start(LONG, "b", Limits(max_seconds=600, unwatched=1.0))
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:  # a page polling its status (or streaming)
            watched.watch()
            time.sleep(0.1)
        wait_done(alone, 20)
        assert alone.status == "cancelled" and alone.result["stopped_by"] == "unwatched"
        assert not watched.done
    finally:
        manager.shutdown()


def test_a_flood_of_tiny_jobs_evicts_only_the_flooders_own_results():
    from app.train.jobs import JobManager

    tiny = {**QUICK, "lag": 3, "budget": 50}
    manager = JobManager(max_running=2, keep_seconds=600, keep_jobs=100, keep_per_client=2)
    try:
        student = wait_done(manager.start(tiny, "student"))
        flood = [wait_done(manager.start(tiny, "flooder")) for _ in range(4)]
        assert manager.get(student.id) is student  # kept: its 10 minutes are not over
        assert [manager.get(j.id) is j for j in flood] == [False, False, True, True]
    finally:
        manager.shutdown()


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/train/0123456789abcdef"), ("DELETE", "/api/train/0123456789abcdef"),
    ("GET", "/api/train/nope/events")])
def test_unknown_job_is_404_naming_id(client, method, path):
    answer = client.request(method, path)
    assert answer.status_code == 404 and answer.json()["fields"] == ["id"]


@pytest.mark.parametrize("change,field", [
    ({"lag": 0}, "lag"), ({"lag": 1001}, "lag"), ({"lag": "5"}, "lag"), ({"lag": 5.5}, "lag"),
    ({"model": "lstm2000"}, "model"), ({"task": "reber"}, "task"), ({"seed": -1}, "seed"),
    ({"budget": 0}, "budget"), ({"budget": 10**9}, "budget"), ({"extra": 1}, "extra"),
    ({"task": "adding", "lag": 1}, "lag"), ({"seed": True}, "seed")])
def test_bad_fields_are_4xx_naming_the_field(client, change, field):
    answer = client.post("/api/train", json={**QUICK, **change})
    assert answer.status_code == 422 and answer.json()["fields"] == [field]


def test_missing_task_and_malformed_bodies(client):
    answer = client.post("/api/train", json={"lag": 5})
    assert answer.status_code == 422 and answer.json()["fields"] == ["task"]
    answer = client.post("/api/train", content=b"{", headers={"content-type": "application/json"})
    assert answer.status_code == 400


def test_finished_jobs_are_forgotten_and_shutdown_stops_running_ones():
    import time

    from app.train.jobs import JobManager

    manager = JobManager(max_running=2, keep_seconds=0.0, keep_jobs=32)
    quick = manager.start({**QUICK, "lag": 3})
    slow = manager.start(LONG)
    deadline = time.monotonic() + 60
    while not quick.done and time.monotonic() < deadline:
        time.sleep(0.05)
    assert quick.status == "solved"
    assert manager.get(quick.id) is None  # finished, and kept for 0 s
    assert manager.get(slow.id) is slow and not slow.done
    manager.shutdown()
    assert slow.process.poll() is not None  # the process has ended
    deadline = time.monotonic() + 10
    while not slow.done and time.monotonic() < deadline:
        time.sleep(0.05)
    assert slow.status == "cancelled"


def test_the_kept_history_is_bounded_and_keeps_its_ends():
    from app.train.jobs import thin

    points = [{"sequences": k} for k in range(10)]
    assert thin(points, limit=10) is points
    for n in (11, 12):
        kept = thin([{"sequences": k} for k in range(n)], limit=10)
        assert kept[0]["sequences"] == 0 and kept[-1]["sequences"] == n - 1 and len(kept) <= 7
    history = []
    for k in range(5000):  # a long run, one point at a time, as the reader thread adds them
        history = thin(history + [{"sequences": k}], limit=400)
        assert len(history) <= 400
    assert history[0]["sequences"] == 0 and history[-1]["sequences"] == 4999
    assert len(history) > 200  # thinned by halves: never below half the limit


def test_a_gru_job_reports_its_update_and_reset_gates(client):
    job = as_new_browser(client).post("/api/train", json={**QUICK, "model": "gru", "budget": 200})
    assert job.status_code == 202 and job.json()["model"] == "gru"
    done = read_events(client, job.json()["id"])[-1][1]
    assert done["model"] == "gru" and done["demo"]["variant"] == "gru"
    steps, previous = done["demo"]["steps"], 0.0
    for step in steps:  # h_t = (1 - z) h_{t-1} + z h~_t (PyTorch's GRU, z and 1 - z swapped)
        z = step["update_gate"]
        assert 0 < z < 1 and 0 < step["reset_gate"] < 1 and step["input_gate"] is None
        assert step["cell"] == pytest.approx((1 - z) * previous + z * step["cell_input"], abs=1e-12)
        assert step["output"] == step["cell"]
        previous = step["cell"]


def test_a_teacher_lists_and_stops_the_runs_of_the_class_s_students(tmp_path):
    import dataclasses

    from fastapi.testclient import TestClient

    from app import settings as runtime
    from app.main import create_app

    settings = dataclasses.replace(runtime.from_env(), links_file=str(tmp_path / "links.sqlite3"))
    with TestClient(create_app(settings)) as site:
        made = site.post("/api/classes", json={"state": ""}).json()
        code, secret = made["code"], made["teacher_secret"]
        student = site.post("/api/train", json={**LONG, "class_code": code})
        assert student.status_code == 202
        as_new_browser(site)
        outsider = site.post("/api/train", json=QUICK)  # a page in no class
        assert outsider.status_code == 202
        listed = site.get(f"/api/train/class/{code}", headers={"X-Class-Secret": secret})
        assert listed.status_code == 200
        assert [j["id"] for j in listed.json()["jobs"]] == [student.json()["id"]]
        assert listed.json()["jobs"][0]["status"] == "running"
        wrong = site.get(f"/api/train/class/{code}", headers={"X-Class-Secret": "x" * 43})
        assert wrong.status_code == 403 and wrong.json()["fields"] == ["secret"]
        assert site.get("/api/train/class/ZZZZZZ", headers={"X-Class-Secret": secret}).status_code == 404
        foreign = site.delete(f"/api/train/class/{code}/{outsider.json()['id']}",
                              headers={"X-Class-Secret": secret})
        assert foreign.status_code == 404  # not this class's run
        stopped = site.delete(f"/api/train/class/{code}/{student.json()['id']}",
                              headers={"X-Class-Secret": secret})
        assert stopped.status_code == 200 and stopped.json()["status"] == "cancelled"
        assert site.post("/api/train", json={**QUICK, "class_code": "nope"}).json()["fields"] == ["class_code"]


def test_several_workers_without_redis_refuse_to_start_a_job():
    """A job lives in one worker's memory: the others would answer 404 for it."""
    from fastapi.testclient import TestClient

    from app.main import create_app
    from app.settings import Settings

    reply = TestClient(create_app(Settings(workers=2))).post("/api/train", json={"task": "first-symbol", "lag": 5})
    assert reply.status_code == 503
    body = reply.json()
    assert body["error"] == "training jobs would split" and body["fields"] == ["request"]
    assert body["detail"][0]["type"] == "jobs_split" and "--redis-url" in body["message"]
