"""GET /api/qr: a QR code of a link to this server (the teacher's classroom link) as SVG.

Making a large code is ~0.25 s of pure-Python work, so it runs off the event loop in one
process of its own (a thread would still hold the GIL the loop needs: under a flood of 20
clients, /api/run's p50 was 11 ms with a thread, 2.4 ms with a process), with at most
QR_WAITING requests queued (then 503); answers are kept in a small LRU cache by their text."""

import asyncio
import io
from collections import OrderedDict
from contextlib import asynccontextmanager
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Annotated
from urllib.parse import urlsplit

import segno
from fastapi import APIRouter, Query, Request, Response

from ..errors import FieldError
from ..live import address
from ..schemas import ErrorResponse


@asynccontextmanager
async def lifespan(app):
    global _pool
    yield
    if _pool is not None:  # stop the QR process with the server
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


router = APIRouter(prefix="/api", tags=["qr"], lifespan=lifespan)
MAX_TEXT = 2000  # characters; a teacher link with hidden controls is about 200
SCALE, BORDER = 4, 4  # CSS px per module; quiet zone of four modules, as the standard asks
CACHE_SIZE = 128  # codes kept (a few KB each)
QR_WAITING = 16  # requests queued for the QR thread before the next gets 503
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
_pool: ProcessPoolExecutor | None = None  # started on first use
_cache: OrderedDict[str, bytes] = OrderedDict()  # text -> SVG, least recently used first
_waiting = 0


def qr_svg(text: str) -> bytes:
    """A standalone SVG of the QR code for `text`: error correction M or better, never a
    micro code (phone cameras do not read those). Raises segno.DataOverflowError when the
    text does not fit in the largest code."""
    code = segno.make(text, error="m", micro=False)  # raises the level when it fits
    out = io.BytesIO()
    code.save(
        out,
        kind="svg",
        scale=SCALE,
        border=BORDER,
        xmldecl=False,
        svgns=True,
        title="QR code",
        dark="#000",
        light="#fff",
    )
    return out.getvalue()


def origin(url: str) -> str | None:
    """'HTTP://Host:80/x' -> 'http://host' (default ports dropped); None if not http(s)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname.lower()
    default = {"http": 80, "https": 443}[parts.scheme.lower()]
    return f"{parts.scheme.lower()}://{host}" + (f":{port}" if port not in (None, default) else "")


def server_origins(server: tuple[str, int] | None, names: tuple[str, ...] = ()) -> set[str]:
    """This server's own origins: the address the request arrived on (never the Host
    header), the loopback forms, and `names` (allowed host names), at the same port."""
    if server is None:
        return set()
    host, port = server[0], server[1]
    hosts = {f"[{host}]" if ":" in host else host, *LOOPBACK, *(n for n in names if "*" not in n)}
    found = set()
    for scheme in ("http", "https"):
        for name in hosts:
            found.add(origin(f"{scheme}://{name}:{port}"))
    return {o for o in found if o}


def check_link(text: str, allowed: set[str]) -> None:
    """Raise FieldError naming `text` unless it is an http(s) link to an allowed origin."""
    own = origin(text)
    if own is None:
        raise FieldError("text", "must be an http or https link to this server")
    if own not in allowed:
        raise FieldError(
            "text",
            f"links to {own}, not to this server; only links to this server (or its configured public URL) are encoded",
        )


@router.get(
    "/qr",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {}}, "description": "The QR code as SVG."},
        422: {"model": ErrorResponse},
        503: {"model": ErrorResponse},
    },
)
async def qr(
    request: Request,
    text: Annotated[
        str,
        Query(
            min_length=1,
            max_length=MAX_TEXT,
            pattern="^[Hh][Tt][Tt][Pp][Ss]?://",
            description="An http(s) link to this server (its address, a loopback name, an "
            "allowed host name, or the address students join at: its public URL, or its network "
            "address when it listens on every interface).",
        ),
    ],
) -> Response:
    """The QR code of `text`, a link to this server (1 to 2000 characters), as an SVG image."""
    settings = request.app.state.settings
    allowed = server_origins(request.scope.get("server"), settings.allowed_hosts)
    # The students' address (public URL, else the network address when listening on
    # 0.0.0.0): the join link a teacher on 127.0.0.1 hands out points there.
    students = origin(address.join_base(settings.public_url, settings.listen_host, settings.listen_port))
    if students:
        allowed.add(students)
    check_link(text, allowed)
    return Response(await _make(text), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})


async def _make(text: str) -> bytes:
    """The SVG of `text` from the cache, or made in the QR thread; FieldError if it cannot be."""
    global _waiting
    svg = _cache.get(text)
    if svg is not None:
        _cache.move_to_end(text)
        return svg
    if _waiting >= QR_WAITING:
        raise FieldError(
            "request", "too many QR codes are being made at once; try again shortly", status=503, kind="busy"
        )
    _waiting += 1
    try:
        svg = await asyncio.get_running_loop().run_in_executor(_qr_process(), _svg_or_none, text)
    finally:
        _waiting -= 1
    if svg is None:
        raise FieldError(
            "text", f"is {len(text.encode())} bytes in UTF-8, more than the largest QR code holds; use a shorter link"
        )
    _cache[text] = svg
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return svg


def _qr_process() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:  # spawn, not fork: the server has threads
        _pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    return _pool


def _svg_or_none(text: str) -> bytes | None:
    try:
        return qr_svg(text)
    except segno.DataOverflowError:
        return None
