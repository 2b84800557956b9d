"""Load test on loopback (not part of the tests), with Debian's `hey` as a separate process:

1. a class: 40 clients each sending 20 `/api/run` per second (800/s) for 30 s, one worker:
   target zero errors and p99 under 25 ms;
2. an overload: 200 connections flat out for 10 s: target zero errors (no 5xx, no socket
   errors), and the server answers normally afterwards.

    .venv/bin/python bench/load_test.py [--url http://127.0.0.1:8000] [--seconds 30] [--json]

Bounded in time; sends traffic to 127.0.0.1 only.
"""

import argparse
import json
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_bench import RUN_BODY, ensure_tools, local_server  # noqa: E402

PORT = 8442


def hey(url: str, seconds: int, clients: int, rate_per_client: float | None = None) -> dict:
    """One hey run of POST /api/run -> requests, rps, p50/p99 ms, status counts, errors."""
    command = ["hey", "-z", f"{seconds}s", "-c", str(clients), "-t", "10", "-m", "POST",
               "-T", "application/json", "-D", str(RUN_BODY)]
    if rate_per_client:
        command += ["-q", str(rate_per_client)]
    out = subprocess.run([*command, f"{url}/api/run"], capture_output=True, text=True,
                         timeout=seconds + 60).stdout
    statuses = {int(code): int(n) for code, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", out)}
    errors_block = out.split("Error distribution:", 1)[1] if "Error distribution:" in out else ""
    socket_errors = sum(int(n) for n in re.findall(r"\[(\d+)\]\s", errors_block))
    percentiles = {int(q): float(s) * 1e3 for q, s in re.findall(r"(\d+)%% in ([\d.]+) secs".replace("%%", "%"), out)}
    requests = sum(statuses.values())
    return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": percentiles.get(50), "p99_ms": percentiles.get(99),
            "slowest_ms": float(re.search(r"Slowest:\s+([\d.]+)", out).group(1)) * 1e3,
            "non_200": requests - statuses.get(200, 0), "socket_errors": socket_errors,
            "statuses": statuses}


def staggered(url: str, seconds: int, clients: int, rate_per_client: float, groups: int) -> dict:
    """`groups` hey processes of clients/groups each, started evenly across one request
    interval. One hey process ticks all its clients at the same instants (40 requests
    land together every 50 ms); real students are not synchronised. Sums the counts;
    p50 is the median of the groups' p50s, p99 the largest of their p99s (an upper bound)."""
    from concurrent.futures import ThreadPoolExecutor

    def group(k: int) -> dict:
        time.sleep(k / groups / rate_per_client)
        return hey(url, seconds, clients // groups, rate_per_client)

    with ThreadPoolExecutor(groups) as pool:
        parts = list(pool.map(group, range(groups)))
    total = {key: sum(p[key] for p in parts) for key in ("requests", "rps", "non_200", "socket_errors")}
    return {**total, "p50_ms": sorted(p["p50_ms"] for p in parts)[groups // 2],
            "p99_ms": max(p["p99_ms"] for p in parts), "slowest_ms": max(p["slowest_ms"] for p in parts)}


def answers_normally(url: str) -> bool:
    """After the storm: the page's health check and a run answer at once and correctly."""
    time.sleep(1)
    with urllib.request.urlopen(f"{url}/healthz", timeout=2) as health:
        ok = json.loads(health.read()) == {"status": "ok"}
    request = urllib.request.Request(f"{url}/api/run", data=RUN_BODY.read_bytes(),
                                     headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=2) as run:
        ok = ok and len(json.loads(run.read())["steps"]) == 12
    return ok and time.perf_counter() - start < 0.5


def measure(url: str, seconds: int, overload_seconds: int) -> dict:
    hey(url, 2, 10)  # warm up
    classroom = staggered(url, seconds, clients=40, rate_per_client=20, groups=8)
    synchronised = hey(url, min(seconds, 10), clients=40, rate_per_client=20)
    overload = hey(url, overload_seconds, clients=200)
    return {"class": classroom, "synchronised": synchronised, "overload": overload,
            "after_overload_ok": answers_normally(url),
            "seconds": seconds, "overload_seconds": overload_seconds}


def rows(r: dict) -> list[tuple[str, str, str, bool | None]]:
    c, o, b = r["class"], r["overload"], r["synchronised"]
    errors = lambda x: x["non_200"] + x["socket_errors"]  # noqa: E731
    return [
        (f"load: 40 clients x 20 `/api/run`/s for {r['seconds']} s, 1 worker (8 hey processes of 5, staggered)",
         f"{c['requests']} requests, {c['rps']:.0f} req/s, {errors(c)} errors, "
         f"p50 {c['p50_ms']:.2f} ms, p99 {c['p99_ms']:.2f} ms",
         "0 errors, p99 < 25 ms", errors(c) == 0 and c["p99_ms"] < 25),
        ("the same, all 40 ticking together (one hey process), 10 s",
         f"{b['requests']} requests, {errors(b)} errors, p50 {b['p50_ms']:.2f} ms, p99 {b['p99_ms']:.2f} ms",
         "", None),
        (f"overload: 200 connections flat out for {r['overload_seconds']} s",
         f"{o['requests']} requests, {o['rps']:.0f} req/s, {errors(o)} errors, "
         f"p50 {o['p50_ms']:.1f} ms, p99 {o['p99_ms']:.1f} ms",
         "0 errors", errors(o) == 0),
        ("after the overload", "answers normally" if r["after_overload_ok"] else "**does not answer normally**",
         "answers normally", r["after_overload_ok"]),
    ]


def main() -> None:
    from api_bench import table
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--overload-seconds", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ensure_tools("hey")
    if args.url:
        result = measure(args.url, args.seconds, args.overload_seconds)
    else:
        with local_server(PORT) as url:
            result = measure(url, args.seconds, args.overload_seconds)
    print(json.dumps(result) if args.json else table(rows(result)))


if __name__ == "__main__":
    main()
