"""Every client error as one JSON shape that names the offending field; never a 500."""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

log = logging.getLogger("lstm_cell_lab")


class FieldError(Exception):
    """A request that validates field by field but fails as a whole (e.g. a schedule
    whose length differs from the tape). `field` is a dotted path such as `gates.input`."""

    def __init__(self, field: str, message: str, status: int = 422, kind: str = "value_error"):
        super().__init__(message)
        self.items = [{"field": field, "message": message, "type": kind}]
        self.status = status


def field_path(loc: tuple) -> str:
    """("body", "gates", "input", 3) -> "gates.input[3]"; ("query", "lang") -> "lang"."""
    path = ""
    for part in loc[1:] if loc and loc[0] in ("body", "query", "path") else loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "body"


def error_response(status: int, items: list[dict], error: str = "invalid request") -> JSONResponse:
    first = items[0]
    more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
    message = f"{first['field']}: {first['message']}{more}"
    body = {"error": error, "message": message,
            "fields": list(dict.fromkeys(i["field"] for i in items)), "detail": items}
    return JSONResponse(body, status_code=status)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    items = []
    for e in exc.errors():
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
    return error_response(status, items)


async def _field_error(request: Request, exc: FieldError) -> JSONResponse:
    return error_response(exc.status, exc.items)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        # FastAPI could not decode the body at all (json.loads raised other than JSONDecodeError)
        items = [{"field": "body", "type": "json_invalid", "message": "malformed JSON: the body "
                  "could not be decoded (nested too deeply, or a number with too many digits)"}]
        return error_response(400, items)
    items = [{"field": "path" if exc.status_code in (404, 405) else "request",
              "message": str(exc.detail).lower(), "type": f"http_{exc.status_code}"}]
    response = error_response(exc.status_code, items, error=str(exc.detail))
    response.headers.update(exc.headers or {})
    return response


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s", request.url.path)
    items = [{"field": "request", "message": "the server failed unexpectedly", "type": "internal"}]
    return error_response(500, items, error="internal error")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(FieldError, _field_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
