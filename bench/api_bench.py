"""API benchmark on one worker (not part of the tests): requests per second and p50/p99 of
/healthz and of a 12-step /api/run measured with `wrk` against the same server in the same
run, their ratio, a 1000-step run's latency end to end, and the model's compute time alone.

    .venv/bin/python bench/api_bench.py [--url http://127.0.0.1:8000] [--seconds 10] [--json]

Without --url it starts `lstm-cell-lab` (the console script, production settings) on a
loopback port. Installs Debian's wrk and hey with apt-get if they are missing.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RUN_BODY = ROOT / "bench" / "run_body.json"  # the classroom's 12-step run
PORT = 8441  # loopback only; benchmarks use 8401-8499


def ensure_tools(*tools: str) -> None:
    """Install Debian's load tools (package name = command name) if missing."""
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        sudo = [] if _is_root() else ["sudo"]
        print(f"installing {' '.join(missing)} with apt-get", file=sys.stderr)
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *missing], check=True,
                       env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"})


def _is_root() -> bool:
    import os
    return os.geteuid() == 0


@contextmanager
def local_server(port: int = PORT, workers: int = 1, cpus: set[int] | None = None):
    """`lstm-cell-lab` on 127.0.0.1:port, as a teacher starts it (only on `cpus`, if given);
    stopped on exit."""
    command = [str(ROOT / ".venv" / "bin" / "lstm-cell-lab"), "--port", str(port), "--workers", str(workers)]
    if not Path(command[0]).exists():
        command = [sys.executable, "-m", "app.cli", "--port", str(port), "--workers", str(workers)]
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, preexec_fn=pin)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"the server did not start on port {port}")
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=15)


def _ms(text: str) -> float:
    """wrk's '1.23ms' / '456.00us' / '1.20s' -> milliseconds."""
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def wrk(url: str, seconds: int, connections: int = 16, body: Path | None = None) -> dict:
    """One wrk run (one thread: the other core is the server's) -> rps, p50, p99, errors."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body is not None:
            script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                         f"wrk.body = {json.dumps(body.read_text().strip())}\n")
    if body is not None:
        command[1:1] = ["-s", script.name]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    Path(script.name).unlink()
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(latency["50"]), "p99_ms": _ms(latency["99"]),
            "errors": errors + (int(non2xx.group(1)) if non2xx else 0)}


def healthz_vs_run(url: str, seconds: int, rounds: int = 2) -> dict:
    """Alternate /healthz and /api/run (rounds x seconds each) against the same server;
    means of the rounds, so drift in the machine's load hits both alike."""
    wrk(f"{url}/api/run", 2, body=RUN_BODY)  # warm up
    health, run = [], []
    for _ in range(rounds):
        health.append(wrk(f"{url}/healthz", seconds))
        run.append(wrk(f"{url}/api/run", seconds, body=RUN_BODY))
    mean = lambda rows, key: statistics.fmean(r[key] for r in rows)  # noqa: E731
    result = {f"{name}_{key}": mean(rows, key) for name, rows in (("healthz", health), ("run", run))
              for key in ("rps", "p50_ms", "p99_ms")}
    result["errors"] = sum(r["errors"] for r in health + run)
    result["ratio"] = result["run_rps"] / result["healthz_rps"]
    return result


def long_run_latency(url: str, requests: int = 200) -> dict:
    """A 1000-step /api/run end to end: request sent to response parsed, keep-alive."""
    body = json.dumps({"tape": [round(0.1 * ((k * 7) % 19 - 9), 2) for k in range(1000)],
                       "gates": {"input": [float(k % 5 == 0) for k in range(1000)],
                                 "output": [float(k % 3 == 0) for k in range(1000)]}})
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    samples = []
    for k in range(requests + 20):
        start = time.perf_counter()
        connection.request("POST", "/api/run", body, {"Content-Type": "application/json"})
        answer = json.loads(connection.getresponse().read())
        if k >= 20:  # the first ones warm up
            samples.append((time.perf_counter() - start) * 1e3)
        assert len(answer["steps"]) == 1000
    connection.close()
    return {"run1000_p50_ms": statistics.median(samples), "run1000_p99_ms": percentile(samples, 0.99),
            "run1000_bytes": len(body)}


def model_compute(repeats: int = 200) -> dict:
    """The model alone, one cell, 1000 steps (`model.run`, which steps one cell on floats):
    the classroom case (scheduled gates) and computed gates fed back step by step."""
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from app import model
    from app.model import Weights

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (1000, 1, 1))
    schedules = {g: rng.uniform(0, 1, (1000, 1, 1)) for g in ("input", "output")}
    weights = Weights.scalar({"input": {"wx": 0.5, "wh": -0.3}, "forget": {"wh": 0.4, "b": 1},
                              "cell_input": {"wx": 1.0}, "output": {"wh": 0.2}})

    def timed(**kwargs) -> float:
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            model.run(x, **kwargs)
            samples.append((time.perf_counter() - start) * 1e3)
        return statistics.median(samples)

    return {"model1000_scheduled_ms": timed(weights=Weights.scalar({"cell_input": {"wx": 1.0}}),
                                            schedules=schedules),
            "model1000_computed_ms": timed(weights=weights, variant="forget")}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(url: str, seconds: int) -> dict:
    return {**healthz_vs_run(url, seconds), **long_run_latency(url), **model_compute()}


def rows(r: dict) -> list[tuple[str, str, str, bool | None]]:
    """(measure, value, target, met) for the summary table."""
    return [
        ("`/healthz`, 1 worker (wrk, 16 connections)",
         f"{r['healthz_rps']:.0f} req/s, p50 {r['healthz_p50_ms']:.2f} ms, p99 {r['healthz_p99_ms']:.2f} ms", "", None),
        ("`/api/run` 12 steps, 1 worker, same run",
         f"{r['run_rps']:.0f} req/s, p50 {r['run_p50_ms']:.2f} ms, p99 {r['run_p99_ms']:.2f} ms", "", None),
        ("`/api/run` rate / `/healthz` rate", f"{100 * r['ratio']:.0f} %", ">= 80 %", r["ratio"] >= 0.8),
        ("1000-step `/api/run`, request to parsed response",
         f"p50 {r['run1000_p50_ms']:.2f} ms, p99 {r['run1000_p99_ms']:.2f} ms", "< 15 ms",
         r["run1000_p50_ms"] < 15),
        ("1000 steps, model compute alone (scheduled gates / computed gates)",
         f"{r['model1000_scheduled_ms']:.2f} ms / {r['model1000_computed_ms']:.2f} ms", "< 10 ms",
         max(r["model1000_scheduled_ms"], r["model1000_computed_ms"]) < 10),
    ]


def table(result_rows) -> str:
    mark = {True: "met", False: "**not met**", None: ""}
    lines = ["| measure | value | target | |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {mark[d]} |" for a, b, c, d in result_rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="an already running server (default: start one)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    ensure_tools("wrk")
    if args.url:
        result = measure(args.url, args.seconds)
    else:
        with local_server() as url:
            result = measure(url, args.seconds)
    print(json.dumps(result) if args.json else table(rows(result)))


if __name__ == "__main__":
    main()
