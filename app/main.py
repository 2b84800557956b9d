"""The ASGI app: `app.main:app`."""

import os

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from fastapi_offline import FastAPIOffline

from . import __version__, config, errors, security, settings as runtime
from .api import cell, lessons, links, pages, qr, train
from .links import LinkStore
from .body_limit import BodyLimit
from .paths import STATIC


def create_app(settings: runtime.Settings | None = None) -> FastAPI:
    settings = settings or runtime.from_env()
    # /docs from files shipped with fastapi-offline, not a CDN: classrooms may be offline.
    # (No /redoc: ReDoc fetches its logo from its own CDN.)
    app = FastAPIOffline(
        redoc_url=None,
        title="LSTM Cell Lab",
        version=__version__,
        description="Step a 1997 gated memory cell (and its later variants) along an input tape.",
    )
    app.include_router(cell.router)  # first: the routes a class calls many times a second
    app.include_router(pages.router)
    app.include_router(lessons.router)
    app.include_router(qr.router)
    app.include_router(train.router)
    app.include_router(links.router)
    app.state.links = LinkStore(settings.links_file or runtime.default_links_file(os.environ))
    # Scripts and styles travel gzipped (Starlette's own middleware), which keeps the first
    # load near a third of its size; the API's answers stay as they are (no CPU spent there).
    app.mount("/static", GZipMiddleware(StaticFiles(directory=STATIC), minimum_size=1000), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=config.MAX_BODY_BYTES, timeout=settings.body_timeout)
    security.install(app, settings)
    return app


app = create_app()
