"""Where classes live: the one interface both brokers implement.

A broker keeps each class's record (secret hash, state, lock, question), its answers and
who is connected, with an expiry, and carries messages to every process serving the
class: `publish(code, payload)` reaches the `deliver(code, payload)` callback given to
`start` in every process subscribed to `code`. It never looks inside a payload."""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

Deliver = Callable[[str, str], None]
Lost = Callable[[], None]
UNCHANGED = object()  # a keyword argument left as it is


@dataclass
class Record:
    """A class as stored. `question` is None or {"id", "step", "revealed", "right"}."""

    secret_hash: str
    state: str = ""
    seq: int = 0
    locked: bool = True
    question: dict | None = None


class Broker(ABC):
    name: str  # "memory" or "redis"

    @abstractmethod
    async def start(self, deliver: Deliver, lost: Lost) -> None:
        """Connect; from now on published payloads go to `deliver`. `lost()` is called when
        payloads may have been missed (the Redis connection came back): resync every socket."""

    @abstractmethod
    async def stop(self) -> None: ...

    @abstractmethod
    async def create(self, code: str, record: Record) -> bool:
        """Store a new class; False if `code` is taken."""

    @abstractmethod
    async def get(self, code: str) -> Record | None: ...

    @abstractmethod
    async def set_state(self, code: str, state: str) -> int | None:
        """Store the state; the new seq, or None if the class is gone."""

    @abstractmethod
    async def set_fields(
        self, code: str, *, locked: bool | None = None, question: dict | None | object = UNCHANGED
    ) -> bool:
        """Change `locked` and/or `question` (given = changed); a question
        that is not revealed (a fresh ask) or None clears the answers; False if the class is gone."""

    @abstractmethod
    async def answer(self, code: str, client: str, value: float) -> None:
        """Record (or replace) a client's answer to the open question."""

    @abstractmethod
    async def answers(self, code: str) -> list[float]:
        """The open question's answers, sorted."""

    @abstractmethod
    async def join(self, code: str, client: str) -> None:
        """One more socket of `client` in this process (several tabs count once)."""

    @abstractmethod
    async def leave(self, code: str, client: str) -> None: ...

    @abstractmethod
    async def students(self, code: str) -> int:
        """Distinct students connected to the class, across every process."""

    @abstractmethod
    async def publish(self, code: str, payload: str) -> None: ...

    @abstractmethod
    async def subscribe(self, code: str) -> None:
        """This process serves `code`: deliver its payloads here."""

    @abstractmethod
    async def unsubscribe(self, code: str) -> None: ...

    @abstractmethod
    async def end(self, code: str) -> None:
        """Forget the class and everything about it."""

    @abstractmethod
    async def touch(self, code: str) -> None:
        """The class is in use: push its expiry back to a full TTL."""

    @abstractmethod
    async def count_classes(self) -> int: ...

    @abstractmethod
    async def maintain(self, active: dict[str, set[str]]) -> set[str]:
        """Periodic upkeep, given this process's classes and their connected students:
        renew their presence and expiry, drop expired classes and vanished students.
        Returns the codes whose student count changed for a reason this process alone
        knows (e.g. another instance's students timed out)."""
