"""The page's style sheet, written into the page itself so that no request blocks its first
paint, and the Content-Security-Policy source that allows exactly that text and nothing else
(a hash, not 'unsafe-inline': style attributes and other <style> blocks stay refused)."""

import base64
import hashlib

from .minify import minified
from .paths import STATIC

CSS = minified("app.css", (STATIC / "css" / "app.css").read_bytes()).decode("utf-8")
if "</" in CSS:  # would end the <style> element early
    raise ValueError("static/css/app.css must not contain '</'")
SOURCE = "'sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode() + "'"
