"""What the page needs for its first render, read from the modules themselves at start-up.

The page preloads exactly main.js's static import graph (`import ... from "./x.js"`); the
parts it loads on first use with `import("./x.js")` (the training lab, the Teacher dialog,
a live class, the exporter, the GRU drawing, the lessons' worksheet) are not preloaded and
not fetched until needed. The page embeds only the strings that first-render modules can
ask for; a part fetches the rest with itself (static/js/once.js)."""

import re
from functools import cache

from .paths import STATIC

JS = STATIC / "js"
ENTRY = "main.js"
STATIC_IMPORT = re.compile(r'^\s*(?:import|export)\b[^"\'`;]*?\bfrom\s*["\']\./([\w.-]+\.js)["\']', re.M)
DYNAMIC_IMPORT = re.compile(r'\bimport\(\s*["\']\./([\w.-]+\.js)["\']\s*\)')
QUOTED = re.compile(r'"([\w.-]+)"')  # every double-quoted word that is a string key
TEMPLATE_PREFIX = re.compile(r"`([\w-]+(?:\.[\w-]+)*\.)\$\{")  # t(`gate.${g}`): every "gate." key


def static_imports(module: str) -> list[str]:
    return STATIC_IMPORT.findall((JS / module).read_text(encoding="utf-8"))


def dynamic_imports(module: str) -> list[str]:
    return DYNAMIC_IMPORT.findall((JS / module).read_text(encoding="utf-8"))


@cache
def first_render(entry: str = ENTRY) -> tuple[str, ...]:
    """entry and every module it imports statically, directly or not, in the order found."""
    found = [entry]
    for module in found:
        found += [m for m in static_imports(module) if m not in found]
    return tuple(found)


def keys_used(modules: tuple[str, ...], every_key: set[str]) -> set[str]:
    """The string keys that `modules` may ask i18n.js for: each quoted key in them, and every
    key under a prefix they build keys from in a template literal."""
    used: set[str] = set()
    for module in modules:
        source = (JS / module).read_text(encoding="utf-8")
        used |= set(QUOTED.findall(source)) & every_key
        for prefix in TEMPLATE_PREFIX.findall(source):
            used |= {key for key in every_key if key.startswith(prefix)}
    return used
