"""What the page carries inline, and the Content-Security-Policy sources that allow exactly
that text and nothing else (hashes, not 'unsafe-inline': style attributes, event-handler
attributes and any other <style> or <script> stay refused).

- the style sheet, so that no request blocks the first paint;
- one line of script (static/js/inline/projector.js) that puts a projector link's page in
  projector mode before its first paint, which often comes before the modules have run."""

import base64
import hashlib

from .minify import minified
from .paths import STATIC


def _inline(path: str) -> str:
    text = minified(path, (STATIC / path).read_bytes()).decode("utf-8")
    if "</" in text:  # would end the element early
        raise ValueError(f"static/{path} must not contain '</'")
    return text


def _source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


CSS = _inline("css/app.css")
SCRIPT = _inline("js/inline/projector.js")
STYLE_SOURCE = _source(CSS)
SCRIPT_SOURCE = _source(SCRIPT)
