"""LSTM_LAB_ALLOWED_HOSTS: when set, a request whose Host header names another host gets a
400 in the app's error shape (a DNS-rebinding page cannot drive the server through a name
of its own). Loopback names are always served (the HEALTHCHECK and the teacher's own
browser use them). Pure ASGI; IPv6 literals ("[::1]:8000") are parsed, which Starlette's
TrustedHostMiddleware does not do (it splits at the first colon)."""

import json

from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK = ("localhost", "127.0.0.1", "[::1]")


def host_name(header: str) -> str:
    """'Lab.School.example:8000' -> 'lab.school.example'; '[::1]:80' -> '[::1]'."""
    header = header.strip().lower()
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def allowed(name: str, hosts: tuple[str, ...]) -> bool:
    return name in LOOPBACK or any(
        name == host or host == "*" or (host.startswith("*.") and name.endswith(host[1:])) for host in hosts
    )


class HostCheck:
    def __init__(self, app: ASGIApp, hosts: tuple[str, ...]) -> None:
        self.app, self.hosts = app, hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            header = next((v for k, v in scope["headers"] if k == b"host"), b"")
            if not allowed(host_name(header.decode("latin-1")), self.hosts):
                if scope["type"] == "websocket":  # refused before the handshake completes
                    return await send({"type": "websocket.close", "code": 1008})
                return await _refuse(send)
        await self.app(scope, receive, send)


async def _refuse(send: Send) -> None:
    reason = "this server does not answer to this host name (see LSTM_LAB_ALLOWED_HOSTS)"
    body = json.dumps(
        {
            "error": "invalid host",
            "message": f"host: {reason}",
            "fields": ["host"],
            "detail": [{"field": "host", "message": reason, "type": "invalid_host"}],
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
