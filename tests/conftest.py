"""Shared fixtures: an in-process API client, and a live server for the browser tests."""

import os
import socket
import tempfile
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient

os.environ.setdefault("LSTM_LAB_LINKS_FILE",  # short links made by the tests stay out of $HOME
                      os.path.join(tempfile.mkdtemp(prefix="lstm-lab-links-"), "links.sqlite3"))
from app.main import app  # noqa: E402


@pytest.fixture(scope="session")
def client() -> TestClient:
    return TestClient(app)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def live_server() -> str:
    """The real app served by uvicorn on a loopback port, for the whole test session."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Fails (never skips) when it is missing."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    yield tab
    context.close()


class ServerThread:
    """An ASGI app served by uvicorn in a thread on a fixed loopback port, which can be
    stopped and started again on the same port (a teacher's laptop restarting the server).
    `options` go to uvicorn.Config (e.g. the CLI's limit_concurrency). `host` "0.0.0.0"
    listens on every interface, as `scripts/run --host 0.0.0.0` does; `url` stays loopback."""

    def __init__(self, asgi_app, port: int | None = None, host: str = "127.0.0.1", **options) -> None:
        self.app, self.port, self.host, self.options = asgi_app, port or _free_port(), host, options
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = self.thread = None

    def start(self) -> "ServerThread":
        config = uvicorn.Config(self.app, host=self.host, port=self.port, log_level="warning",
                                timeout_graceful_shutdown=1, **self.options)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"the test server did not start on port {self.port}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        assert not self.thread.is_alive(), "the test server did not stop"


@pytest.fixture
def server_thread():
    """Make ServerThreads: `server_thread(app, **uvicorn_options)`; all stopped at the end."""
    servers = []

    def make(asgi_app=app, **options) -> ServerThread:
        servers.append(ServerThread(asgi_app, **options))
        return servers[-1].start()

    yield make
    for server in servers:
        if server.thread.is_alive():
            server.stop()


REDIS_SERVER = "/usr/bin/redis-server"


class RedisServer:
    """A real redis-server on a free loopback port, without persistence (as a restart
    with lost data), which can be stopped and started again on the same port."""

    def __init__(self, directory) -> None:
        self.directory, self.port, self.process = directory, _free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        import subprocess

        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory), "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path):
    """A running redis-server (RedisServer). Fails, never skips, when it is missing."""
    import os

    if not os.access(REDIS_SERVER, os.X_OK):
        pytest.fail(f"{REDIS_SERVER} is missing: scripts/test installs it (apt-get install redis-server)")
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
