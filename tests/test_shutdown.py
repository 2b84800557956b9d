"""SIGTERM stops the real server quickly, even while a browser watches a training run's event
stream: the stream ends, the training processes end, and the process exits within the
shutdown timeout plus the time to stop the training processes. With one worker, and with two
sharing a real Redis."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHUTDOWN_TIMEOUT = 2  # seconds given to --shutdown-timeout
EXIT_BOUND = 8.0  # seconds from SIGTERM to exit: the timeout, then stopping the training


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every living process below `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def training_processes(pid: int) -> set[int]:
    result = set()
    for child in descendants(pid):
        try:
            if b"app.train.worker" in Path(f"/proc/{child}/cmdline").read_bytes():
                result.add(child)
        except OSError:
            pass
    return result


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_ends_streams_and_training_and_exits_quickly(workers, request):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LSTM_LAB_")}
    # Several workers share training jobs through Redis (without it they refuse a job).
    shared = ["--redis-url", request.getfixturevalue("redis_server").url] if workers > 1 else []
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--port", str(port), "--workers", str(workers),
         "--shutdown-timeout", str(SHUTDOWN_TIMEOUT), *shared],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
        # One keep-alive connection: start a long job, then watch its events on it.
        watch = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps({"task": "first-symbol", "lag": 1000, "budget": 500_000, "seed": 1})
        watch.request("POST", "/api/train", body, {"Content-Type": "application/json"})
        started = watch.getresponse()
        job = json.loads(started.read())
        assert started.status == 202, job
        watch.request("GET", f"/api/train/{job['id']}/events")
        stream = watch.getresponse()
        assert stream.status == 200 and stream.readline().startswith(b"event: history")
        while not stream.readline().startswith(b"event: progress"):  # the curve so far, then live
            pass
        deadline = time.monotonic() + 20
        while not training_processes(server.pid):
            assert time.monotonic() < deadline, "no training process appeared"
            time.sleep(0.1)
        trainers = training_processes(server.pid)

        server.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        server.wait(timeout=30)
        took = time.monotonic() - sent
        print(f"workers={workers}: exit {took:.2f} s after SIGTERM")
        assert took < EXIT_BOUND, f"exit took {took:.1f} s"
        errors = server.stderr.read().decode()
        assert server.returncode in (0, -signal.SIGTERM), errors[-2000:]
        assert "Traceback" not in errors and "Cancel" not in errors, errors[-2000:]
        stream.read()  # the stream has ended cleanly (its last chunk), not hung or cut
        watch.close()
        time.sleep(0.2)
        assert not [pid for pid in trainers if alive(pid)], "a training process outlived the server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
