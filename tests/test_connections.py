"""Bounded connections (app.connections.GuardedProtocol, what the CLI gives uvicorn): header
size and time limits, silent sockets closed, limit_concurrency counting requests not sockets,
and uvicorn's own 400/503 answers in the app's JSON shape with the security headers."""

import asyncio
import json
import socket
import time
import urllib.request

import pytest

from app.connections import MAX_HEADER_BYTES, GuardedProtocol
from app.main import create_app
from app.settings import Settings


class QuickProtocol(GuardedProtocol):
    header_timeout = 1.0


def guarded(server_thread, asgi_app=None, **options):
    return server_thread(asgi_app or create_app(Settings()), http=QuickProtocol, **options)


def connect(server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    sock.close()
    return b"".join(chunks)


def answer(reply: bytes) -> tuple[int, dict, dict]:
    head, _, body = reply.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body)


def assert_shaped(reply: bytes, status: int, field: str) -> None:
    code, headers, body = answer(reply)
    assert code == status, reply[:300]
    assert body["fields"] == [field] and body["detail"][0]["field"] == field
    assert headers["content-type"] == "application/json"
    assert headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_oversized_headers_are_refused_with_431_before_they_are_all_read(server_thread):
    server = guarded(server_thread)
    sock = connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    sent, line = 0, b"X-Pad: " + b"a" * 8000 + b"\r\n"
    try:
        while sent < 8_000_000:  # the 8 MB header; the server stops reading long before
            sock.sendall(line)
            sent += len(line)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert sent < 8_000_000
    assert_shaped(read_all(sock), 431, "headers")


def test_headers_just_under_the_limit_are_served(server_thread):
    server = guarded(server_thread)
    pad = "a" * (MAX_HEADER_BYTES - 2000)
    request = urllib.request.Request(f"{server.url}/healthz", headers={"X-Pad": pad})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_a_silent_socket_is_closed_after_the_header_timeout(server_thread):
    server = guarded(server_thread)
    sock = connect(server)
    started = time.monotonic()
    assert read_all(sock) == b""  # closed by the server, nothing said
    assert 0.8 < time.monotonic() - started < 3


def test_dribbled_headers_get_408_after_the_header_timeout(server_thread):
    server = guarded(server_thread)
    sock = connect(server)
    started = time.monotonic()
    try:
        for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
            sock.sendall(bytes([byte]))
            time.sleep(0.05)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert_shaped(read_all(sock), 408, "headers")
    assert time.monotonic() - started < 3


def test_a_kept_alive_connection_gets_the_same_header_timeout(server_thread):
    server = guarded(server_thread, timeout_keep_alive=30)
    sock = connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.3)
    assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
    sock.sendall(b"GET /healthz HTTP/1.1\r\n")  # and never the rest
    started = time.monotonic()
    assert_shaped(read_all(sock), 408, "headers")
    assert time.monotonic() - started < 3


def test_a_thousand_silent_sockets_do_not_lock_out_a_client(server_thread):
    """With the CLI's default limit_concurrency (1000): uvicorn alone answers 503 to every
    new client once 1000 sockets are open, silent or not."""
    server = guarded(server_thread, limit_concurrency=1000, backlog=2048)
    silent = [connect(server) for _ in range(1000)]
    try:
        time.sleep(0.3)
        started = time.monotonic()
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:
            assert response.status == 200
        assert time.monotonic() - started < 1.0
    finally:
        for sock in silent:
            sock.close()


def test_invalid_http_gets_400_in_the_json_shape(server_thread):
    server = guarded(server_thread)
    sock = connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Name: 1\r\n\r\n")
    assert_shaped(read_all(sock), 400, "request")


def test_over_the_concurrency_limit_gets_503_in_the_json_shape(server_thread):
    app = create_app(Settings())

    @app.get("/slow")
    async def slow() -> dict:
        await asyncio.sleep(1.5)
        return {}

    server = guarded(server_thread, app, limit_concurrency=1)
    busy = connect(server)
    busy.sendall(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.3)
    sock = connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_shaped(read_all(sock), 503, "request")
    assert busy.recv(65536).startswith(b"HTTP/1.1 200 ")  # the request in flight is answered
    busy.close()


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_normal_requests_pass_unchanged(server_thread, method):
    server = guarded(server_thread)
    request = urllib.request.Request(f"{server.url}/healthz", method=method)
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200 and response.headers["x-content-type-options"] == "nosniff"


def test_the_shutdown_flag_belongs_to_its_server(server_thread):
    """A server that has shut down does not end the event streams of another one in the
    same process (the flag was process-wide at first)."""
    from starlette.requests import Request

    from app.connections import stopping

    app = create_app(Settings())

    @app.get("/stopping")
    async def asked(request: Request) -> dict:
        return {"stopping": stopping(request.scope)}

    def ask(server) -> bool:
        with urllib.request.urlopen(f"{server.url}/stopping", timeout=5) as response:
            return json.loads(response.read())["stopping"]

    first = guarded(server_thread, app)
    assert ask(first) is False
    idle = connect(first)  # open at shutdown: the server tells its protocol to shut down
    time.sleep(0.2)
    first.stop()
    idle.close()
    second = guarded(server_thread, app)
    assert ask(second) is False
