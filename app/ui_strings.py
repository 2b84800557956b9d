"""The page's translated strings (static/i18n/<lang>.json) and the choice of language."""

import json
from functools import cache

from . import page_modules
from .paths import STATIC

LANGUAGES = (("en", "English"), ("zh-Hant", "繁體中文"), ("zh-Hans", "简体中文"))
CODES = tuple(code for code, _ in LANGUAGES)
TRADITIONAL_REGIONS = ("tw", "hk", "mo", "hant")


@cache
def strings(lang: str) -> dict[str, str]:
    """Every string of the page in one language; read once per process."""
    return json.loads((STATIC / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def negotiate(accept_language: str | None) -> str:
    """The best of en, zh-Hant and zh-Hans for an Accept-Language header."""
    ranked = []
    for order, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, order, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:  # q=0: "not acceptable"
            continue
        if tag.startswith("zh"):
            subtags = tag.split("-")[1:]
            return "zh-Hant" if any(s in TRADITIONAL_REGIONS for s in subtags) else "zh-Hans"
        if tag.startswith("en") or tag == "*":
            return "en"
    return "en"


@cache
def first_render_keys() -> frozenset[str]:
    """The string keys the page's first-render modules may ask for (read once, not per language)."""
    return frozenset(page_modules.keys_used(page_modules.first_render(), set(strings("en"))))


@cache
def first_render_strings(lang: str) -> dict[str, str]:
    """The strings the page's first-render modules may ask for, in one language: what the
    page embeds. The parts loaded later fetch the whole file (static/js/i18n.js)."""
    wanted = first_render_keys()
    return {key: text for key, text in strings(lang).items() if key in wanted}
