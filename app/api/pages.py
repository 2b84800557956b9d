"""The page itself, the teacher's guide and the health check."""

from functools import lru_cache
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates

from .. import config, page_inline, page_modules, precompress, ui_strings
from ..live.codes import ALPHABET, CODE_LENGTH, normalise_code
from ..paths import ROOT, STATIC, TEMPLATES as TEMPLATE_DIR
from ..static_files import VERSIONED

TEMPLATES = Jinja2Templates(directory=TEMPLATE_DIR)
# The page's embedded JSON (`tojson`) as UTF-8 without spaces: a Chinese word as its own three
# bytes, not six per character as \uXXXX (tojson still escapes <, >, & and ').
TEMPLATES.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
router = APIRouter(tags=["page"])
# The icon inside the page (a data: URL, ~250 bytes gzipped) rather than a request of its own.
FAVICON = "data:image/svg+xml," + quote((STATIC / "img" / "favicon.svg").read_text().strip(), safe=" =:/")
# Preloaded in parallel: main.js and what it imports, not the parts loaded on first use.
MODULES = page_modules.first_render()
SHORTCUTS = [
    ("→", "help.key_forward"),
    ("←", "help.key_back"),
    ("kbd.space", "help.key_play"),
    ("Home", "help.key_reset"),
    ("End", "help.key_end"),
    ("← →", "help.key_arrows"),
    ("Shift + ← →", "help.key_fine"),
    ("Page Up / Page Down", "help.key_coarse"),
    ("Tab", "help.key_tape"),
    ("↑ ↓", "help.key_tape_value"),
    ("Enter / Esc", "help.key_tape_edit"),
    ("?", "help.key_help"),
]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request) -> Response:
    """The page in the visitor's language, with the shared ranges and defaults embedded."""
    return page(request)


@router.get("/join", response_class=HTMLResponse, include_in_schema=False)
async def join_form(request: Request) -> Response:
    """The page with the "Join a class" form open."""
    return page(request, join="")


@router.get("/join/{code}", response_class=HTMLResponse, include_in_schema=False)
async def join_class(request: Request, code: str) -> Response:
    """The page, which joins class `code` at once (a join link or its QR code). A code of
    the wrong form answers 404 with the form, which says so."""
    normal = normalise_code(code)
    return page(request, join=normal or code[:40], status_code=200 if normal else 404)


def page(request: Request, join: str | None = None, status_code: int = 200) -> Response:
    """The page; `join` (a class code, or "" for the form) puts it in a live class. The page
    and the form are the same for every visitor of a language: made and compressed once, and
    revalidated by ETag, so a reload transfers a few hundred bytes."""
    lang = ui_strings.negotiate(request.headers.get("accept-language"))
    if join:  # a class's code: made for this request
        return HTMLResponse(render(lang, join), status_code=status_code, headers={"Vary": "Accept-Language"})
    body, versions, tag = prepared(lang, join)
    return precompress.answer(request.headers, body, versions, tag, "text/html; charset=utf-8", "Accept-Language")


@lru_cache(maxsize=8)
def prepared(lang: str, join: str | None) -> tuple[bytes, dict[str, bytes], str]:
    """The page for `lang` (join: None, or "" for the join form), its br and gzip versions, its ETag."""
    body = render(lang, join).encode()
    return body, precompress.compressed(body), precompress.tag_of(body)


def render(lang: str, join: str | None) -> str:
    strings = ui_strings.strings(lang)

    def t(key: str) -> str:
        return strings.get(key, key)

    context = {
        "config": config.page_config(),
        "lang": lang,
        "strings": ui_strings.first_render_strings(lang),  # the rest come with the parts
        "t": t,
        "static": VERSIONED,
        "style": page_inline.CSS,  # inline: no request blocks the first paint
        "early_script": page_inline.SCRIPT,  # projector mode before the first paint
        "favicon": FAVICON,
        "languages": ui_strings.LANGUAGES,
        "modules": MODULES,
        "hideable": config.HIDEABLE_CONTROLS,
        "shortcuts": [(t(key) if key.startswith("kbd.") else key, text) for key, text in SHORTCUTS],
        "join": join,
        "code_alphabet": ALPHABET,
        "code_length": CODE_LENGTH,
    }
    return TEMPLATES.get_template("index.html").render(context)


@router.get("/teachers", response_class=PlainTextResponse, include_in_schema=False)
async def teachers_guide() -> PlainTextResponse:
    """docs/teachers.md, the teacher's guide in three languages, as plain text."""
    return PlainTextResponse(
        (ROOT / "docs" / "teachers.md").read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"}
    )


@router.get("/healthz")
async def healthz() -> dict:
    """Liveness check for load balancers and the Docker HEALTHCHECK."""
    return {"status": "ok"}
