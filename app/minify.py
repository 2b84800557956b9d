"""The text the server sends for a script or a style sheet: the file without its comments
and the whitespace nothing needs (a third less after gzip: the modules are written to be
read, with many comments). static/ keeps the files as written; nothing is built.

rJSmin and rCSSmin (André Malo) are django-compressor's default minifiers and are made to
run at start-up rather than in a build step; they only drop comments and whitespace, never
rename or restructure. rJSmin's one known limit, a template literal inside another's
`${...}`, can change the inner one's text; tests/test_minify.py parses every module before
and after with a real JavaScript grammar and fails on any difference."""

import rcssmin
import rjsmin


def minified(name: str, text: bytes) -> bytes:
    """`text` of the file `name` as sent: .js and .css minified, anything else unchanged."""
    if name.endswith(".js"):
        return rjsmin.jsmin(text.decode("utf-8")).encode("utf-8")
    if name.endswith(".css"):
        return rcssmin.cssmin(text.decode("utf-8")).encode("utf-8")
    return text
