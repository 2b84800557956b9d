"""GET /api/lessons and /api/lessons/{id}: the guided lessons in one language."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from .. import lessons, ui_strings
from ..errors import FieldError
from ..lessons.models import LessonSummary, ResolvedLesson
from ..schemas import ErrorResponse

router = APIRouter(prefix="/api", tags=["lessons"])
# The language query: any of the page's languages; left out, the browser's Accept-Language.
Lang = Annotated[
    str | None,
    Query(
        json_schema_extra={"enum": list(ui_strings.CODES)},
        description="en, zh-Hant or zh-Hans; default: from Accept-Language",
    ),
]


def _language(lang: str | None, request: Request, response: Response) -> str:
    """The asked-for language, or the best one for the browser's Accept-Language."""
    if lang is None:
        response.headers["Vary"] = "Accept-Language"
        lang = ui_strings.negotiate(request.headers.get("accept-language"))
    elif lang not in ui_strings.CODES:
        raise FieldError("lang", f"must be one of {', '.join(ui_strings.CODES)}")
    response.headers["Content-Language"] = lang
    return lang


@router.get("/lessons", response_model=list[LessonSummary], responses={422: {"model": ErrorResponse}})
async def list_lessons(request: Request, response: Response, lang: Lang = None) -> list:
    """Every lesson's id, order, title and summary, in lesson order."""
    lang = _language(lang, request, response)
    return [lessons.summary(lesson, lang) for lesson in lessons.LESSONS.values()]


@router.get(
    "/lessons/{id}",
    response_model=ResolvedLesson,
    responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
)
async def get_lesson(id: str, request: Request, response: Response, lang: Lang = None) -> ResolvedLesson:
    """One lesson: its setup (tape, gate schedules, variant...) and its texts in `lang`."""
    lang = _language(lang, request, response)
    lesson = lessons.LESSONS.get(id)
    if lesson is None:
        raise FieldError(
            "id", f"no lesson has this id; known: {', '.join(lessons.LESSONS)}", status=404, kind="not_found"
        )
    return lessons.resolve(lesson, lang)
