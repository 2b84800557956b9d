"""/api/run while the training lab works (not part of the tests).

Starts `lstm-cell-lab` (one worker) on loopback and measures a 1000-step `/api/run` end to
end (request sent to JSON parsed, keep-alive) in three phases of the same run: idle, while
two training jobs run (two browsers' cookies, the server's limit; each job in its own
process), and idle again after they are stopped. The jobs are long (first-symbol, lag
1,000, the RNN) so they run through the whole measurement; a status read every phase keeps
them watched.

    .venv/bin/python bench/busy_bench.py [--requests 300] [--json]
"""

import argparse
import http.client
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import local_server, long_run_latency  # noqa: E402

JOB = {"task": "first-symbol", "lag": 1000, "model": "rnn", "budget": 500_000}


def call(url: str, method: str, path: str, body: dict | None = None, cookie: str = "") -> tuple[int, dict, str]:
    """One request -> (status, JSON answer, the cookie the server set, if any)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    headers = {"Content-Type": "application/json", **({"Cookie": cookie} if cookie else {})}
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    reply = connection.getresponse()
    answer = json.loads(reply.read() or b"{}")
    set_cookie = (reply.getheader("set-cookie") or "").split(";")[0]
    connection.close()
    return reply.status, answer, set_cookie


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--port", type=int, default=8447)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures: dict = {"load_average_before": os.getloadavg()[0]}
    with local_server(args.port) as url:
        figures["idle"] = long_run_latency(url, args.requests)
        jobs = []
        for seed in (1, 2):  # a fresh browser each: one running job per browser
            status, answer, cookie = call(url, "POST", "/api/train", {**JOB, "seed": seed})
            if status != 202:
                raise SystemExit(f"the server refused a job: {status} {answer}")
            jobs.append((answer["id"], cookie))
        try:
            figures["training"] = long_run_latency(url, args.requests)
            running = [call(url, "GET", f"/api/train/{job}", cookie=cookie)[1]["status"] for job, cookie in jobs]
            figures["jobs_running_at_end"] = running.count("running")
        finally:
            for job, cookie in jobs:
                call(url, "DELETE", f"/api/train/{job}", cookie=cookie)
        figures["idle_after"] = long_run_latency(url, args.requests)
    figures["load_average_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    print(f"load average {figures['load_average_before']:.1f} before, {figures['load_average_after']:.1f} after")
    for phase in ("idle", "training", "idle_after"):
        f = figures[phase]
        print(f"{phase:12s} 1000-step /api/run p50 {f['run1000_p50_ms']:.2f} ms, p99 {f['run1000_p99_ms']:.2f} ms")
    print(f"training jobs still running when the second phase ended: {figures['jobs_running_at_end']} of 2")
    return 0


if __name__ == "__main__":
    sys.exit(main())
