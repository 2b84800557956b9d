"""The page's text files minified and compressed once, at the best levels, instead of on
every request.

gzip at level 9 for every browser, and Brotli at quality 11 where the `brotli` package is
installed (Chromium offers `br` only to secure origins such as https://, 127.0.0.1 and
localhost; a student's device reaching the school server's LAN address asks for gzip). The
files are minified (app/minify.py) and compressed when a StaticFiles app is made (start-up:
~0.5 s for static/) and again only if a file changes (its mtime and size are the cache key).

Why our own ~80 lines rather than a library: brotli-asgi and Starlette's GZipMiddleware
compress each answer as it is sent, at fast levels (br 4, gzip 6); servestatic serves
precompressed files but wants `.gz`/`.br` siblings written next to them and would replace
the StaticFiles we already extend for the versioned, immutable addresses."""

import gzip
import hashlib
import mimetypes
import os
from functools import lru_cache
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .minify import minified

try:
    import brotli
except ImportError:  # optional: gzip alone then
    brotli = None

# Answers smaller than this are not worth gzipping on the fly (app/main.py's GZipMiddleware,
# which also adds `Vary: Accept-Encoding` to the plain answers it leaves as they are).
DYNAMIC_MINIMUM = 500
TEXT = (".js", ".css", ".json", ".svg", ".html", ".txt", ".md", ".map")


def compressed(data: bytes) -> dict[str, bytes]:
    """{"br": ..., "gzip": ...}: `data` compressed at the best levels, each kept only if smaller."""
    versions = {"gzip": gzip.compress(data, compresslevel=9, mtime=0)}
    if brotli is not None:
        versions["br"] = brotli.compress(data, quality=11)
    return {name: body for name, body in versions.items() if len(body) < len(data)}


def tag_of(body: bytes) -> str:
    """An ETag for `body` as sent without a coding."""
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


@lru_cache(maxsize=1024)
def packed(path: str, mtime_ns: int, size: int) -> tuple[bytes, dict[str, bytes], str]:
    """The file at `path` as sent (minified), compressed, and its ETag (its mtime and size
    make the cache key)."""
    body = minified(path, Path(path).read_bytes())
    return body, compressed(body), tag_of(body)


def packed_file(path: str | os.PathLike, stat: os.stat_result) -> tuple[bytes, dict[str, bytes], str]:
    return packed(str(path), stat.st_mtime_ns, stat.st_size)


def accepted(accept_encoding: str) -> set[str]:
    """The codings an Accept-Encoding header accepts (q=0 means refused)."""
    names = set()
    for part in accept_encoding.lower().split(","):
        name, _, params = part.partition(";")
        q = params.strip()
        try:
            if q.startswith("q=") and float(q[2:]) <= 0:
                continue
        except ValueError:
            continue
        names.add(name.strip())
    return names


def choose(accept_encoding: str, versions: dict[str, bytes]) -> str | None:
    """br if asked for and available, else gzip, else None (send the file as it is)."""
    asked = accepted(accept_encoding)
    return next((name for name in ("br", "gzip") if name in asked and name in versions), None)


def answer(
    request: Headers, body: bytes, versions: dict[str, bytes], tag: str, media_type: str, vary: str = ""
) -> Response:
    """`body`, or the version of it in the coding the request accepts, with an ETag per coding
    (`tag` for the plain body); 304 when the browser's copy is current. `vary` names what else
    the body depends on (Accept-Encoding is added)."""
    coding = choose(request.get("accept-encoding", ""), versions)
    etag = tag if coding is None else f'{tag[:-1]}-{coding}"'
    headers = {"etag": etag, "vary": ", ".join(filter(None, (vary, "Accept-Encoding")))}
    if etag in (t.strip() for t in request.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    if coding is None:
        if len(body) >= DYNAMIC_MINIMUM:  # GZipMiddleware adds Accept-Encoding to a plain answer of this size
            headers["vary"] = vary
        return Response(body, media_type=media_type, headers={k: v for k, v in headers.items() if v})
    return Response(versions[coding], media_type=media_type, headers={**headers, "content-encoding": coding})


class Precompressed(StaticFiles):
    """StaticFiles that answers text files from the minified, compressed cache: br or gzip
    when the request accepts it, each coding with its own ETag, `Vary: Accept-Encoding` on
    every text file. A Range request gets the whole text file (200), as RFC 9110 allows."""

    def __init__(self, *, directory: str | os.PathLike, **kwargs) -> None:
        super().__init__(directory=directory, **kwargs)
        for path in sorted(Path(directory).rglob("*")):  # compress everything now, not per visitor
            if path.suffix in TEXT and path.is_file():
                packed_file(path, path.stat())

    def file_response(
        self, full_path: str | os.PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        if not str(full_path).endswith(TEXT) or status_code != 200:
            return super().file_response(full_path, stat_result, scope, status_code)
        body, versions, tag = packed_file(full_path, stat_result)
        media_type = mimetypes.guess_type(str(full_path))[0] or "text/plain"
        return answer(Headers(scope=scope), body, versions, tag, media_type)
