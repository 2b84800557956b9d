"""The Redis broker: classes shared by every worker and instance that uses the same Redis.

Keys (each expiring a TTL after the class was last used):
  lstm-lab:class:{code}    hash: secret (SHA-256), state, seq, locked, question (JSON)
  lstm-lab:answers:{code}  hash: client id -> answer to the open question
  lstm-lab:present:{code}  sorted set: client id -> last heartbeat (ms); an instance renews
                           its own students every heartbeat, so a crashed instance's
                           students fall out of the count after 3 heartbeats
  lstm-lab:classes         sorted set: code -> expiry (ms), to count classes
Channel lstm-lab:ch:{code} carries the class's messages to every instance serving it."""

import asyncio
import logging
import time
from collections import Counter
from typing import Any

import orjson
import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError, RedisError, TimeoutError as RedisTimeout

from .broker import UNCHANGED, Broker, Deliver, Lost, Record

log = logging.getLogger("lstm_cell_lab.live")
PREFIX = "lstm-lab:"
ALIVE = PREFIX + "alive"  # always subscribed, so the listener has something to listen to

_SET_STATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'state', ARGV[1])
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('EXPIRE', KEYS[1], ARGV[2])
return seq
"""
_SET_FIELDS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] ~= '' then redis.call('HSET', KEYS[1], 'locked', ARGV[1]) end
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'question', ARGV[2]) end
if ARGV[3] == '1' then redis.call('DEL', KEYS[2]) end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""
# Renew a class's presence and expiry, only while the class exists: a heartbeat or a join
# racing with `end` must not bring back a `present` key for a class that has ended.
# KEYS: class, answers, present, the classes index; ARGV: now (ms), ttl (s), stale (ms),
# code, then the client ids to mark present. Returns how many stale clients were dropped.
_RENEW = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 5, #ARGV do redis.call('ZADD', KEYS[3], ARGV[1], ARGV[i]) end
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[2]) end
redis.call('ZADD', KEYS[4], 'XX', tonumber(ARGV[1]) + 1000 * tonumber(ARGV[2]), ARGV[4])
return redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[3])
"""


def _key(kind: str, code: str) -> str:
    return f"{PREFIX}{kind}:{code}"


