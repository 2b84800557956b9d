"""This process's sockets, grouped by class, each with its own bounded send queue.

A payload from the broker is one audience letter and the message text, serialized once:
"a" everyone, "s" students, "t" teachers, "x" everyone and then close (the class ended).
Every socket gets the same string; a socket whose queue is full (it does not read) is
dropped rather than allowed to hold up the others: it reconnects and gets a snapshot."""

import asyncio
from collections.abc import Awaitable, Callable

from .messages import CLOSE_ENDED

SEND_QUEUE = 64  # messages waiting for one socket before it counts as stuck


class Connection:
    def __init__(
        self,
        code: str,
        role: str,
        client: str | None,
        send: Callable[[str], Awaitable[None]],
        close: Callable[[int], Awaitable[None]],
    ) -> None:
        self.code, self.role = code, role
        self.client = client or ""  # a student's anonymous id; "" for a teacher
        self._send, self._close = send, close
        self.queue: asyncio.Queue = asyncio.Queue(SEND_QUEUE)
        self.pending: list | None = []  # held until the welcome is queued
        self.overflowed = False
        self.joined = False  # counted among the class's students
        self.sender: asyncio.Task | None = None

    def push(self, item: str | int) -> None:
        """Queue a text, or an int: close with that code after what is queued."""
        if self.pending is not None:
            if len(self.pending) < SEND_QUEUE:
                self.pending.append(item)
            else:
                self.overflowed = True
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflowed = True
            if self.sender:
                self.sender.cancel()

    def welcome(self, text: str) -> None:
        """Queue the welcome, then what arrived meanwhile (or, if too much did, a close:
        the client reconnects and gets a fresher welcome)."""
        held, self.pending = self.pending or [], None
        for item in (text, *held, *([1013] if self.overflowed else [])):
            self.push(item)

    async def run_sender(self) -> None:
        """Send what is queued, in order, until a close item or a lost connection."""
        try:
            while True:
                item = await self.queue.get()
                if isinstance(item, int):
                    return await self._close(item)
                await self._send(item)
        except Exception:  # the client went away: the receiving side notices too
            return


class Hub:
    def __init__(self) -> None:
        self.rooms: dict[str, set[Connection]] = {}

    def add(self, conn: Connection) -> bool:
        """True if it is this process's first socket in the class."""
        room = self.rooms.setdefault(conn.code, set())
        room.add(conn)
        return len(room) == 1

    def remove(self, conn: Connection) -> bool:
        """True if it was this process's last socket in the class."""
        room = self.rooms.get(conn.code)
        if room is None or conn not in room:
            return False
        room.discard(conn)
        if not room:
            del self.rooms[conn.code]
        return not room

    def deliver(self, code: str, payload: str) -> None:
        room = self.rooms.get(code)
        if not room or not payload:
            return
        audience, text = payload[0], payload[1:]
        for conn in room:
            if audience in "ax" or conn.role[0] == audience:
                conn.push(text)
                if audience == "x":
                    conn.push(CLOSE_ENDED)

    def close_all(self, close_code: int) -> None:
        for room in self.rooms.values():
            for conn in room:
                conn.push(close_code)

    def students(self) -> dict[str, set[str]]:
        """Each class served here -> the student client ids connected here."""
        return {code: {c.client for c in room if c.role == "student" and c.client} for code, room in self.rooms.items()}
