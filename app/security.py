"""Response headers on every response: Content-Security-Policy, nosniff, referrer and
opener policies, framing only for configured origins, and a revalidate-by-default
Cache-Control. Pure ASGI: the header list is built once, each response only appends it."""

import mimetypes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .page_inline import SCRIPT_SOURCE as PAGE_SCRIPT, STYLE_SOURCE as PAGE_STYLE
from .settings import Settings

# Content types of the page's files, fixed here rather than taken from the host's
# /etc/mime.types (python:3.11-slim has none, and Python 3.11's own table says
# application/javascript for .js).
for _type, _ext in (
    ("text/javascript", ".js"),
    ("text/javascript", ".mjs"),
    ("text/css", ".css"),
    ("image/svg+xml", ".svg"),
    ("application/json", ".json"),
    ("image/png", ".png"),
    ("font/woff2", ".woff2"),
):
    mimetypes.add_type(_type, _ext)

# The page: ES modules from /static, and its one inline <script> and one <style> element, each
# allowed by its hash (app/page_inline.py); JSON data blocks (<script type="application/json">)
# are not executed, so need no allowance; styles set through CSSOM (element.style.x = ...)
# need no allowance.
PAGE_POLICY = {
    "default-src": "'self'",
    "script-src": f"'self' {PAGE_SCRIPT}",
    "style-src": f"'self' {PAGE_STYLE}",
    "img-src": "'self' data: blob:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
}
# The API reference page (/docs) loads Swagger UI from our own server
# (fastapi-offline) but start them with an inline script and inline styles; they take no
# user input and are not the classroom page.
DOCS_POLICY = {
    **PAGE_POLICY,
    "script-src": "'self' 'unsafe-inline'",
    "style-src": "'self' 'unsafe-inline'",
    "worker-src": "'self' blob:",
}
DOCS_PATHS = ("/docs",)

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}
DEFAULT_CACHE = "no-cache"  # revalidate every time; static files answer 304 via ETag
# Scripts and style sheets are never documents: the policies that act on a document (CSP,
# framing, Permissions-Policy, COOP) do nothing on them, and they are 20 of the page's 24
# answers (~550 bytes each, a fifth of the first load). They get these only.
SUBRESOURCE = ("x-content-type-options", "cross-origin-resource-policy")  # + Referrer-Policy for CSS


def csp(policy: dict[str, str], frame_ancestors: tuple[str, ...]) -> str:
    ancestors = " ".join(("'self'", *frame_ancestors)) if frame_ancestors else "'none'"
    return "; ".join(f"{k} {v}" for k, v in {**policy, "frame-ancestors": ancestors}.items())


def header_list(settings: Settings, policy: dict[str, str] = PAGE_POLICY) -> list[tuple[bytes, bytes]]:
    """The headers every response gets, as ASGI byte pairs."""
    headers = {"content-security-policy": csp(policy, settings.frame_ancestors), **COMMON}
    if not settings.frame_ancestors:
        headers["x-frame-options"] = "DENY"  # for browsers without frame-ancestors
    return [(k.encode(), v.encode()) for k, v in headers.items()]


class SecurityHeaders:
    """Appends the headers to every HTTP response the wrapped app starts; a response that
    already names one of them (or a Cache-Control) keeps its own."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.page = header_list(settings)
        self.docs = header_list(settings, DOCS_POLICY)
        self.script = [h for h in self.page if h[0].decode() in SUBRESOURCE]
        # A style sheet's own Referrer-Policy governs the requests its url()s make.
        self.style = [h for h in self.page if h[0].decode() in (*SUBRESOURCE, "referrer-policy")]
        self.names = {name for name, _ in self.page} | {b"cache-control"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = self.docs if scope["path"].startswith(DOCS_PATHS) else self.page

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers} & self.names
                kind = next((v for n, v in headers if n.lower() == b"content-type"), b"")
                add = (
                    self.script
                    if kind.startswith(b"text/javascript")
                    else self.style
                    if kind.startswith(b"text/css")
                    else extra
                )
                if present:
                    headers += [h for h in add if h[0] not in present]
                else:
                    headers += add
                if b"cache-control" not in present:
                    headers.append((b"cache-control", DEFAULT_CACHE.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app, settings: Settings) -> None:
    """Make SecurityHeaders the outermost layer of a Starlette/FastAPI app, outside even
    the error middleware, so that 413s from the body limit and 500s carry the headers."""
    build = app.build_middleware_stack
    app.build_middleware_stack = lambda: SecurityHeaders(build(), settings)
