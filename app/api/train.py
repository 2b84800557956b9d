"""The training lab: start a job, stream its progress, read, cancel. Training itself runs in
worker processes (app.train.jobs); this layer only validates and serialises."""

import asyncio
import secrets
import time
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Literal, Optional

import orjson
from fastapi import APIRouter, Header, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from .. import config as cfg
from ..connections import stopping
from ..errors import FieldError, error_response
from ..live.codes import ALPHABET, CODE_LENGTH, secret_matches
from ..schemas import ErrorResponse
from ..train.jobs import Busy, ClientBusy, Job, JobManager, Limits
from ..train.tasks import make_task


def make_jobs(settings) -> JobManager:
    """The app's training jobs for `settings`: shared through Redis with a Redis URL (every
    worker and instance answers for every job; the job limit is the fleet's), else this
    process's own."""
    shared = None
    if settings.redis_url:
        from ..train.redis_jobs import RedisJobs

        shared = RedisJobs(settings.redis_url, cfg.TRAIN_KEEP_SECONDS + settings.train_max_seconds)
    return JobManager(cfg.TRAIN_MAX_JOBS, cfg.TRAIN_KEEP_SECONDS, cfg.TRAIN_KEEP_JOBS, shared=shared)


def _jobs(http: Request) -> JobManager:
    return http.app.state.train_jobs


CODE_PATTERN = f"^[{ALPHABET}]{{{CODE_LENGTH}}}$"
CLIENT_COOKIE = "lstm_lab_trainer"  # the browser's id: one running job each (a school is one NAT)
STREAM_SECONDS = 0.1  # how often the event stream looks for news (at most ~10 events/s)
KEEP_ALIVE_SECONDS = 15.0
WATCH_SECONDS = 1.0  # how often an open stream tells the job it is watched


@asynccontextmanager
async def lifespan(app):
    yield
    await asyncio.to_thread(app.state.train_jobs.shutdown)  # stop every training process with the server


router = APIRouter(prefix="/api/train", tags=["train"], lifespan=lifespan)
ERRORS: dict[int | str, dict] = {code: {"model": ErrorResponse} for code in (400, 404, 413, 422, 429)}
SPLIT: dict[int | str, dict] = {
    503: {"model": ErrorResponse, "description": "Several workers without Redis: a job would be lost."}
}


if TYPE_CHECKING:  # a type checker cannot read a Literal built at run time
    TrainModel = str
else:
    TrainModel = Literal[cfg.TRAIN_MODELS]


class TrainRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    task: Literal["first-symbol", "adding"] = Field(
        description="`first-symbol`: the paper's Exp. 2a, remember the first of `lag` "
        "symbols; `adding`: the 1997 adding problem with minimal length `lag`."
    )
    lag: Annotated[
        int,
        Field(
            ge=cfg.TRAIN_LAG_MIN,
            le=cfg.TRAIN_LAG_MAX,
            description=("The lag (`first-symbol`) or minimal length (`adding`, at least 2)."),
        ),
    ] = cfg.TRAIN_LAG_DEFAULT
    model: TrainModel = "lstm1997"
    seed: Annotated[int, Field(ge=0, le=cfg.TRAIN_SEED_MAX)] = 0
    budget: Optional[Annotated[int, Field(ge=cfg.TRAIN_BUDGET_MIN, le=cfg.TRAIN_BUDGET_MAX)]] = Field(
        None, description=f"Training sequences before giving up; default {cfg.TRAIN_BUDGET_DEFAULT}."
    )
    class_code: Optional[Annotated[str, Field(pattern=CODE_PATTERN)]] = Field(
        None, description="The live class the student's page is in: its teacher sees the job."
    )


class JSONBytes(Response):
    media_type = "application/json"


def _json(job: Job, status_code: int = 200) -> Response:
    return JSONBytes(
        orjson.dumps({**job.summary(), "guess": _guess(job)}, option=orjson.OPT_SERIALIZE_NUMPY),
        status_code=status_code,
    )


def _guess(job: Job) -> dict | None:
    """Loss and share right that a network with no memory can reach on this job's task."""
    return make_task(job.config["task"], job.config["lag"]).guess


async def _job(http: Request, job_id: str) -> Job:
    job = await asyncio.to_thread(_jobs(http).get, job_id)
    if job is None:
        raise FieldError(
            "id",
            f"no training job has this id (finished jobs are kept {cfg.TRAIN_KEEP_SECONDS // 60} minutes)",
            status=404,
            kind="not_found",
        )
    return job


def _client(http: Request) -> tuple[str, bool]:
    """The browser's id from its cookie, or a new one; and whether it is new."""
    known = http.cookies.get(CLIENT_COOKIE, "")
    if len(known) == 32 and all(c in "0123456789abcdef" for c in known):
        return known, False
    return secrets.token_hex(16), True


