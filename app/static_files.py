"""The page's files under a versioned prefix, cacheable for a year.

`/static/v-<digest>/js/main.js` serves the same file as `/static/js/main.js`; the digest is
taken over every file in static/, so any change gives new addresses. The page links its
CSS and modules through VERSIONED; the modules' relative imports (`./cell.js`) stay under
it, so a second load of the page asks the server only for the HTML and the API. The plain
/static/ addresses still work and revalidate each time (ETag: 304). Both
answer text files from app/precompress.py's cache (br or gzip, compressed once)."""

import hashlib

from starlette.types import Message, Receive, Scope, Send

from .paths import STATIC
from .precompress import Precompressed

IMMUTABLE = b"max-age=31536000, immutable"


def digest() -> str:
    """A short hash of the names and contents of every file in static/."""
    h = hashlib.sha256()
    for path in sorted(p for p in STATIC.rglob("*") if p.is_file()):
        h.update(path.relative_to(STATIC).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


VERSIONED = f"/static/v-{digest()}"


class Immutable(Precompressed):
    """Precompressed static files whose successful answers may be cached for a year without revalidation."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def cache_forever(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                # Never revalidated, so no ETag or Last-Modified to send.
                kept = [h for h in message.get("headers", ()) if h[0] not in (b"etag", b"last-modified")]
                message = {**message, "headers": [*kept, (b"cache-control", IMMUTABLE)]}
            await send(message)

        await super().__call__(scope, receive, cache_forever)
