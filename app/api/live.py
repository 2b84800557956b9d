"""The live class: POST /api/classes, GET /api/classes/{code}, GET /api/live and the
WebSocket /ws/class/{code} (protocol in docs/api.md, "Live class")."""

from fastapi import APIRouter, Request, WebSocket
from pydantic import BaseModel, ConfigDict, Field

from ..errors import FieldError, error_response
from ..live import address, session
from ..live.codes import normalise_code
from ..schemas import ErrorResponse

router = APIRouter(tags=["live"])


class NewClass(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: str = Field("", description="The teacher page's serialized state.")


class ClassCreated(BaseModel):
    code: str = Field(description="Six characters from ABCDEFGHJKMNPQRSTUVWXYZ23456789.")
    teacher_secret: str = Field(description="Keep in the teacher's browser only.")
    join_url: str
    expires_in: int = Field(description="Seconds the class lives unused.")
    broker: str


class ClassInfo(BaseModel):
    code: str
    students: int


class LiveInfo(BaseModel):
    broker: str
    workers: int
    shared: bool = Field(description="False: several workers without Redis; a class would split.")
    join_base: str
    reachable: bool = Field(description="False: join links point at a loopback address.")
    warning: str | None


def live_info(settings) -> dict:
    base = address.join_base(settings.public_url, settings.listen_host, settings.listen_port)
    shared = settings.shared
    warning = (
        None
        if shared
        else (
            f"The server runs {settings.workers} workers without Redis, so a class would be split "
            "between them: start it with --workers 1, or give --redis-url."
        )
    )
    return {
        "broker": "redis" if settings.redis_url else "memory",
        "workers": settings.workers,
        "shared": shared,
        "join_base": base,
        "reachable": not address.is_loopback_url(base),
        "warning": warning,
    }


@router.post(
    "/api/classes",
    status_code=201,
    response_model=ClassCreated,
    responses={
        400: {"model": ErrorResponse},
        422: {"model": ErrorResponse},
        429: {"model": ErrorResponse},
        503: {"model": ErrorResponse, "description": "Several workers without Redis: a class would split."},
    },
)
async def create_class(request: Request, body: NewClass | None = None):
    """Start a class: its join code, the teacher's secret and the join link."""
    settings, live = request.app.state.settings, request.app.state.live
    info = live_info(settings)
    if not info["shared"]:  # each worker would hold its own copy: students split between them
        return error_response(
            503,
            [{"field": "request", "type": "classes_split", "message": info["warning"]}],
            error="classes would split",
        )
    state = body.state if body else ""
    if len(state.encode()) > settings.live_max_message:
        raise FieldError("state", f"has more than {settings.live_max_message} bytes")
    made = await live.create(state)
    if made is None:
        return error_response(
            429,
            [
                {
                    "field": "classes",
                    "type": "too_many_classes",
                    "message": f"this server already holds {settings.max_classes} classes; end one or try later",
                }
            ],
            error="too many classes",
        )
    code, secret = made
    base = info["join_base"]
    return {
        "code": code,
        "teacher_secret": secret,
        "join_url": f"{base}/join/{code}",
        "expires_in": int(settings.class_ttl),
        "broker": live.broker.name,
    }


@router.get("/api/classes/{code}", response_model=ClassInfo, responses={404: {"model": ErrorResponse}})
async def class_info(request: Request, code: str):
    """Whether a class is open, and how many students it has."""
    live = request.app.state.live
    normal = normalise_code(code)
    await live.ready()
    if normal is None or await live.broker.get(normal) is None:
        return error_response(
            404,
            [{"field": "code", "type": "unknown_class", "message": "no class has this code (it ended or expired)"}],
            error="unknown class",
        )
    return {"code": normal, "students": await live.broker.students(normal)}


@router.get("/api/live", response_model=LiveInfo)
async def live(request: Request):
    """How this server runs live classes: broker, workers, the base of join links."""
    return live_info(request.app.state.settings)


@router.websocket("/ws/class/{code}")
async def class_socket(websocket: WebSocket, code: str):
    settings = websocket.app.state.settings
    await session.run(websocket, code, websocket.app.state.live, settings.live_max_message, settings.live_rate)
