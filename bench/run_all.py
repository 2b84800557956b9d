"""Every benchmark in one command, printing one table (not part of the tests):

    .venv/bin/python bench/run_all.py            # about 2.5 minutes
    .venv/bin/python bench/run_all.py --quick    # shorter runs, for a smoke check

Starts `lstm-cell-lab` once (one worker, production settings) on 127.0.0.1:8440, then
measures the API with wrk, the class load and the overload with hey, and the page in
headless Chromium. Installs Debian's wrk and hey with apt-get if missing. Write the table
into docs/performance.md with the machine it came from (printed first).
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import api_bench  # noqa: E402
import load_test  # noqa: E402
import page_bench  # noqa: E402


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    load = os.getloadavg()
    return (f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores "
            f"({cpu}), {mem_kb / 2**20:.0f} GiB RAM; Python {platform.python_version()}; "
            f"load average before the run {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}")


def page_rows(r: dict) -> list[tuple[str, str, str, bool | None]]:
    return [
        ("page first load, bytes transferred (br offered)", f"{r['bytes'] / 1000:.1f} KB in {r['requests']} requests",
         "< 50 KB", r["bytes"] < 50_000),
        ("page first load, gzip/deflate only (a LAN device)", f"{r['gzip_bytes'] / 1000:.1f} KB", "< 50 KB",
         r["gzip_bytes"] < 50_000),
        (f"first contentful paint / /healthz's, medians of {r['fcp_samples']} interleaved loads "
         f"(load {r['load_average']:.1f})", f"{r['fcp_median_ms']:.0f} / {r['plain_fcp_ms']:.0f} ms = "
         f"{r['fcp_ratio']:.2f}", "<= 1.5", r["fcp_ratio"] <= 1.5),
        ("first full render (cell drawn)", f"{r['first_render_ms']:.0f} ms", "", None),
        (f"slider input to stored value on screen (the page's own run), {r['drags']} drags",
         f"p50 {r['slider_median_ms']:.2f} ms, p95 {r['slider_p95_ms']:.2f} ms", "p95 < 8 ms",
         r["slider_p95_ms"] < 8),
        ("slider input to the frame that paints it", f"p50 {r['frame_median_ms']:.2f} ms, "
         f"p95 {r['frame_p95_ms']:.2f} ms", "", None),
        ("slider input to the server's confirming answer drawn", f"p50 {r['server_median_ms']:.2f} ms, "
         f"p95 {r['server_p95_ms']:.2f} ms", "", None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 s wrk runs, 10 s load, 5 s overload")
    parser.add_argument("--json", help="also write every figure to this JSON file")
    args = parser.parse_args()
    api_bench.ensure_tools("wrk", "hey")
    seconds, load_seconds, overload_seconds = (3, 10, 5) if args.quick else (10, 30, 10)
    print(machine(), flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=HERE.parent).stdout.strip()
    with api_bench.local_server(8440) as url:
        page = page_bench.measure(url, 60)  # first: the page on an idle server
        api = api_bench.measure(url, seconds)
        load = load_test.measure(url, load_seconds, overload_seconds)
    rows = api_bench.rows(api) + load_test.rows(load) + page_rows(page)
    print(f"commit {commit}\n")
    print(api_bench.table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"api": api, "load": load, "page": page}, indent=1))


if __name__ == "__main__":
    main()
