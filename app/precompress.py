"""The page's text files compressed once, at the best levels, instead of on every request.

gzip at level 9 for every browser, and Brotli at quality 11 where the `brotli` package is
installed (Chromium offers `br` only to secure origins such as https://, 127.0.0.1 and
localhost; a student's device reaching the school server's LAN address asks for gzip). The
files are compressed when a StaticFiles app is made (start-up: ~0.5 s for static/) and again
only if a file changes (its mtime and size are the cache key).

Why our own ~80 lines rather than a library: brotli-asgi and Starlette's GZipMiddleware
compress each answer as it is sent, at fast levels (br 4, gzip 6); servestatic serves
precompressed files but wants `.gz`/`.br` siblings written next to them and would replace
the StaticFiles we already extend for the versioned, immutable addresses."""

import gzip
import os
from functools import lru_cache
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Scope

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


@lru_cache(maxsize=1024)
def packed(path: str, mtime_ns: int, size: int) -> dict[str, bytes]:
    """The file at `path`, compressed (the mtime and size make the cache key)."""
    return compressed(Path(path).read_bytes())


def packed_file(path: str | os.PathLike, stat: os.stat_result) -> dict[str, bytes]:
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


def answer(request: Headers, body: bytes, versions: dict[str, bytes], tag: str, media_type: str, vary: str) -> Response:
    """`body`, or the version of it in the coding the request accepts, with an ETag per coding
    (`tag` for the plain body); 304 when the browser's copy is current. `vary` names what else
    the body depends on (Accept-Encoding is added)."""
    coding = choose(request.get("accept-encoding", ""), versions)
    etag = tag if coding is None else f'{tag[:-1]}-{coding}"'
    headers = {"etag": etag, "vary": f"{vary}, Accept-Encoding"}
    if etag in (t.strip() for t in request.get("if-none-match", "").split(",")):
        return Response(status_code=304, headers=headers)
    if coding is None:
        headers["vary"] = vary  # GZipMiddleware adds Accept-Encoding to a plain answer of this size
        return Response(body, media_type=media_type, headers=headers)
    return Response(versions[coding], media_type=media_type, headers={**headers, "content-encoding": coding})


class Precompressed(StaticFiles):
    """StaticFiles that answers text files from the compressed cache when the request accepts
    br or gzip (each encoding with its own ETag), and says `Vary: Accept-Encoding` on every
    text file. Range requests get the plain file."""

    def __init__(self, *, directory: str | os.PathLike, **kwargs) -> None:
        super().__init__(directory=directory, **kwargs)
        for path in sorted(Path(directory).rglob("*")):  # compress everything now, not per visitor
            if path.suffix in TEXT and path.is_file():
                packed_file(path, path.stat())

    def file_response(
        self, full_path: str | os.PathLike, stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        if not str(full_path).endswith(TEXT):
            return super().file_response(full_path, stat_result, scope, status_code)
        request = Headers(scope=scope)
        versions = packed_file(full_path, stat_result) if status_code == 200 and "range" not in request else {}
        encoding = choose(request.get("accept-encoding", ""), versions)
        if encoding is None:
            response = super().file_response(full_path, stat_result, scope, status_code)
            if response.status_code == 304 or stat_result.st_size < DYNAMIC_MINIMUM:  # else the middleware says it
                response.headers["vary"] = "Accept-Encoding"
            return response
        plain = FileResponse(full_path, stat_result=stat_result)
        headers = {
            "content-type": plain.headers["content-type"],
            "content-encoding": encoding,
            "vary": "Accept-Encoding",
            "last-modified": plain.headers["last-modified"],
            "etag": plain.headers["etag"][:-1] + f'-{encoding}"',  # one tag per representation
        }
        response = Response(versions[encoding], headers=headers)
        if self.is_not_modified(response.headers, request):
            return NotModifiedResponse(response.headers)
        return response
