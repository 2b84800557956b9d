"""The README's run command, as a new user types it: `scripts/run` with options sets up,
prints the address and serves the page there."""

import socket
import subprocess
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_scripts_run_takes_options_and_prints_the_address():
    port = free_port()
    server = subprocess.Popen(["bash", "scripts/run", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first_line = server.stdout.readline()  # set-up output goes to stderr
        assert f"http://127.0.0.1:{port}/" in first_line, first_line
        for _ in range(100):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                assert server.poll() is None, "the server stopped"
                subprocess.run(["sleep", "0.1"])
        assert page.status == 200 and b"LSTM Cell Lab" in page.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
