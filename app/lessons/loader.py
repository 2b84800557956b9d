"""Read every lesson file once, check it, and serve it in one language."""

import json
from pathlib import Path

from pydantic import ValidationError

from .models import Lesson, LessonSummary, ResolvedLesson

HERE = Path(__file__).resolve().parent


class LessonError(ValueError):
    """A lesson file that cannot be served; names the file and the rule it breaks."""


def load_all(folder: Path = HERE) -> dict[str, Lesson]:
    """Every `*.json` lesson in `folder`, by id, in lesson order. Raises LessonError."""
    lessons = []
    for path in sorted(folder.glob("*.json")):
        try:
            lessons.append(Lesson.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, ValidationError) as exc:  # JSONDecodeError is a ValueError
            raise LessonError(f"{path.name}: {exc}") from exc
    if not lessons:
        raise LessonError(f"no lesson files in {folder}")
    ids = [lesson.id for lesson in lessons]
    if len(set(ids)) != len(ids):
        raise LessonError(f"two lessons share an id: {sorted(ids)}")
    orders = sorted(lesson.order for lesson in lessons)
    if orders != list(range(1, len(lessons) + 1)):
        raise LessonError(f"lesson orders must run 1..{len(lessons)}, each once: {orders}")
    return {lesson.id: lesson for lesson in sorted(lessons, key=lambda lesson: lesson.order)}


def summary(lesson: Lesson, lang: str) -> LessonSummary:
    return LessonSummary(
        id=lesson.id, order=lesson.order, title=lesson.title.get(lang), summary=lesson.summary.get(lang)
    )


def resolve(lesson: Lesson, lang: str) -> ResolvedLesson:
    """The lesson with every text in `lang` (one of app.ui_strings.CODES)."""
    steps = [
        {"at": s.at, "text": s.text.get(lang), "predict": s.predict.model_dump() if s.predict else None}
        for s in lesson.steps
    ]
    return ResolvedLesson(
        **summary(lesson, lang).model_dump(),
        lang=lang,
        variant=lesson.variant,
        squash=lesson.squash,
        self_loop=lesson.self_loop,
        rnn_self_loop=lesson.rnn_self_loop,
        tape=lesson.tape,
        gates=lesson.gates,
        computed=lesson.computed,
        weights=lesson.weights,
        comparison=lesson.comparison.rows() if lesson.comparison else None,
        start_step=lesson.start_step,
        steps=steps,  # type: ignore[arg-type]  # dicts, validated into ResolvedStep
    )


LESSONS: dict[str, Lesson] = load_all()
