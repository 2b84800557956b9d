"""The in-process broker: classes in a dict, messages handed straight to this process's
sockets. The default: one worker, nothing to set up. A restart forgets every class (the
teacher's page then re-creates its class from its own state: a "resume" hello)."""

import time
from collections import Counter
from dataclasses import dataclass, field

from .broker import UNCHANGED, Broker, Deliver, Record


@dataclass
class _Class:
    record: Record
    used: float  # time.monotonic() of the last use
    answers: dict[str, float] = field(default_factory=dict)
    present: Counter = field(default_factory=Counter)  # client id -> sockets


class MemoryBroker(Broker):
    name = "memory"

    def __init__(self, ttl: float, clock=time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self.classes: dict[str, _Class] = {}
        self.deliver: Deliver = lambda code, payload: None

    async def start(self, deliver: Deliver, lost=None) -> None:
        self.deliver = deliver

    async def stop(self) -> None:
        self.classes.clear()

    def _live(self, code: str) -> _Class | None:
        entry = self.classes.get(code)
        if entry and not entry.present and self.clock() - entry.used > self.ttl:
            del self.classes[code]
            return None
        return entry

    async def create(self, code: str, record: Record) -> bool:
        if self._live(code):
            return False
        self.classes[code] = _Class(record, self.clock())
        return True

    async def get(self, code: str) -> Record | None:
        entry = self._live(code)
        return entry.record if entry else None

    async def set_state(self, code: str, state: str) -> int | None:
        entry = self._live(code)
        if not entry:
            return None
        entry.record.state, entry.record.seq, entry.used = state, entry.record.seq + 1, self.clock()
        return entry.record.seq

    async def set_fields(self, code: str, *, locked=None, question=UNCHANGED) -> bool:
        entry = self._live(code)
        if not entry:
            return False
        if locked is not None:
            entry.record.locked = locked
        if question is not UNCHANGED:
            if not (question and question["revealed"]):
                entry.answers.clear()
            entry.record.question = question
        entry.used = self.clock()
        return True

    async def answer(self, code: str, client: str, value: float) -> None:
        if entry := self._live(code):
            entry.answers[client] = value

    async def answers(self, code: str) -> list[float]:
        entry = self._live(code)
        return sorted(entry.answers.values()) if entry else []

    async def join(self, code: str, client: str) -> None:
        if entry := self._live(code):
            entry.present[client] += 1

    async def leave(self, code: str, client: str) -> None:
        entry = self.classes.get(code)
        if entry and entry.present[client] > 0:
            entry.present[client] -= 1
            if not entry.present[client]:
                del entry.present[client]
            entry.used = self.clock()

    async def students(self, code: str) -> int:
        entry = self.classes.get(code)
        return len(entry.present) if entry else 0

    async def publish(self, code: str, payload: str) -> None:
        self.deliver(code, payload)

    async def subscribe(self, code: str) -> None:
        pass

    async def unsubscribe(self, code: str) -> None:
        pass

    async def end(self, code: str) -> None:
        self.classes.pop(code, None)

    async def touch(self, code: str) -> None:
        if entry := self.classes.get(code):
            entry.used = self.clock()

    async def count_classes(self) -> int:
        for code in list(self.classes):
            self._live(code)
        return len(self.classes)

    async def maintain(self, active: dict[str, set[str]]) -> set[str]:
        for code in active:
            await self.touch(code)
        await self.count_classes()  # drops the expired ones
        return set()
