"""ASGI middleware: refuse request bodies over a byte limit with a 413 naming `body`,
whether the client declares a Content-Length or streams chunks, and bodies that do not
arrive within a time limit with a 408 (a slow client then frees its connection instead of
holding it open). The body is read before the app runs, then handed on unchanged."""

import asyncio
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, timeout: float = 10.0) -> None:
        self.app, self.max_bytes, self.timeout = app, max_bytes, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await self._refuse(
                send,
                413,
                "request body too large",
                "too_large",
                f"the request body is over the limit of {self.max_bytes} bytes",
            )
        chunks, size = [], 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunks.append(message.get("body", b""))
                    size += len(chunks[-1])
                    if size > self.max_bytes:
                        return await self._refuse(
                            send,
                            413,
                            "request body too large",
                            "too_large",
                            f"the request body is over the limit of {self.max_bytes} bytes",
                        )
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            return await self._refuse(
                send, 408, "request timeout", "timeout", f"the request body did not arrive within {self.timeout:g} s"
            )
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, status: int, error: str, kind: str, reason: str) -> None:
        body = json.dumps(
            {
                "error": error,
                "message": f"body: {reason}",
                "fields": ["body"],
                "detail": [{"field": "body", "message": reason, "type": kind}],
            }
        ).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
