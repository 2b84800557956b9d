"""The server sends scripts and style sheets minified (app/minify.py). A minifier may drop
comments and whitespace and nothing else: every module and the style sheet are parsed
before and after with tree-sitter's JavaScript and CSS grammars (independent of the
minifier), and their tokens must be the same, text included."""

from pathlib import Path

import pytest
import tree_sitter_css
import tree_sitter_javascript
from tree_sitter import Language, Parser

from app.minify import minified
from app.paths import STATIC

JS = Parser(Language(tree_sitter_javascript.language()))
CSS = Parser(Language(tree_sitter_css.language()))
MODULES = sorted((STATIC / "js").rglob("*.js"))


def tokens(parser: Parser, text: bytes) -> list[tuple[str, str]]:
    """(kind, text) of every leaf of the syntax tree but comments; fails on a syntax error."""
    tree = parser.parse(text)
    assert not tree.root_node.has_error, "does not parse"
    leaves: list[tuple[str, str]] = []

    def walk(node) -> None:
        if node.type == "comment":
            return
        if node.child_count == 0:  # a template's or string's text is a leaf of its own
            leaves.append((node.type, node.text.decode()))
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return leaves


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_minified_module_has_the_same_tokens(path: Path):
    source = path.read_bytes()
    sent = minified(path.name, source)
    assert len(sent) < len(source)
    assert tokens(JS, sent) == tokens(JS, source)


def test_the_check_sees_what_the_minifier_can_break():
    # rJSmin's documented limit: a template literal inside another's ${...} loses the
    # space at its start. The check above must fail on it.
    source = b'const a = `${n}${label ? ` - ${label}` : ""}`;\n'
    assert tokens(JS, minified("x.js", source)) != tokens(JS, source)


def test_the_minified_style_sheet_has_the_same_tokens():
    source = (STATIC / "css" / "app.css").read_bytes()
    sent = minified("app.css", source)
    assert len(sent) < 0.8 * len(source)
    # The last declaration of a block needs no semicolon; nothing else may go.
    kept = [t for t in tokens(CSS, source) if t != (";", ";")]
    assert [t for t in tokens(CSS, sent) if t != (";", ";")] == kept


def test_other_files_are_sent_as_they_are():
    data = (STATIC / "i18n" / "en.json").read_bytes()
    assert minified("en.json", data) is data


def test_the_server_sends_the_minified_module(client):
    answer = client.get("/static/js/state.js", headers={"accept-encoding": "gzip"})
    source = (STATIC / "js" / "state.js").read_bytes()
    assert answer.content == minified("state.js", source)
    assert b"//" not in answer.content.replace(b"://", b"") and b"/*" not in answer.content
