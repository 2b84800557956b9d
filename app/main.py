"""The ASGI app: `app.main:app`."""

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from . import __version__, config, errors, security, settings as runtime
from .api import cell, lessons, pages, qr, train
from .body_limit import BodyLimit
from .compress import CompressPage
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
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=config.MAX_BODY_BYTES, timeout=settings.body_timeout)
    app.add_middleware(CompressPage)
    security.install(app, settings)
    return app


app = create_app()
