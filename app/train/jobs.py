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

from .. import config as cfg
from .blas import ENV_VARS

CANCEL_WAIT_SECONDS = 5.0  # then a cancelled or shut-down process is terminated
SOURCE_ROOT = str(Path(__file__).resolve().parents[2])  # the directory holding `app`


class Busy(Exception):
    """As many jobs are running as allowed."""


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
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def done(self) -> bool:
        return self.status != "running"

    def summary(self) -> dict:
        return {"id": self.id, "status": self.status, **self.config,
                "progress": self.progress, "result": self.result}


class JobManager:
    """Starts, tracks, cancels and forgets jobs. Thread-safe."""

    def __init__(self, max_running: int, keep_seconds: float, keep_jobs: int):
        self.max_running, self.keep_seconds, self.keep_jobs = max_running, keep_seconds, keep_jobs
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, config: dict) -> Job:
        """Start training `config` (TrainConfig fields); raises Busy at the limit."""
        with self._lock:
            self._forget_old()
            if sum(not j.done for j in self._jobs.values()) >= self.max_running:
                raise Busy(f"{self.max_running} training jobs are already running")
            job = Job(secrets.token_hex(8), dict(config))
            job.process = subprocess.Popen(
                [sys.executable, "-m", "app.train.worker", json.dumps(job.config)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
                cwd=SOURCE_ROOT, env=_worker_env())
            self._jobs[job.id] = job
        threading.Thread(target=self._read, args=(job,), daemon=True,
                         name=f"train-reader-{job.id}").start()
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            self._forget_old()
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Ask the job to stop (idempotent); it reports `cancelled` when it has."""
        job = self.get(job_id)
        if job is not None and not job.done and not job.cancelled:
            self._ask_to_stop(job)
            threading.Timer(CANCEL_WAIT_SECONDS, self._terminate, args=(job,)).start()
        return job

    def shutdown(self) -> None:
        """Cancel every running job and wait briefly for the processes to end."""
        with self._lock:
            running = [j for j in self._jobs.values() if not j.done]
        for job in running:
            self._ask_to_stop(job)
        deadline = time.monotonic() + CANCEL_WAIT_SECONDS
        for job in running:
            try:
                job.process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._terminate(job)

    def _ask_to_stop(self, job: Job) -> None:
        job.cancelled = True
        try:
            job.process.stdin.write("cancel\n")
            job.process.stdin.flush()
        except (OSError, ValueError):  # already gone
            pass

    def _read(self, job: Job) -> None:
        """Reader thread: apply the process's messages to the job until it ends."""
        try:
            for line in job.process.stdout:
                message = json.loads(line)
                if "progress" in message:
                    self._update(job, progress=message["progress"],
                                 history=thin(job.history + [message["progress"]]))
                elif "done" in message:
                    self._update(job, result=message["done"], status=message["done"]["status"])
                    return
                else:
                    self._update(job, status="failed",
                                 result=self._failure(job, message.get("error", "failed")))
                    return
            failure = self._failure(job, "the training process stopped")
            self._update(job, status=failure["status"], result=failure)
        except (ValueError, OSError) as exc:
            self._update(job, status="failed", result=self._failure(job, str(exc)))
        finally:
            job.process.stdout.close()
            try:
                job.process.stdin.close()
            except OSError:
                pass
            try:
                job.process.wait(CANCEL_WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self._terminate(job)

    def _update(self, job: Job, status: str | None = None, **fields) -> None:
        with self._lock:
            for name, value in fields.items():
                setattr(job, name, value)
            if status is not None:
                if status == "cancelled" and job.result is not None:
                    job.result["status"] = "cancelled"
                job.status, job.finished_at = status, time.monotonic()
            job.version += 1

    def _failure(self, job: Job, message: str) -> dict:
        status = "cancelled" if job.cancelled else "failed"
        sequences = (job.progress or {}).get("sequences", 0)
        return {**job.config, "solved": False, "sequences": sequences, "seconds": None,
                "final_error": None, "status": status, "demo": None, "message": message}

    def _terminate(self, job: Job) -> None:
        if job.process is not None and job.process.poll() is None:
            job.process.kill()

    def _forget_old(self) -> None:
        """Drop finished jobs older than keep_seconds, and all but the newest keep_jobs."""
        now = time.monotonic()
        finished = sorted((j for j in self._jobs.values() if j.done),
                          key=lambda j: j.finished_at)
        for k, job in enumerate(finished):
            if now - job.finished_at > self.keep_seconds or k < len(finished) - self.keep_jobs:
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
