"""POST /api/run and /api/step: validate, call the model, serialise."""

import json
from typing import get_args, get_type_hints

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.requests import ClientDisconnect
from starlette.routing import request_response
from pydantic import BaseModel, ValidationError

from . import adapter
from ..errors import MAX_DETAIL, FieldError, body_problem, field_path
from ..schemas import ErrorResponse, RunRequest, RunResponse, Step, StepRequest


class JSONBytes(Response):
    media_type = "application/json"


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


async def _read_body(request: Request) -> bytes:
    """The whole body, straight from the ASGI messages (Starlette's request.body() goes
    through an async generator; the BodyLimit middleware has already capped the size)."""
    chunks = []
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def parse_body(request: Request, model: type[BaseModel]) -> BaseModel:
    """The request's JSON body validated as `model`, or the error FastAPI itself raises
    for it (same types and locations, so the error answers are unchanged)."""
    body = await _read_body(request)
    data = None
    if body and _is_json(request.headers.get("content-type", "")):
        try:  # parsed and validated in one pass; any failure is retold below, as FastAPI tells it
            return model.model_validate_json(body)
        except ValueError:
            pass
        data = _decode(body, request.headers.get("content-encoding"))
    elif body:
        data = body  # not JSON: fails validation as "not an object", as in FastAPI
    if data is None:
        raise RequestValidationError([{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}])
    unknown, count = unknown_fields(model, data)
    if count:  # reported alone, before pydantic builds one error object per unknown field
        raise FieldError.many(
            [
                {"field": field_path(loc), "message": "is not a field of this request", "type": "extra_forbidden"}
                for loc in unknown
            ],
            total=count,
        )
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in e.errors(include_url=False, include_input=False)]
        ) from e


def _decode(body: bytes, encoding: str | None):
    """json.loads(body), or the error that names what is wrong with the body."""
    if (encoding and encoding.strip().lower() != "identity") or body[:2] == b"\x1f\x8b":
        status, kind, message = body_problem(
            None if encoding else UnicodeDecodeError("utf-8", body[:2], 1, 2, "gzip"), encoding
        )
        raise FieldError("body", message, status=status, kind=kind)
    try:
        return json.loads(body)
    except json.JSONDecodeError as e:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", e.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": e.msg},
                }
            ],
            body=e.doc,
        ) from e
    except (ValueError, RecursionError) as e:  # not UTF-8, nested too deeply, too many digits
        status, kind, message = body_problem(e, None)
        raise FieldError("body", message, status=status, kind=kind) from e


def _model_of(annotation) -> type[BaseModel] | None:
    """The model class in a field's annotation (`Weights`, `Optional[State]`), if any."""
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def unknown_fields(model: type[BaseModel], data, loc: tuple = (), found: list | None = None) -> tuple[list, int]:
    """(locations of the first MAX_DETAIL keys of `data` that `model` and its nested models
    do not name, how many there are). A cheap scan: pydantic's own error objects cost
    ~3 us each, 0.06 s for 19,000 unknown fields."""
    found = [] if found is None else found
    count = 0
    if isinstance(data, dict):
        fields = model.model_fields
        for key, value in data.items():
            field = fields.get(key)
            if field is None:
                count += 1
                if len(found) < MAX_DETAIL:
                    found.append((*loc, key))
            elif isinstance(value, dict) and (inner := _model_of(field.annotation)) is not None:
                count += unknown_fields(inner, value, (*loc, key), found)[1]
    return found, count


class BodyRoute(APIRoute):
    """A route documented exactly as FastAPI documents it (its body model with ranges and
    defaults), whose handler only parses the JSON body, validates it with that model and
    calls the endpoint. FastAPI's general dependency solver cost more per request than the
    12-step cell itself; the validation rules are the model's, unchanged. With no
    dependencies to clean up, Starlette's plain request_response wraps the handler (same
    exception handling, without FastAPI's two exit stacks per request)."""

    def __init__(self, path: str, endpoint, **kwargs) -> None:
        super().__init__(path, endpoint, **kwargs)
        self.app = request_response(self.get_route_handler())

    def get_route_handler(self):
        endpoint = self.endpoint
        hints = get_type_hints(endpoint)
        model = next(hint for name, hint in hints.items() if name != "return")

        async def handle(request: Request) -> Response:
            return await endpoint(await parse_body(request, model))

        return handle


router = APIRouter(prefix="/api", tags=["cell"], route_class=BodyRoute)
ERRORS: dict[int | str, dict] = {code: {"model": ErrorResponse} for code in (400, 413, 422)}


@router.post("/run", response_model=RunResponse, responses=ERRORS)
async def run(request: RunRequest) -> Response:
    """Step the cell along the whole tape; every step reports all it computed."""
    return JSONBytes(adapter.run(request))


@router.post("/step", response_model=Step, responses=ERRORS)
async def step(request: StepRequest) -> Response:
    """One step from a given state; feed each answer's cell and output back as state."""
    return JSONBytes(adapter.step(request))
