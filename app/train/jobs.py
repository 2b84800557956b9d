"""Training jobs off the request path: one process per job, a few at once, each cancellable.

A process, not a thread: the training loop is many small NumPy calls that hold the GIL, so a
thread would slow the server's own requests; a process also uses the second core. Each job
runs `python -m app.train.worker` (plain subprocess: no fork of a threaded server, no
re-import of the server's main module) and talks in JSON lines. A reader thread per job
applies the messages; readers of the job (the event stream) only look at its fields.
"""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .. import config as cfg
from .blas import ENV_VARS

if TYPE_CHECKING:
    from .redis_jobs import RedisJobs

GUARD_SECONDS = 0.2  # how often running jobs are checked against their limits
CANCEL_WAIT_SECONDS = 5.0  # then a cancelled or shut-down process is terminated
SOURCE_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding `app`


class Busy(Exception):
    """As many jobs are running as allowed."""


class ClientBusy(Busy):
    """This client already has a job running (one per client: a fair share)."""


@dataclass(frozen=True)
class Limits:
    """A job's fair share: seconds it may run at most, and unwatched (no open event stream,
    no status read) before it is stopped."""

    max_seconds: float = 1200.0
    unwatched: float = 60.0


@dataclass
class Job:
    id: str
    config: dict
    status: str = "running"  # running | solved | failed | cancelled
    progress: dict | None = None  # the latest progress message
    history: list[dict] = field(default_factory=list)  # progress so far, thinned (History)
    result: dict | None = None  # the done message, with "status" and "demo"
    version: int = 0  # bumped on every change, so watchers can tell
    finished_at: float | None = None
    cancelled: bool = False  # a stop was asked for
    client: str = ""  # who started it (the page's cookie)
    class_code: str | None = None  # the live class whose student started it
    limits: Limits = field(default_factory=Limits)
    started_at: float = field(default_factory=time.monotonic)
    watched_at: float = field(default_factory=time.monotonic)  # last status read or stream tick
    stop_reason: str | None = None  # "time_limit" | "unwatched" once the server stopped it
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def done(self) -> bool:
        return self.status != "running"

    def watch(self) -> None:
        """Someone is looking at the job (a status read, an open event stream)."""
        self.watched_at = time.monotonic()

    def snapshot(self) -> dict:
        """What another process needs to answer for the job (JSON-ready)."""
        return {
            "id": self.id,
            "config": self.config,
            "status": self.status,
            "progress": self.progress,
            "history": self.history,
            "result": self.result,
            "version": self.version,
            "client": self.client,
            "class_code": self.class_code,
        }

    @classmethod
    def from_snapshot(cls, data: dict) -> "Job":
        """A read-only copy of a job another process owns."""
        return cls(
            data["id"],
            data["config"],
            data["status"],
            data["progress"],
            data["history"],
            data["result"],
            data["version"],
            client=data["client"],
            class_code=data.get("class_code"),
        )

    def summary(self) -> dict:
        return {"id": self.id, "status": self.status, **self.config, "progress": self.progress, "result": self.result}