class RedisBroker(Broker):
    name = "redis"

    def __init__(self, url: str, ttl: float, heartbeat: float) -> None:
        self.url, self.ttl, self.heartbeat = url, int(ttl), heartbeat
        self.local: Counter = Counter()  # (code, client) -> sockets in this process
        self.channels: set[str] = set()
        self.redis: Any = None  # redis.asyncio.Redis once started
        self.pubsub: Any = None
        self.listener: asyncio.Task | None = None

    def _now(self) -> int:
        return int(time.time() * 1000)

    def _stale(self) -> int:
        return self._now() - int(3 * self.heartbeat * 1000)

    async def start(self, deliver: Deliver, lost: Lost) -> None:
        self.deliver, self.lost = deliver, lost
        # A pooled connection that Redis closed (a restart) fails once: retry on a new one.
        retry = Retry(ExponentialBackoff(cap=1.0, base=0.05), 3)
        # A class's students join in a burst: commands wait for one of 50 connections
        # rather than fail with "Too many connections".
        pool = redis.BlockingConnectionPool.from_url(
            self.url,
            max_connections=50,
            timeout=10,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=5,
            health_check_interval=30,
            retry=retry,
            retry_on_error=[RedisConnectionError, RedisTimeout],
        )
        self.redis = redis.Redis.from_pool(pool)
        self.set_state_script = self.redis.register_script(_SET_STATE)
        self.set_fields_script = self.redis.register_script(_SET_FIELDS)
        self.renew_script = self.redis.register_script(_RENEW)
        self.connected = asyncio.Event()
        self.listener = asyncio.create_task(self._listen())
        try:  # wait briefly for the first subscription; go on regardless (it retries)
            await asyncio.wait_for(self.connected.wait(), 5)
        except TimeoutError:
            log.warning("live classes: Redis at %s does not answer yet", self.url)

    async def stop(self) -> None:
        if self.listener:
            self.listener.cancel()
            await asyncio.gather(self.listener, return_exceptions=True)
        if self.redis:
            await self.redis.aclose()
        self.local.clear()
        self.channels.clear()

    async def _listen(self) -> None:
        """Receive every subscribed channel's payloads; after a lost connection, reconnect,
        resubscribe and have every socket resync (what was published meanwhile is lost)."""
        pause, first = 0.1, True
        while True:
            client = redis.from_url(self.url, decode_responses=True, socket_connect_timeout=2)
            self.pubsub = client.pubsub(ignore_subscribe_messages=True)
            try:
                await self.pubsub.subscribe(ALIVE, *self.channels)
                self.connected.set()
                if not first:
                    log.warning("live classes: Redis is back; every socket resyncs")
                    self.lost()
                first, pause = False, 0.1
                async for message in self.pubsub.listen():
                    if message["type"] == "message":
                        self.deliver(message["channel"][len(PREFIX) + 3 :], message["data"])
            except (RedisError, OSError) as error:
                log.warning("live classes: Redis connection lost (%s); retrying", error)
                self.connected.clear()
                await asyncio.sleep(pause)
                pause = min(2 * pause, 2.0)
            finally:
                await asyncio.gather(self.pubsub.aclose(), client.aclose(), return_exceptions=True)

    async def create(self, code: str, record: Record) -> bool:
        key = _key("class", code)
        if not await self.redis.hsetnx(key, "secret", record.secret_hash):
            return False
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                key,
                mapping={
                    "state": record.state,
                    "seq": record.seq,
                    "locked": int(record.locked),
                    "question": orjson.dumps(record.question).decode(),
                },
            )
            pipe.expire(key, self.ttl)
            pipe.delete(_key("answers", code))
            pipe.zadd(PREFIX + "classes", {code: self._now() + self.ttl * 1000})
            await pipe.execute()
        return True

    async def get(self, code: str) -> Record | None:
        data = await self.redis.hgetall(_key("class", code))
        if "secret" not in data:
            return None
        return Record(
            data["secret"],
            data.get("state", ""),
            int(data.get("seq", 0)),
            data.get("locked", "1") == "1",
            orjson.loads(data.get("question", "null")),
        )

    async def set_state(self, code: str, state: str) -> int | None:
        seq = await self.set_state_script(keys=[_key("class", code)], args=[state, self.ttl])
        return None if seq is None else int(seq)

    async def set_fields(self, code: str, *, locked=None, question=UNCHANGED) -> bool:
        clear = question is not UNCHANGED and not (question and question["revealed"])
        args = [
            "" if locked is None else int(locked),
            "" if question is UNCHANGED else orjson.dumps(question).decode(),
            "1" if clear else "0",
            self.ttl,
        ]
        return bool(await self.set_fields_script(keys=[_key("class", code), _key("answers", code)], args=args))

    async def answer(self, code: str, client: str, value: float) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(_key("answers", code), client, repr(value))
            pipe.expire(_key("answers", code), self.ttl)
            await pipe.execute()

    async def answers(self, code: str) -> list[float]:
        return sorted(float(v) for v in await self.redis.hvals(_key("answers", code)))

    async def join(self, code: str, client: str) -> None:
        self.local[code, client] += 1
        if self.local[code, client] == 1:
            await self._renew(self.redis, code, [client])

    async def leave(self, code: str, client: str) -> None:
        self.local[code, client] -= 1
        if self.local[code, client] <= 0:
            del self.local[code, client]
            await self.redis.zrem(_key("present", code), client)

    async def students(self, code: str) -> int:
        return await self.redis.zcount(_key("present", code), self._stale(), "+inf")

    async def publish(self, code: str, payload: str) -> None:
        await self.redis.publish(_key("ch", code), payload)

    async def subscribe(self, code: str) -> None:
        self.channels.add(_key("ch", code))
        try:
            await self.pubsub.subscribe(_key("ch", code))
        except (RedisError, OSError, AttributeError):
            pass  # the listener subscribes to every channel when it reconnects

    async def unsubscribe(self, code: str) -> None:
        self.channels.discard(_key("ch", code))
        try:
            await self.pubsub.unsubscribe(_key("ch", code))
        except (RedisError, OSError, AttributeError):
            pass

    async def end(self, code: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(_key("class", code), _key("answers", code), _key("present", code))
            pipe.zrem(PREFIX + "classes", code)
            await pipe.execute()

    async def touch(self, code: str) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            self._touch(pipe, code)
            await pipe.execute()

    def _touch(self, pipe, code: str) -> None:
        for kind in ("class", "answers", "present"):
            pipe.expire(_key(kind, code), self.ttl)
        pipe.zadd(PREFIX + "classes", {code: self._now() + self.ttl * 1000}, xx=True)

    async def count_classes(self) -> int:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(PREFIX + "classes", "-inf", self._now())
            pipe.zcard(PREFIX + "classes")
            return (await pipe.execute())[1]

    async def maintain(self, active: dict[str, set[str]]) -> set[str]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for code, clients in active.items():
                await self._renew(pipe, code, sorted(clients))
            dropped = await pipe.execute()
        return {code for code, n in zip(active, dropped) if n}

    async def _renew(self, client: Any, code: str, present: list[str]) -> int:
        """Mark `present` as here now and push the class's expiry back, if it still exists
        (on a pipeline: queued, the count comes with the pipeline's results)."""
        keys = [_key("class", code), _key("answers", code), _key("present", code), PREFIX + "classes"]
        args = [self._now(), self.ttl, self._stale(), code, *present]
        return await self.renew_script(keys=keys, args=args, client=client)
