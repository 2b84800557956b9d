"""gzip for the page and its static files, not for the API.

Starlette's own GZipMiddleware does the compressing. The page (HTML, ES modules, CSS,
strings) is text that shrinks to about a quarter, which keeps a classroom's first load
small as the page grows; /api answers stay uncompressed, since gzip would cost each of a
class's many small runs more CPU than the bytes it saves on a local network.
"""

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class CompressPage:
    def __init__(self, app: ASGIApp, minimum_size: int = 1000) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        page = scope["type"] == "http" and (scope["path"] == "/" or scope["path"].startswith("/static/"))
        await (self.gzip if page else self.app)(scope, receive, send)