@router.post("", status_code=202, responses={**ERRORS, **SPLIT})
async def start(request: TrainRequest, http: Request) -> Response:
    """Start training in a worker process; answers at once with the job's id. One running
    job per browser (a cookie), stopped after a wall-clock limit or when nobody watches it."""
    if request.task == "adding" and request.lag < 2:
        raise FieldError("lag", "the adding problem needs a length of at least 2")
    settings = http.app.state.settings
    if not settings.shared:  # the job's own worker alone would know it
        message = (
            f"The server runs {settings.workers} workers without Redis, so a training job would be "
            "unknown to all but one of them: start it with --workers 1, or give --redis-url."
        )
        return error_response(
            503, [{"field": "request", "type": "jobs_split", "message": message}], error="training jobs would split"
        )
    config = request.model_dump(exclude={"class_code"})
    config["budget"] = request.budget or cfg.TRAIN_BUDGET_DEFAULT[request.task]
    client, new = _client(http)
    limits = Limits(settings.train_max_seconds, settings.train_unwatched)
    try:
        job = await asyncio.to_thread(_jobs(http).start, config, client, limits, request.class_code)
    except ClientBusy as busy:
        raise FieldError(
            "request", f"{busy}; stop it or wait for it to finish", status=429, kind="one_job_per_client"
        ) from None
    except Busy as busy:
        raise FieldError(
            "request", f"{busy}; wait for one to finish or stop one", status=429, kind="too_many_jobs"
        ) from None
    answer = _json(job, 202)
    if new:
        answer.set_cookie(CLIENT_COOKIE, client, httponly=True, samesite="strict", path="/api/train")
    return answer


async def _teacher_of(http: Request, code: str, secret: str) -> None:
    """Raise unless `secret` is the teacher's secret of live class `code` (via the live broker)."""
    record = await http.app.state.live.broker.get(code) if len(code) == CODE_LENGTH else None
    if record is None:
        raise FieldError("code", "no live class has this code", status=404, kind="unknown_class")
    if not secret_matches(secret, record.secret_hash):
        raise FieldError("secret", "this is not the secret of this class's teacher", status=403, kind="bad_secret")


def _brief(job: Job) -> dict:
    return {"id": job.id, "status": job.status, **job.config, "progress": job.progress}


@router.get("/class/{code}", responses={**ERRORS, 403: {"model": ErrorResponse}})
async def class_jobs(
    code: str, http: Request, secret: Annotated[str, Header(alias="X-Class-Secret", max_length=100)] = ""
) -> Response:
    """The teacher's view: the training jobs started from this class's students' pages."""
    await _teacher_of(http, code, secret)
    found = await asyncio.to_thread(_jobs(http).in_class, code)
    return JSONBytes(orjson.dumps({"jobs": [_brief(j) for j in found]}))


@router.delete("/class/{code}/{job_id}", responses={**ERRORS, 403: {"model": ErrorResponse}})
async def class_stop(
    code: str, job_id: str, http: Request, secret: Annotated[str, Header(alias="X-Class-Secret", max_length=100)] = ""
) -> Response:
    """The teacher stops one of the class's training jobs."""
    await _teacher_of(http, code, secret)
    job = await _job(http, job_id)
    if job.class_code != code:
        raise FieldError("id", "no training job of this class has this id", status=404, kind="not_found")
    return await cancel(job_id, http)


@router.get("/{job_id}", responses=ERRORS)
async def status(job_id: str, http: Request) -> Response:
    """The job's status, its latest progress and, once it has ended, its result."""
    job = await _job(http, job_id)
    await asyncio.to_thread(_jobs(http).watch, job_id)
    return _json(job)


@router.delete("/{job_id}", responses=ERRORS)
async def cancel(job_id: str, http: Request) -> Response:
    """Stop the job (idempotent); answers once it has stopped, or after a few seconds."""
    job = await asyncio.to_thread(_jobs(http).cancel, job_id) or await _job(http, job_id)
    deadline = time.monotonic() + 3.0
    while not job.done and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        job = await _job(http, job_id)  # another process's job: a fresh copy
    return _json(job)


@router.get("/{job_id}/events", responses=ERRORS, response_class=StreamingResponse)
async def events(job_id: str, request: Request) -> StreamingResponse:
    """Server-sent events: `history` (the curve so far), `progress` now and as training
    goes on, then one `done`."""
    job = await _job(request, job_id)
    return StreamingResponse(
        _stream(job, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _event(name: str, data: dict | None) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


NO_PROGRESS = {"sequences": 0, "loss": None, "error": None, "solved_fraction": 0.0}


async def _stream(job: Job, request: Request):
    # First the whole curve so far: a page that reconnects, or a second page, draws it all.
    yield _event("history", {"points": job.history, "guess": _guess(job)})
    if not job.done:
        seen = job.version
        yield _event("progress", job.progress or NO_PROGRESS)
        quiet_since = time.monotonic()
        manager, watched = _jobs(request), 0.0
        while not job.done:
            if time.monotonic() - watched > WATCH_SECONDS:  # an open stream keeps the job alive
                watched = time.monotonic()
                await asyncio.to_thread(manager.watch, job.id)
            await asyncio.sleep(STREAM_SECONDS)
            fresh = await asyncio.to_thread(manager.get, job.id)  # another process's job: a copy
            job = fresh or job
            if stopping(request.scope) or await request.is_disconnected():
                return  # the server is shutting down (the page reconnects), or the client left
            if job.version != seen and job.progress is not None and not job.done:
                seen = job.version
                quiet_since = time.monotonic()
                yield _event("progress", job.progress)
            elif time.monotonic() - quiet_since > KEEP_ALIVE_SECONDS:
                quiet_since = time.monotonic()
                yield b": still training\n\n"
    yield _event("done", job.result)
