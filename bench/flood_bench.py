"""Floods against a local server (not part of the tests; loopback only, bounded):

1. A QR flood: `--qr-clients` clients ask for distinct maximal QR codes (2000-character links,
   so the cache never helps) for `--seconds`, while one normal client runs the classroom's
   12-step /api/run in a loop; its latency is compared with the same loop on an idle server.
2. Silent sockets: 1000 connections that send nothing (the CLI's default limit_concurrency is
   1000), then one normal client: its status and time; and how long until the server has
   closed the silent ones (the header timeout).

    .venv/bin/python bench/flood_bench.py [--url http://127.0.0.1:8655] [--json]
"""

import argparse
import http.client
import json
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import local_server  # noqa: E402

RUN_BODY = (Path(__file__).resolve().parent / "run_body.json").read_text()


def timed_runs(host: str, port: int, stop: threading.Event, limit: int = 10_000) -> list[float]:
    """/api/run on one keep-alive connection until `stop` -> latencies in ms (a failed or
    timed-out request counts as its time, at least 10 s)."""
    times: list[float] = []
    conn = http.client.HTTPConnection(host, port, timeout=10)
    while not stop.is_set() and len(times) < limit:
        start = time.perf_counter()
        try:
            conn.request("POST", "/api/run", RUN_BODY, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=10)
        elapsed = (time.perf_counter() - start) * 1000
        times.append(elapsed if ok else max(elapsed, 10_000))
    conn.close()
    return times


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {"n": len(ordered), "p50_ms": statistics.median(ordered),
            "p99_ms": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], "max_ms": ordered[-1]}


def qr_flood(url: str, clients: int, seconds: float) -> dict:
    host, port = urlsplit(url).hostname, urlsplit(url).port
    stop = threading.Event()
    threading.Timer(min(seconds, 5), stop.set).start()
    idle = summary(timed_runs(host, port, stop))
    answers: dict[int, int] = {}
    lock = threading.Lock()

    def ask(k: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        n = 0
        while not stop.is_set():
            link = f"{url}/#flood-{k}-{n}-" + "x" * 1950  # a new maximal code each time
            n += 1
            try:
                conn.request("GET", f"/api/qr?text={quote(link, safe='')}")
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
            with lock:
                answers[status] = answers.get(status, 0) + 1
        conn.close()

    stop = threading.Event()
    flood = [threading.Thread(target=ask, args=(k,)) for k in range(clients)]
    for thread in flood:
        thread.start()
    time.sleep(0.5)
    threading.Timer(seconds, stop.set).start()
    flooded = summary(timed_runs(host, port, stop))
    for thread in flood:
        thread.join()
    return {"clients": clients, "seconds": seconds, "idle": idle, "flooded": flooded,
            "qr_answers": answers}


def silent_sockets(url: str, count: int = 1000) -> dict:
    host, port = urlsplit(url).hostname, urlsplit(url).port
    silent = [socket.create_connection((host, port), timeout=30) for _ in range(count)]
    opened = time.monotonic()
    time.sleep(0.5)
    start = time.perf_counter()
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("POST", "/api/run", RUN_BODY, {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError as error:
        status = str(error)
    normal_ms = (time.perf_counter() - start) * 1000
    conn.close()
    closed = 0
    for sock in silent:  # recv returns b"" once the server has closed that socket
        sock.settimeout(max(0.01, opened + 30 - time.monotonic()))
        try:
            closed += sock.recv(1) == b""
        except OSError:
            pass
    closed_after = time.monotonic() - opened if closed == count else None
    for sock in silent:
        sock.close()
    return {"silent": count, "normal_status": status, "normal_ms": normal_ms,
            "closed_by_server": closed, "all_closed_after_s": closed_after}


def table(r: dict) -> str:
    q, s = r["qr"], r["silent"]
    rows = [
        ("/api/run alone (one keep-alive client), p50 / p99",
         f"{q['idle']['p50_ms']:.1f} / {q['idle']['p99_ms']:.1f} ms"),
        (f"/api/run during a QR flood ({q['clients']} clients, distinct maximal codes, "
         f"{q['seconds']:g} s), p50 / p99 / max",
         f"{q['flooded']['p50_ms']:.1f} / {q['flooded']['p99_ms']:.1f} / {q['flooded']['max_ms']:.0f} ms"),
        ("QR answers during the flood (status: count)",
         ", ".join(f"{k}: {v}" for k, v in sorted(q["qr_answers"].items()))),
        (f"a normal /api/run with {s['silent']} silent sockets open",
         f"{s['normal_status']} in {s['normal_ms']:.1f} ms"),
        ("silent sockets closed by the server within 30 s",
         f"all {s['silent']}, after {s['all_closed_after_s']:.1f} s" if s["all_closed_after_s"] is not None
         else f"{s['closed_by_server']} of {s['silent']}"),
    ]
    return "| flood measure | value |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)


def measure(url: str, clients: int, seconds: float) -> dict:
    return {"qr": qr_flood(url, clients, seconds), "silent": silent_sockets(url)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--qr-clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.url:
        result = measure(args.url, args.qr_clients, args.seconds)
    else:
        with local_server(8444) as url:  # loopback; benchmarks use 8401-8499
            result = measure(url, args.qr_clients, args.seconds)
    print(json.dumps(result) if args.json else table(result))


if __name__ == "__main__":
    main()
