"""The ASGI app: `app.main:app`."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import __version__, config, errors
from .api import cell, pages
from .body_limit import BodyLimit
from .paths import STATIC


def create_app() -> FastAPI:
    app = FastAPI(
        title="LSTM Cell Lab",
        version=__version__,
        description="Step a 1997 gated memory cell (and its later variants) along an input tape.",
    )
    app.include_router(pages.router)
    app.include_router(cell.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=config.MAX_BODY_BYTES)
    return app


app = create_app()
