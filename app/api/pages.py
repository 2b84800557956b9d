"""The page itself, the teacher's guide and the health check."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.templating import Jinja2Templates

from .. import config, ui_strings
from ..paths import ROOT, STATIC, TEMPLATES as TEMPLATE_DIR

TEMPLATES = Jinja2Templates(directory=TEMPLATE_DIR)
router = APIRouter(tags=["page"])
MODULES = sorted(p.name for p in (STATIC / "js").glob("*.js"))  # preloaded in parallel
SHORTCUTS = [("→", "help.key_forward"), ("←", "help.key_back"), ("kbd.space", "help.key_play"),
             ("Home", "help.key_reset"), ("End", "help.key_end"), ("← →", "help.key_arrows"),
             ("Shift + ← →", "help.key_fine"), ("Page Up / Page Down", "help.key_coarse"),
             ("Tab", "help.key_tape"), ("↑ ↓", "help.key_tape_value"), ("Enter / Esc", "help.key_tape_edit"),
             ("?", "help.key_help")]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request) -> HTMLResponse:
    """The page in the visitor's language, with the shared ranges and defaults embedded."""
    lang = ui_strings.negotiate(request.headers.get("accept-language"))
    strings = ui_strings.strings(lang)

    def t(key: str) -> str:
        return strings.get(key, key)

    context = {
        "config": config.page_config(), "lang": lang, "strings": strings, "t": t,
        "languages": ui_strings.LANGUAGES, "modules": MODULES, "hideable": config.HIDEABLE_CONTROLS,
        "shortcuts": [(t(key) if key.startswith("kbd.") else key, text) for key, text in SHORTCUTS],
    }
    return TEMPLATES.TemplateResponse(request, "index.html", context, headers={"Vary": "Accept-Language"})


@router.get("/teachers", response_class=PlainTextResponse, include_in_schema=False)
async def teachers_guide() -> PlainTextResponse:
    """docs/teachers.md, the teacher's guide in three languages, as plain text."""
    return PlainTextResponse((ROOT / "docs" / "teachers.md").read_text(encoding="utf-8"),
                             headers={"Cache-Control": "no-cache"})


@router.get("/healthz")
async def healthz() -> dict:
    """Liveness check for load balancers and the Docker HEALTHCHECK."""
    return {"status": "ok"}
