"""uvicorn's HTTP protocol (httptools) with the limits it lacks, passed as `http=` to uvicorn:

- a connection must finish sending a request's headers within `header_timeout` seconds of
  its first byte (or of connecting): a socket that sent nothing is closed, one that dribbles
  its headers is answered 408 and closed;
- a request's headers (request line included) may be at most MAX_HEADER_BYTES: 431;
- `limit_concurrency` counts requests being answered, not sockets, so silent sockets cannot
  lock out a real client (they are bounded by the header timeout, and all sockets together
  by SOCKETS_PER_REQUEST_SLOT times the limit);
- uvicorn's own answers (400 for a malformed request, 503 over the limit) carry the JSON
  error shape and the security headers, as every answer of the app does;
- a shutdown tells the app (`stopping(scope)`), so open event streams end at once.
"""

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from . import security, settings as runtime

MAX_HEADER_BYTES = 64 * 1024  # the request line and every header line together
SOCKETS_PER_REQUEST_SLOT = 4  # open sockets allowed per limit_concurrency slot
STOP_KEY = "lstm_lab_shutdown"  # in uvicorn's per-server state, shared by its requests' scopes
_HEADERS: list[tuple[bytes, bytes]] = []  # the security headers, built on first use


class _Shutdown:
    """Whether the server that accepted a request has begun to shut down."""

    def __init__(self) -> None:
        self.begun = False


def stopping(scope) -> bool:
    """True once the server that took this request has begun to shut down."""
    flag = scope.get("state", {}).get(STOP_KEY)
    return flag is not None and flag.begun


def _security_headers() -> list[tuple[bytes, bytes]]:
    if not _HEADERS:
        _HEADERS.extend(security.header_list(runtime.from_env()))
        _HEADERS.append((b"cache-control", security.DEFAULT_CACHE.encode()))
    return _HEADERS


def error_body(error: str, field: str, kind: str, message: str) -> bytes:
    """The app's JSON error shape (app.errors) as bytes."""
    return json.dumps(
        {
            "error": error,
            "message": f"{field}: {message}",
            "fields": [field],
            "detail": [{"field": field, "message": message, "type": kind}],
        }
    ).encode()


def raw_response(status: int, phrase: str, body: bytes) -> bytes:
    """A complete HTTP/1.1 answer that closes the connection."""
    head = [
        f"HTTP/1.1 {status} {phrase}".encode(),
        b"content-type: application/json",
        b"content-length: " + str(len(body)).encode(),
        b"connection: close",
    ]
    head += [name + b": " + value for name, value in _security_headers()]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


BUSY = error_body(
    "service unavailable", "request", "busy", "the server is answering as many requests as it may; try again shortly"
)


async def _busy(scope: Any, receive: Any, send: Any) -> None:
    """The 503 over the concurrency limit, as an ASGI app (uvicorn runs it as a request)."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(BUSY)).encode()),
        (b"connection", b"close"),
        *_security_headers(),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": BUSY})


class GuardedProtocol(HttpToolsProtocol):
    """HttpToolsProtocol with a header timeout, a header size limit and JSON answers."""

    header_timeout: float | None = None  # read from the settings by the first connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn
        super().connection_made(transport)
        self.app_state.setdefault(STOP_KEY, _Shutdown())  # before any request copies the state
        if type(self).header_timeout is None:
            type(self).header_timeout = runtime.from_env().header_timeout
        self.header_bytes = 0
        self.in_headers = True
        self.header_timer: asyncio.TimerHandle | None = None
        self._arm_header_timer()
        hard_cap = (self.limit_concurrency or 0) * SOCKETS_PER_REQUEST_SLOT
        if hard_cap and len(self.connections) > hard_cap:
            self._refuse(503, "Service Unavailable", BUSY)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if not self.in_headers and (self.cycle is None or self.cycle.response_complete):
            self.in_headers, self.header_bytes = True, 0  # a new request on a kept-alive socket
            self._arm_header_timer()
        if self.in_headers:
            self.header_bytes += len(data)
        super().data_received(data)  # may complete the headers (on_headers_complete)
        if self.in_headers and self.header_bytes > MAX_HEADER_BYTES:
            self._too_large()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self.in_headers:  # a pipelined request, behind one still being answered
            self.in_headers, self.header_bytes = True, 0
            self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self.in_headers = False
        self._disarm_header_timer()
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size > MAX_HEADER_BYTES:
            return self._too_large()
        # limit_concurrency: requests being answered (uvicorn also counts idle sockets).
        limit, app = self.limit_concurrency, self.app
        if limit is not None and len(self.tasks) >= limit:
            self.app = _busy
        self.limit_concurrency = None
        try:
            super().on_headers_complete()
        finally:
            self.limit_concurrency, self.app = limit, app

    def send_400_response(self, msg: str) -> None:
        self._refuse(
            400, "Bad Request", error_body("bad request", "request", "invalid_http", "not a valid HTTP/1.1 request")
        )

    def shutdown(self) -> None:
        self.app_state[STOP_KEY].begun = True
        super().shutdown()

    def _too_large(self) -> None:
        self._refuse(
            431,
            "Request Header Fields Too Large",
            error_body(
                "request header fields too large",
                "headers",
                "too_large",
                f"the request line and headers are over the limit of {MAX_HEADER_BYTES} bytes",
            ),
        )

    def _arm_header_timer(self) -> None:
        if self.header_timer is None and self.header_timeout:
            self.header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm_header_timer(self) -> None:
        if getattr(self, "header_timer", None) is not None:
            self.header_timer.cancel()  # type: ignore[union-attr]
            self.header_timer = None

    def _headers_late(self) -> None:
        self.header_timer = None
        if self.in_headers and not self.transport.is_closing():
            if self.header_bytes == 0:  # sent nothing: just close, as for an idle keep-alive
                self.transport.close()
            else:
                self._refuse(
                    408,
                    "Request Timeout",
                    error_body(
                        "request timeout",
                        "headers",
                        "timeout",
                        f"the request headers did not arrive within {self.header_timeout:g} s",
                    ),
                )

    def _refuse(self, status: int, phrase: str, body: bytes) -> None:
        """Answer without the app and close; nothing more is read from this connection."""
        self.in_headers = False
        self._disarm_header_timer()
        if not self.transport.is_closing():
            self.transport.write(raw_response(status, phrase, body))
            self.transport.close()