class JobManager:
    """Starts, tracks, cancels and forgets jobs. Thread-safe. With `shared` (Redis), jobs
    and the running-job limit are shared by every process on the same Redis; without, this
    process's memory holds them."""

    def __init__(
        self,
        max_running: int,
        keep_seconds: float,
        keep_jobs: int,
        keep_per_client: int = cfg.TRAIN_KEEP_PER_CLIENT,
        shared: "RedisJobs | None" = None,
    ):
        self.max_running, self.keep_seconds, self.keep_jobs = max_running, keep_seconds, keep_jobs
        self.keep_per_client, self.shared = keep_per_client, shared
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._guard: threading.Thread | None = None

    def start(self, config: dict, client: str = "", limits: Limits = Limits(), class_code: str | None = None) -> Job:
        """Start training `config` (TrainConfig fields) for `client` (a student of live class
        `class_code`, if any); raises ClientBusy if the client has a job running, Busy at the
        server's limit."""
        with self._lock:
            self._forget_old()
            running = [j for j in self._jobs.values() if not j.done]
            job = Job(secrets.token_hex(8), dict(config), client=client, limits=limits, class_code=class_code)
            verdict = (
                "client"
                if client and any(j.client == client for j in running)
                else "fleet"
                if len(running) >= self.max_running
                else "ok"
            )
            if self.shared is not None:
                verdict = self.shared.claim(job.id, client, self.max_running)
            if verdict == "client":
                raise ClientBusy("this page already has a training job running")
            if verdict == "fleet":
                raise Busy(f"{self.max_running} training jobs are already running")
            job.process = subprocess.Popen(
                [sys.executable, "-m", "app.train.worker", json.dumps(job.config)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                bufsize=1,
                cwd=SOURCE_ROOT,
                env=_worker_env(),
            )
            self._jobs[job.id] = job
            self._share(job.snapshot())
            if self.shared is not None and class_code:
                self.shared.add_to_class(class_code, job.id)
            if self._guard is None or not self._guard.is_alive():
                self._guard = threading.Thread(target=self._enforce, daemon=True, name="train-guard")
                self._guard.start()
        threading.Thread(target=self._read, args=(job,), daemon=True, name=f"train-reader-{job.id}").start()
        return job

    def jobs(self) -> list[Job]:
        """Every job kept, newest first."""
        with self._lock:
            self._forget_old()
            return sorted(self._jobs.values(), key=lambda j: -j.started_at)

    def in_class(self, code: str) -> list[Job]:
        """The kept jobs started from live class `code`'s students' pages, newest first."""
        mine = [j for j in self.jobs() if j.class_code == code]
        if self.shared is None:
            return mine
        seen = {j.id for j in mine}
        return mine + [Job.from_snapshot(d) for d in self.shared.in_class(code) if d["id"] not in seen]

    def _enforce(self) -> None:
        """Guard thread: stop jobs past their wall-clock limit or unwatched too long; ends
        when no job runs."""
        while True:
            time.sleep(GUARD_SECONDS)
            now = time.monotonic()
            with self._lock:
                running = [j for j in self._jobs.values() if not j.done]
                if not running:
                    self._guard = None
                    return
            if self.shared is not None:
                self._signals(running)
            for job in running:
                if job.cancelled:
                    continue
                if now - job.started_at > job.limits.max_seconds:
                    job.stop_reason = "time_limit"
                elif now - job.watched_at > job.limits.unwatched:
                    job.stop_reason = "unwatched"
                else:
                    continue
                self.cancel(job.id)

    def get(self, job_id: str) -> Job | None:
        """The job: this process's own (live), or a copy of another process's (Redis)."""
        with self._lock:
            self._forget_old()
            job = self._jobs.get(job_id)
        if job is None and self.shared is not None:
            data = self.shared.load(job_id)
            job = None if data is None else Job.from_snapshot(data)
        return job

    def cancel(self, job_id: str) -> Job | None:
        """Ask the job to stop (idempotent); it reports `cancelled` when it has."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            job = self.get(job_id)
            if job is not None and not job.done and self.shared is not None:
                self.shared.signal(job_id, cancel=1)  # its owner stops it within a guard tick
            return job
        if not job.done and not job.cancelled:
            self._ask_to_stop(job)
            threading.Timer(CANCEL_WAIT_SECONDS, self._terminate, args=(job,)).start()
        return job

    def watch(self, job_id: str) -> None:
        """Someone is looking at the job: it is not stopped as unwatched."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None:
            job.watch()
        elif self.shared is not None:
            self.shared.signal(job_id, watched=int(time.time() * 1000))

    def _share(self, snapshot: dict, done: bool = False) -> None:
        if self.shared is not None and done:
            self.shared.finish(snapshot, self.keep_seconds, self.keep_per_client)
        elif self.shared is not None:
            self.shared.save(snapshot)

    def _signals(self, running: list[Job]) -> None:
        """Renew our running jobs in Redis and apply what other processes asked of them."""
        try:
            signals = self.shared.renew([j.id for j in running]) if self.shared else {}
        except Exception:  # Redis away for a moment: the jobs go on, limits still hold here
            return
        for job in running:
            signal = signals.get(job.id) or {}
            if signal.get("watched") is not None:
                job.watched_at = max(job.watched_at, time.monotonic() - signal["watched"])
            if signal.get("cancel"):
                self.cancel(job.id)

    def shutdown(self) -> None:
        """Cancel every running job and wait briefly for the processes to end."""
        with self._lock:
            running = [j for j in self._jobs.values() if not j.done]
        for job in running:
            self._ask_to_stop(job)
        deadline = time.monotonic() + CANCEL_WAIT_SECONDS
        for job in running:
            if job.process is None:  # a copy of another process's job has no process here
                continue
            try:
                job.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._terminate(job)

    def _ask_to_stop(self, job: Job) -> None:
        job.cancelled = True
        try:
            stdin = _pipes(job)[0]
            stdin.write("cancel\n")
            stdin.flush()
        except (OSError, ValueError):  # already gone
            pass

    def _read(self, job: Job) -> None:
        """Reader thread: apply the process's messages to the job until it ends."""
        stdin, stdout, process = _pipes(job)
        try:
            for line in stdout:
                message = json.loads(line)
                if "progress" in message:
                    self._update(job, progress=message["progress"], history=thin(job.history + [message["progress"]]))
                elif "done" in message:
                    self._update(job, result=message["done"], status=message["done"]["status"])
                    return
                else:
                    self._update(job, status="failed", result=self._failure(job, message.get("error", "failed")))
                    return
            failure = self._failure(job, "the training process stopped")
            self._update(job, status=failure["status"], result=failure)
        except (ValueError, OSError) as exc:
            self._update(job, status="failed", result=self._failure(job, str(exc)))
        finally:
            stdout.close()
            try:
                stdin.close()
            except OSError:
                pass
            try:
                process.wait(CANCEL_WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self._terminate(job)

    def _update(self, job: Job, status: str | None = None, **fields) -> None:
        with self._lock:
            for name, value in fields.items():
                setattr(job, name, value)
            if status is not None:
                if status == "cancelled" and job.result is not None:
                    job.result["status"] = "cancelled"
                if job.result is not None and job.stop_reason:
                    job.result["stopped_by"] = job.stop_reason
                job.status, job.finished_at = status, time.monotonic()
            job.version += 1
            snapshot = job.snapshot() if self.shared is not None else None
        if snapshot is not None:
            try:
                self._share(snapshot, done=status is not None)
            except Exception:  # Redis away: this process still answers for its own job
                pass

    def _failure(self, job: Job, message: str) -> dict:
        status = "cancelled" if job.cancelled else "failed"
        sequences = (job.progress or {}).get("sequences", 0)
        return {
            **job.config,
            "solved": False,
            "sequences": sequences,
            "seconds": None,
            "final_error": None,
            "status": status,
            "demo": None,
            "message": message,
            "stopped_by": job.stop_reason,
        }

    def _terminate(self, job: Job) -> None:
        if job.process is not None and job.process.poll() is None:
            job.process.kill()

    def _forget_old(self) -> None:
        """Drop finished jobs older than keep_seconds, all but each client's newest
        keep_per_client (a client's flood evicts only its own), and all but the newest
        keep_jobs in all (a memory bound)."""
        now = time.monotonic()
        finished = sorted((j for j in self._jobs.values() if j.done), key=lambda j: j.finished_at or 0.0, reverse=True)
        per_client: dict[str, int] = {}
        for k, job in enumerate(finished):
            per_client[job.client] = per_client.get(job.client, 0) + 1
            if (
                now - (job.finished_at or now) > self.keep_seconds
                or k >= self.keep_jobs
                or per_client[job.client] > self.keep_per_client
            ):
                del self._jobs[job.id]


def thin(points: list[dict], limit: int = cfg.TRAIN_HISTORY_POINTS) -> list[dict]:
    """The history kept bounded: past `limit` points every other point is dropped (the
    first and the newest stay), so a long run keeps its whole shape at half the detail.
    Returns a new list or `points` itself; a page that reconnects draws it whole."""
    if len(points) <= limit:
        return points
    kept = points[::2]
    return kept if len(points) % 2 else kept + points[-1:]


def _worker_env() -> dict:
    """The server's environment, with `app` importable and BLAS on one thread."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SOURCE_ROOT, env.get("PYTHONPATH")) if p)
    for name in ENV_VARS:
        env.setdefault(name, "1")
    return env


def _pipes(job: Job) -> tuple[IO[str], IO[str], subprocess.Popen]:
    """The worker process of a job this process started, with its text pipes."""
    process = job.process
    assert process is not None and process.stdin is not None and process.stdout is not None, (
        "only a job started here has a process"
    )
    return process.stdin, process.stdout, process
