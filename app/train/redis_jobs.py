"""Training jobs shared through Redis: every worker and instance on the same Redis answers
status, stream and cancel for any job, and the job limit is the fleet's.

The process that started a job owns its training process; it writes the job's snapshot
(status, progress, bounded history, result) here on every change, and reads the job's
signals (a cancel asked for anywhere, the last time anyone watched it) every guard tick.

Keys:
  lstm-lab:jobs:running       sorted set: job id -> owner's last heartbeat (ms); a crashed
                              owner's jobs drop out after STALE_SECONDS
  lstm-lab:jobs:clients       hash: running job id -> client (one running job per client)
  lstm-lab:job:{id}           string: the job's snapshot (JSON), expiring
  lstm-lab:job-signal:{id}    hash: cancel -> 1, watched -> ms, expiring
  lstm-lab:jobs:class:{code}  set: ids of jobs started from the class's students' pages
  lstm-lab:jobs:kept:{client} list: the client's finished jobs, newest first; past the
                              newest few their snapshots are deleted (a flood evicts its own)

redis-py's synchronous client: the job manager's reader and guard threads call it, and the
API calls the manager through asyncio.to_thread."""

import time

import orjson
import redis

PREFIX = "lstm-lab:"
RUNNING, CLIENTS = PREFIX + "jobs:running", PREFIX + "jobs:clients"
STALE_SECONDS = 10.0  # an owner that has not renewed its jobs for this long is gone

# KEYS: running, clients. ARGV: id, client, max running, now (ms), stale before (ms).
_CLAIM = """
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[5])) do
  redis.call('HDEL', KEYS[2], id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[5])
if ARGV[2] ~= '' then
  for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    if redis.call('HGET', KEYS[2], id) == ARGV[2] then return 'client' end
  end
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 'fleet' end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 'ok'
"""


def _now() -> int:
    return int(time.time() * 1000)


class RedisJobs:
    """The shared half of a JobManager (see app.train.jobs)."""

    def __init__(self, url: str, ttl: float) -> None:
        self.ttl = max(1, int(ttl))  # s a job's keys live after its last change
        self.redis = redis.Redis.from_url(
            url, decode_responses=True, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
        )
        self.claim_script = self.redis.register_script(_CLAIM)

    def claim(self, job_id: str, client: str, max_running: int) -> str:
        """'ok' (the job may run), 'client' (the client has one running) or 'fleet' (full)."""
        now = _now()
        return self.claim_script(
            keys=[RUNNING, CLIENTS], args=[job_id, client, max_running, now, now - int(STALE_SECONDS * 1000)]
        )

    def release(self, job_id: str) -> None:
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.zrem(RUNNING, job_id)
            pipe.hdel(CLIENTS, job_id)
            pipe.execute()

    def save(self, snapshot: dict) -> None:
        self.redis.set(PREFIX + "job:" + snapshot["id"], orjson.dumps(snapshot), ex=self.ttl)

    def finish(self, snapshot: dict, keep_seconds: float, keep_per_client: int) -> None:
        """Store the ended job for keep_seconds and free its claim; the client's ended jobs
        beyond its newest keep_per_client are forgotten."""
        job_id, kept = snapshot["id"], PREFIX + "jobs:kept:" + snapshot["client"]
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(PREFIX + "job:" + job_id, orjson.dumps(snapshot), ex=max(1, int(keep_seconds)))
            pipe.zrem(RUNNING, job_id)
            pipe.hdel(CLIENTS, job_id)
            pipe.lpush(kept, job_id)
            pipe.lrange(kept, keep_per_client, -1)
            pipe.ltrim(kept, 0, keep_per_client - 1)
            pipe.expire(kept, max(1, int(keep_seconds)))
            evicted = pipe.execute()[4]
        if evicted:
            self.redis.delete(*(PREFIX + "job:" + old for old in evicted))

    def load(self, job_id: str) -> dict | None:
        data = self.redis.get(PREFIX + "job:" + job_id)
        return None if data is None else orjson.loads(data)

    def signal(self, job_id: str, **fields: int) -> None:
        """Set `cancel` and/or `watched` for the job's owner to read."""
        key = PREFIX + "job-signal:" + job_id
        with self.redis.pipeline(transaction=False) as pipe:
            for name, value in fields.items():
                pipe.hset(key, name, value)
            pipe.expire(key, self.ttl)
            pipe.execute()

    def renew(self, job_ids: list[str]) -> dict[str, dict]:
        """Heartbeat the owner's running jobs; their signals: id -> {cancel, watched (s ago)}."""
        if not job_ids:
            return {}
        now = _now()
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(RUNNING, dict.fromkeys(job_ids, now), xx=True)
            for job_id in job_ids:
                pipe.hgetall(PREFIX + "job-signal:" + job_id)
            answers = pipe.execute()[1:]
        return {
            job_id: {
                "cancel": bool(a.get("cancel")),
                "watched": (now - int(a["watched"])) / 1000 if a.get("watched") else None,
            }
            for job_id, a in zip(job_ids, answers)
        }

    def add_to_class(self, code: str, job_id: str) -> None:
        key = PREFIX + "jobs:class:" + code
        with self.redis.pipeline(transaction=False) as pipe:
            pipe.sadd(key, job_id)
            pipe.expire(key, self.ttl)
            pipe.execute()

    def in_class(self, code: str) -> list[dict]:
        """Snapshots of the class's jobs still kept (forgotten ones leave the set)."""
        key = PREFIX + "jobs:class:" + code
        ids = sorted(str(job_id) for job_id in self.redis.smembers(key))  # decode_responses
        found = [self.load(job_id) for job_id in ids]
        gone = [job_id for job_id, data in zip(ids, found) if data is None]
        if gone:
            self.redis.srem(key, *gone)
        return [data for data in found if data is not None]
