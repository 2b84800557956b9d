"""Every client error as one JSON shape that names the offending field; never a 500."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

log = logging.getLogger("lstm_cell_lab")


class FieldError(Exception):
    """A request that validates field by field but fails as a whole (e.g. a schedule
    whose length differs from the tape). `field` is a dotted path such as `gates.input`."""

    def __init__(self, field: str, message: str, status: int = 422, kind: str = "value_error"):
        super().__init__(message)
        self.items = [{"field": field, "message": message, "type": kind}]
        self.status, self.total = status, 1

    @classmethod
    def many(cls, items: list[dict], total: int, status: int = 422) -> "FieldError":
        """Several problems: `items` the first few ({field, message, type}), `total` all."""
        error = cls(items[0]["field"], items[0]["message"], status, items[0]["type"])
        error.items, error.total = items, total
        return error


def field_path(loc: tuple) -> str:
    """("body", "gates", "input", 3) -> "gates.input[3]"; ("query", "lang") -> "lang"."""
    path = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path") else loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


MAX_DETAIL = 10  # problems listed in an error answer; the rest are counted


def error_response(
    status: int, items: list[dict], error: str = "invalid request", total: int | None = None
) -> JSONResponse:
    """The error shape; `items` are the first problems (at most MAX_DETAIL are listed),
    `total` how many there were in all (default: len(items))."""
    total = len(items) if total is None else total
    items = items[:MAX_DETAIL]
    first = items[0]
    more = f" (and {total - 1} more)" if total > 1 else ""
    message = f"{first['field']}: {first['message']}{more}"
    body: dict = {
        "error": error,
        "message": message,
        "fields": list(dict.fromkeys(i["field"] for i in items)),
        "detail": items,
    }
    if total > len(items):
        body["more"] = total - len(items)
    return JSONResponse(body, status_code=status)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    items = []
    for e in errors[:MAX_DETAIL]:
        kind = e.get("type", "value_error")
        field = field_path(tuple(e.get("loc", ())))
        message = e.get("msg", "invalid value")
        if kind == "json_invalid":
            field, message = "body", f"malformed JSON: {e.get('ctx', {}).get('error', message)}"
        elif kind == "finite_number":
            message = "must be a finite number (no NaN or infinity)"
        elif field == "body" and kind in ("model_attributes_type", "model_type", "dict_type", "missing"):
            message = "must be a JSON object sent with Content-Type: application/json"
        elif kind == "extra_forbidden":
            message = "is not a field of this request"
        items.append({"field": field, "message": message, "type": kind})
    status = 400 if any(i["type"] == "json_invalid" for i in items) else 422
    return error_response(status, items, total=len(errors))


def body_problem(cause: BaseException | None, encoding: str | None) -> tuple[int, str, str]:
    """(status, type, message) for a body json.loads could not decode, naming the cause."""
    if encoding and encoding.strip().lower() != "identity":
        return 415, "unsupported_encoding", f"is compressed ({encoding}); send the JSON uncompressed"
    if isinstance(cause, UnicodeDecodeError):
        if cause.object[:2] == b"\x1f\x8b":
            return 415, "unsupported_encoding", "is gzip-compressed; send the JSON uncompressed"
        return 400, "json_invalid", f"is not valid UTF-8 (byte {cause.start}); send JSON as UTF-8"
    if isinstance(cause, RecursionError):
        return 400, "json_invalid", "malformed JSON: nested too deeply"
    return 400, "json_invalid", f"malformed JSON: {cause or 'the body could not be decoded'}"


async def _field_error(request: Request, exc: FieldError) -> JSONResponse:
    return error_response(exc.status, exc.items, total=exc.total)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        # FastAPI could not decode the body at all (json.loads raised other than JSONDecodeError)
        status, kind, message = body_problem(exc.__cause__, request.headers.get("content-encoding"))
        return error_response(status, [{"field": "body", "type": kind, "message": message}])
    items = [
        {
            "field": "path" if exc.status_code in (404, 405) else "request",
            "message": str(exc.detail).lower(),
            "type": f"http_{exc.status_code}",
        }
    ]
    response = error_response(exc.status_code, items, error=str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["allow"] = ", ".join(allowed_methods(request))
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this path (Starlette names only the first route's,
    so GET /api/train/{id} hid its DELETE); HEAD wherever GET is (app.head)."""
    methods: set[str] = set()
    routes = list(request.app.router.routes)
    while routes:
        route = routes.pop()
        if hasattr(route, "original_router"):  # FastAPI's wrapper of an included router
            routes += route.original_router.routes
        elif route.matches(request.scope)[0] != Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path)
    items = [{"field": "request", "message": "the server failed unexpectedly", "type": "internal"}]
    return error_response(500, items, error="internal error")


def install(app: FastAPI) -> None:
    # Starlette types a handler's exception as Exception; each of ours takes its own kind.
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(FieldError, _field_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
