"""The ASGI app: `app.main:app`."""

import os
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from starlette.middleware.gzip import GZipMiddleware

from . import __version__, config, errors, security, settings as runtime
from .api import cell, lessons, links, live, pages, qr, train
from . import static_files
from .precompress import DYNAMIC_MINIMUM, Precompressed
from .links import LinkStore
from .body_limit import BodyLimit
from .head import HeadAsGet
from .hosts import HostCheck, host_name
from .live import make_live
from .live.address import join_base
from .paths import STATIC


def create_app(settings: runtime.Settings | None = None) -> FastAPI:
    settings = settings or runtime.from_env()
    classes = make_live(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await classes.start()
        yield
        await classes.stop()

    # /docs from files shipped with fastapi-offline, not a CDN: classrooms may be offline.
    # (No /redoc: ReDoc fetches its logo from its own CDN.)
    app = FastAPIOffline(
        redoc_url=None,
        redirect_slashes=False,  # a trailing-slash redirect would echo the request's Host
        title="LSTM Cell Lab",
        version=__version__,
        description="Step a 1997 gated memory cell (and its later variants) along an input tape.",
        lifespan=lifespan,
    )
    app.state.settings, app.state.live = settings, classes
    app.state.train_jobs = train.make_jobs(settings)
    app.include_router(cell.router)  # first: the routes a class calls many times a second
    app.include_router(pages.router)
    app.include_router(lessons.router)
    app.include_router(qr.router)
    app.include_router(train.router)
    app.include_router(live.router)
    app.include_router(links.router)
    app.state.links = LinkStore(settings.links_file or runtime.default_links_file(os.environ))
    app.mount(static_files.VERSIONED, static_files.Immutable(directory=STATIC), name="static-versioned")
    app.mount("/static", Precompressed(directory=STATIC), name="static")
    errors.install(app)
    app.add_middleware(BodyLimit, max_bytes=config.MAX_BODY_BYTES, timeout=settings.body_timeout)
    app.add_middleware(GZipMiddleware, minimum_size=DYNAMIC_MINIMUM, compresslevel=6)  # the page, the API
    app.add_middleware(HeadAsGet)
    if settings.allowed_hosts:  # and the host of our own join links, which students are given
        join_host = urlsplit(join_base(settings.public_url, settings.listen_host, settings.listen_port)).netloc
        app.add_middleware(HostCheck, hosts=settings.allowed_hosts + (host_name(join_host),))
    security.install(app, settings)
    return app


app = create_app()
