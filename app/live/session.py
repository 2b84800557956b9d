"""One live-class WebSocket, from hello to goodbye: per-connection rate limit, message
size, and every refusal as an `error` message on this socket only."""

import asyncio
import logging
import time

from starlette.websockets import WebSocket, WebSocketDisconnect

from . import messages as m
from .classes import LiveClasses
from .codes import normalise_code
from .hub import Connection
from .messages import LiveError

log = logging.getLogger("lstm_cell_lab.live")
HELLO_TIMEOUT = 10.0  # s
FLOOD_CLOSE = 1000  # refused messages in one flood (until the bucket refills) before 1008
CLOSE_TIMEOUT = 1.0  # s to send a close frame to a socket that may not read


class TokenBucket:
    """`rate` messages a second on average, `burst` at once."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


async def _receive_text(ws: WebSocket) -> str:
    message = await ws.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    if message.get("text") is None:
        raise LiveError("bad_json", "send JSON in text frames, not binary ones")
    return message["text"]


async def run(ws: WebSocket, raw_code: str, live: LiveClasses, max_bytes: int, rate: float) -> None:
    await ws.accept()
    try:
        try:
            async with asyncio.timeout(HELLO_TIMEOUT):
                hello = m.parse(await _receive_text(ws), max_bytes)
        except TimeoutError:
            raise LiveError("bad_field", f"say hello within {HELLO_TIMEOUT:g} s", "type", m.CLOSE_BAD_HELLO) from None
        role, token = m.hello(hello)
        code = normalise_code(raw_code)
        if code is None:
            raise LiveError("unknown_class", "a class code has 6 letters and digits", "code", m.CLOSE_UNKNOWN)
        conn = await live.join(code, role, token, hello, ws.send_text, lambda c: ws.close(c))
    except LiveError as error:
        await _refuse(ws, error)
        return
    except WebSocketDisconnect:
        return
    except Exception as error:  # the broker is unreachable: ask the client to come back
        log.warning("live class hello failed: %s", error)
        await _close(ws, 1013)
        return
    try:
        await _serve(ws, conn, live, max_bytes, rate)
    finally:
        await live.leave(conn)


async def _refuse(ws: WebSocket, error: LiveError) -> None:
    try:
        await ws.send_text(error.text())
    except Exception:
        return
    await _close(ws, error.close or m.CLOSE_BAD_HELLO)


async def _close(ws: WebSocket, code: int) -> None:
    try:
        async with asyncio.timeout(CLOSE_TIMEOUT):
            await ws.close(code)
    except Exception:
        pass  # gone, or not reading: returning drops the connection


async def _serve(ws: WebSocket, conn: Connection, live: LiveClasses, max_bytes: int, rate: float) -> None:
    conn.sender = asyncio.create_task(conn.run_sender())
    receiver = asyncio.create_task(_receive(ws, conn, live, max_bytes, rate))
    try:
        done, _ = await asyncio.wait((conn.sender, receiver), return_when=asyncio.FIRST_COMPLETED)
        if receiver in done and not receiver.cancelled() and receiver.result():
            await asyncio.wait((conn.sender,), timeout=2 * CLOSE_TIMEOUT)  # let it say why
    finally:
        conn.sender.cancel()
        receiver.cancel()
    if conn.overflowed:
        await _close(ws, 1013)  # "try again later": it reconnects and gets a snapshot


async def _receive(ws: WebSocket, conn: Connection, live: LiveClasses, max_bytes: int, rate: float) -> bool:
    """Read and apply messages until the client leaves (False) or this socket is to be
    closed after what is queued (True)."""
    bucket, refused = TokenBucket(rate, 2 * rate), 0
    while True:
        try:
            text = await _receive_text(ws)
        except WebSocketDisconnect:
            return False
        except LiveError as error:
            text, first_error = None, error
        if not bucket.take():
            refused += 1
            if refused == 1:
                conn.push(LiveError("rate_limited", f"at most {rate:g} messages a second; this one was dropped").text())
            if refused >= FLOOD_CLOSE:
                conn.push(1008)
                return True
            continue
        if bucket.tokens >= bucket.burst - 1:  # quiet long enough to refill: the flood is over
            refused = 0
        try:
            if text is None:
                raise first_error
            await live.handle(conn, m.parse(text, max_bytes))
        except LiveError as error:
            conn.push(error.text())
            if error.close:
                conn.push(error.close)
                return True
        except Exception as error:  # the broker is unreachable: ask the client to come back
            log.warning("live class %s: %s", conn.code, error)
            conn.push(1013)
            return True
