"""Guided lessons: one JSON file per lesson beside this module, checked once at import.

A lesson is data (a tape, gate schedules, a variant and its texts in every language),
never code; `resolve(lesson, lang)` gives it with the texts in one language. Answers to
the "predict, then step" questions are not stored: the page reads them from the run.
"""

from .loader import LESSONS, LessonError, load_all, resolve, summary
from .models import Lesson

__all__ = ["LESSONS", "Lesson", "LessonError", "load_all", "resolve", "summary"]
