"""The page itself and the health check."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from .. import config
from ..paths import TEMPLATES as TEMPLATE_DIR

TEMPLATES = Jinja2Templates(directory=TEMPLATE_DIR)
router = APIRouter(tags=["page"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request) -> HTMLResponse:
    """The visualizer page, with the shared ranges and defaults embedded as JSON."""
    return TEMPLATES.TemplateResponse(request, "index.html", {"config": config.page_config()})


@router.get("/healthz")
async def healthz() -> dict:
    """Liveness check for load balancers and the Docker HEALTHCHECK."""
    return {"status": "ok"}
