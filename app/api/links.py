"""POST /api/links keeps a page state under a short id; GET /s/{id} opens it."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from ..errors import FieldError
from ..links import MAX_STATE, STATE
from ..schemas import ErrorResponse

router = APIRouter(tags=["links"])


class LinkRequest(BaseModel):
    state: str = Field(
        min_length=1, max_length=MAX_STATE, description="The page state: the share link's text after '#'."
    )


class LinkResponse(BaseModel):
    id: str
    path: str = Field(description="Where the short link opens, e.g. /s/abcdefghijklm.")


@router.post("/api/links", status_code=201, response_model=LinkResponse, responses={422: {"model": ErrorResponse}})
def save_link(body: LinkRequest, request: Request) -> LinkResponse:
    """Keep a page state under a short id that survives a restart of the server."""
    if not STATE.match(body.state):
        raise FieldError("state", "may hold only the characters of a page link (letters, digits, %=&,.-_+~)")
    key = request.app.state.links.save(body.state)
    return LinkResponse(id=key, path=f"/s/{key}")


@router.get("/s/{key}", include_in_schema=False)
def open_link(key: str, request: Request):
    """The page with the kept state, or a short page saying the link is unknown."""
    state = request.app.state.links.load(key)
    if state is None:
        return HTMLResponse(
            "<!doctype html><title>Unknown link</title><p>This short link is not known "
            'to this server. <a href="/">Open the LSTM Cell Lab</a>.</p>',
            status_code=404,
        )
    return RedirectResponse(f"/#{state}", status_code=303)
