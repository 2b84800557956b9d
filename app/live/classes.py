"""What each live-class command does, for any broker: create a class, welcome a socket,
apply a teacher's or a student's message, and tell everyone the head count and answers
(coalesced: a burst of joins or answers sends a few messages, not one per event)."""

import asyncio
import logging
import time

from . import messages as m
from .broker import Broker, Record
from .codes import hash_secret, new_code, new_secret, secret_matches
from .hub import Connection, Hub
from .messages import LiveError, encode

log = logging.getLogger("lstm_cell_lab.live")
# Seconds a change waits to go out with the next ones: a burst of joins or answers sends a
# few messages, not one per event. Teachers see counts and answers five times a second;
# students see the head count every 2 s at most (to 1,000 sockets that is what matters).
NOTIFY_DELAY = {"count": 0.2, "answers": 0.2, "students": 2.0}
REJOIN_WAIT = 30.0  # s a rejoining student waits for its class to be resumed
REJOIN_POLL = 0.5


class LiveClasses:
    def __init__(self, broker: Broker, max_students: int, max_classes: int, heartbeat: float) -> None:
        self.broker, self.hub = broker, Hub()
        self.max_students, self.max_classes, self.heartbeat = max_students, max_classes, heartbeat
        self.pending: set[tuple[str, str]] = set()  # (class, kind) to send soon
        self.tasks: set[asyncio.Task] = set()
        self.connected = False

    async def ready(self) -> None:
        """Connect the broker (once); the app's lifespan also starts the upkeep."""
        if not self.connected:
            self.connected = True
            await self.broker.start(self.hub.deliver, self._lost)

    async def start(self) -> None:
        await self.ready()
        self._spawn(self._maintain())

    async def stop(self) -> None:
        self.hub.close_all(1012)  # "service restart": clients reconnect
        for task in self.tasks:
            task.cancel()
        await self.broker.stop()
        self.connected = False

    def _lost(self) -> None:
        """Messages may have been missed: every socket reconnects and gets a snapshot."""
        self.hub.close_all(1012)

    def _spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _maintain(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat)
            try:
                for code in await self.broker.maintain(self.hub.students()):
                    self.notify(code, "count")
            except Exception as error:  # Redis away: try again next beat
                log.warning("live class upkeep failed: %s", error)

    async def create(self, state: str = "") -> tuple[str, str] | None:
        """A new class -> (code, teacher secret); None when the server has its fill."""
        await self.ready()
        if await self.broker.count_classes() >= self.max_classes:
            return None
        secret = new_secret()
        while not await self.broker.create(code := new_code(), Record(hash_secret(secret), state)):
            pass
        return code, secret

    async def join(self, code: str, role: str, token: str, hello: dict, send, close) -> Connection:
        """Check a hello, register the socket and queue its welcome. Raises LiveError."""
        await self.ready()
        record = await self.broker.get(code)
        if role == "teacher":
            record = await self._teacher(code, token, record, hello)
        elif record is None and hello.get("rejoin") is True:
            deadline = time.monotonic() + REJOIN_WAIT
            while record is None and time.monotonic() < deadline:
                await asyncio.sleep(REJOIN_POLL)
                record = await self.broker.get(code)
        if record is None:
            raise LiveError("unknown_class", "no class has this code (it ended or expired)", "code", m.CLOSE_UNKNOWN)
        if role == "student" and await self.broker.students(code) >= self.max_students:
            raise LiveError("class_full", f"this class has its {self.max_students} students", "code", m.CLOSE_FULL)
        conn = Connection(code, role, token if role == "student" else None, send, close)
        try:
            if self.hub.add(conn):
                await self.broker.subscribe(code)
            if role == "student":
                await self.broker.join(code, token)
                conn.joined = True
                self.notify(code, "count")
            conn.welcome(encode({"type": "welcome", "role": role, "class": await self.snapshot(code, role)}))
        except BaseException:
            await self.leave(conn)
            raise
        return conn

    async def _teacher(self, code: str, secret: str, record: Record | None, hello: dict) -> Record | None:
        if record is not None:
            if not secret_matches(secret, record.secret_hash):
                raise LiveError(
                    "bad_secret", "this is not the secret of this class's teacher", "secret", m.CLOSE_BAD_SECRET
                )
            return record
        state = hello.get("state")
        if not isinstance(state, str):  # nothing to resume from
            return None
        if await self.broker.count_classes() >= self.max_classes:
            raise LiveError(
                "too_many_classes", f"this server already holds {self.max_classes} classes", None, m.CLOSE_FULL
            )
        # Resume: the class is rebuilt from the teacher's page. Its seq starts past any
        # seq it had before (students keep only states newer than the last they saw).
        record = Record(hash_secret(secret), state, seq=int(time.time()))
        if not await self.broker.create(code, record):
            return await self._teacher(code, secret, await self.broker.get(code), {})
        await self.broker.publish(code, "s" + encode({"type": "state", "state": state, "seq": record.seq}))
        return record

    async def snapshot(self, code: str, role: str) -> dict:
        record = await self.broker.get(code)
        if record is None:
            raise LiveError("unknown_class", "the class ended", "code", m.CLOSE_UNKNOWN)
        students = await self.broker.students(code)
        snap = {
            "code": code,
            "state": record.state,
            "seq": record.seq,
            "locked": record.locked,
            "question": record.question,
            "students": students,
        }
        if role == "teacher":
            snap["answers"] = await self._answers(code, record, students)
        return snap

    async def _answers(self, code: str, record: Record, students: int) -> dict | None:
        if record.question is None:
            return None
        values = await self.broker.answers(code)
        return {"question": record.question["id"], "answered": len(values), "students": students, "values": values}

    async def leave(self, conn: Connection) -> None:
        last = self.hub.remove(conn)
        try:
            if conn.joined and conn.client:
                await self.broker.leave(conn.code, conn.client)
                self.notify(conn.code, "count")
            if last:
                await self.broker.unsubscribe(conn.code)
        except Exception as error:
            log.warning("live class %s: leaving failed: %s", conn.code, error)

    def notify(self, code: str, kind: str) -> None:
        """Soon send teachers the head count and answers ("count"), or the answers alone
        ("answers"); a "count" also sends students the head count, less often."""
        if (code, kind) not in self.pending:
            self.pending.add((code, kind))
            self._spawn(self._notify_later(code, kind))

    async def _notify_later(self, code: str, kind: str) -> None:
        await asyncio.sleep(NOTIFY_DELAY[kind])
        self.pending.discard((code, kind))
        try:
            record = await self.broker.get(code)
            if record is None:
                return
            students = await self.broker.students(code)
            count = encode({"type": "count", "students": students})
            if kind == "students":
                return await self.broker.publish(code, "s" + count)
            if kind == "count":
                await self.broker.publish(code, "t" + count)
                self.notify(code, "students")
            if answers := await self._answers(code, record, students):
                await self.broker.publish(code, "t" + encode({"type": "answers", **answers}))
        except Exception as error:
            log.warning("live class %s: count not sent: %s", code, error)

    async def handle(self, conn: Connection, message: dict) -> None:
        """Apply one parsed message from a welcomed socket. Raises LiveError."""
        kind = message["type"]
        if kind == "ping":
            return conn.push(encode({"type": "pong"}))
        if kind == "hello":
            raise LiveError("bad_field", "this socket has already said hello", "type")
        if (kind in m.TEACHER_TYPES) != (conn.role == "teacher"):
            raise LiveError("not_allowed", f"a {conn.role} may not send {kind!r}", "type")
        await getattr(self, "_" + kind)(conn, message)

    def _gone(self) -> LiveError:
        return LiveError("unknown_class", "the class ended or expired", "code", m.CLOSE_UNKNOWN)

    async def _publish(self, conn: Connection, audience: str, message: dict) -> None:
        await self.broker.publish(conn.code, audience + encode(message))

    async def _state(self, conn: Connection, message: dict) -> None:
        state = m.state(message) or ""
        seq = await self.broker.set_state(conn.code, state)
        if seq is None:
            raise self._gone()
        await self._publish(conn, "s", {"type": "state", "state": state, "seq": seq})

    async def _ask(self, conn: Connection, message: dict) -> None:
        question = m.question(message)
        if not await self.broker.set_fields(conn.code, question=question):
            raise self._gone()
        await self._publish(conn, "a", {"type": "ask", "question": question})
        if question:
            self.notify(conn.code, "answers")

    async def _reveal(self, conn: Connection, message: dict) -> None:
        qid, right = m.question_id(message), m.number(message, "right")
        record = await self.broker.get(conn.code)
        if record is None:
            raise self._gone()
        if not record.question or record.question["id"] != qid:
            raise LiveError("bad_field", f"question {qid!r} is not the open question", "question")
        question = {**record.question, "revealed": True, "right": right}
        await self.broker.set_fields(conn.code, question=question)
        await self._publish(conn, "a", {"type": "reveal", "question": qid, "right": right})

    async def _lock(self, conn: Connection, message: dict, locked: bool = True) -> None:
        if not await self.broker.set_fields(conn.code, locked=locked):
            raise self._gone()
        await self._publish(conn, "a", {"type": "locked", "locked": locked})

    async def _unlock(self, conn: Connection, message: dict) -> None:
        await self._lock(conn, message, False)

    async def _gather(self, conn: Connection, message: dict) -> None:
        if await self.broker.get(conn.code) is None:
            raise self._gone()
        await self.broker.touch(conn.code)
        await self._publish(conn, "s", {"type": "gather"})

    async def _end(self, conn: Connection, message: dict) -> None:
        await self._publish(conn, "x", {"type": "ended"})
        await self.broker.end(conn.code)

    async def _answer(self, conn: Connection, message: dict) -> None:
        qid, value = m.question_id(message), m.number(message, "value")
        record = await self.broker.get(conn.code)
        if record is None:
            raise self._gone()
        question = record.question
        if not question or question["id"] != qid or question["revealed"]:
            raise LiveError("bad_field", f"question {qid!r} is not open for answers", "question")
        await self.broker.answer(conn.code, conn.client or "", value)
        conn.push(encode({"type": "answered", "question": qid}))
        self.notify(conn.code, "answers")
