"""The first load carries what the first render needs and nothing else: the page preloads
exactly main.js's static import graph, embeds the strings those modules can ask for, and the
parts loaded on use (static/js/once.js) bring their strings, in every language; a part that
cannot be fetched is tried again on the next use, and the user is told."""

import json
import re

import pytest
from playwright.sync_api import expect

from app import page_modules, ui_strings
from app.paths import STATIC
from app.static_files import VERSIONED

JS = STATIC / "js"
LAZY = {"train.js", "teacher.js", "qrview.js", "class-teacher.js", "class-runs.js", "class-spread.js",
        "class-student.js", "class-join.js", "class-question.js", "live.js", "export.js", "gru_diagram.js",
        "worksheet.js", "comparison.js", "lesson-panel.js"}


def imports_of(name: str) -> list[str]:
    """Static imports, read line by line (a second reading, independent of app/page_modules.py)."""
    found = []
    for line in (JS / name).read_text(encoding="utf-8").splitlines():
        if line.startswith(("import ", "export ")) and " from " in line and "./" in line:
            found.append(line.rsplit("./", 1)[1].split('"')[0])
    return found


def static_graph() -> set[str]:
    seen, todo = set(), ["main.js"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += imports_of(name)
    return seen


def test_the_preload_list_is_main_js_static_import_graph(client):
    html = client.get("/").text
    preloaded = re.findall(rf'<link rel="modulepreload" href="{VERSIONED}/js/([\w.-]+)">', html)
    assert len(preloaded) == len(set(preloaded))
    assert set(preloaded) == static_graph() == set(page_modules.first_render())
    assert not LAZY & set(preloaded)  # the parts come on use
    assert f'<script type="module" src="{VERSIONED}/js/main.js">' in html


def test_every_module_is_reachable_statically_or_on_use():
    reachable = set(page_modules.first_render())
    todo = list(reachable)
    while todo:
        for name in page_modules.dynamic_imports(todo.pop()):
            for module in page_modules.first_render(name):
                if module not in reachable:
                    reachable.add(module)
                    todo.append(module)
    assert reachable == {p.name for p in JS.glob("*.js")}
    assert LAZY <= reachable - set(page_modules.first_render())


def literal_keys(name: str) -> set[str]:
    return set(re.findall(r'(?<![\w.])t\(\s*"([\w-]+\.[\w.-]+)"', (JS / name).read_text(encoding="utf-8")))


def template_prefixes(name: str) -> set[str]:
    return set(re.findall(r"(?<![\w.])t\(\s*`([\w.-]+\.)\$\{", (JS / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("lang", ui_strings.CODES)
def test_the_embedded_strings_cover_every_first_render_module(client, lang):
    html = client.get("/", headers={"accept-language": {"en": "en", "zh-Hant": "zh-TW", "zh-Hans": "zh-CN"}[lang]}).text
    text = re.search(r'id="lab-strings" data-lang="[^"]+" data-partial>(.*?)</script>', html, re.S)[1]
    # As UTF-8 without spaces (only <, >, & and ' escaped): a Chinese word is half the bytes.
    assert not re.search(r"\\u(?!00(3c|3e|26|27))", text) and '", "' not in text
    embedded = json.loads(text)
    every = ui_strings.strings(lang)
    for module in page_modules.first_render():
        assert literal_keys(module) <= embedded.keys(), module
        for prefix in template_prefixes(module):
            assert {k for k in every if k.startswith(prefix)} <= embedded.keys(), (module, prefix)
    assert len(embedded) < 0.7 * len(every)  # and the parts' strings stay out


@pytest.mark.parametrize("lang", ui_strings.CODES)
def test_the_parts_strings_are_served_in_every_language(client, lang):
    served = client.get(f"{VERSIONED}/i18n/{lang}.json").json()
    for module in LAZY:
        missing = literal_keys(module) - served.keys()
        assert not missing, (module, missing)
    assert served == ui_strings.strings(lang)


@pytest.mark.browser
@pytest.mark.parametrize("accept, lang", [("en", "en"), ("zh-TW", "zh-Hant"), ("zh-CN", "zh-Hans")])
def test_a_part_speaks_the_pages_language(browser, live_server, accept, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, extra_http_headers={"Accept-Language": accept})
    page = context.new_page()
    page.goto(f"{live_server}/")
    expect(page.get_by_test_id("cell-value")).not_to_have_text("")
    page.locator("#open-train").click()
    expect(page.locator("#train")).to_be_visible()
    expect(page.locator("#train-curve")).to_contain_text(ui_strings.strings(lang)["train.axis_sequences"])
    context.close()


@pytest.mark.browser
def test_a_part_that_cannot_be_fetched_is_tried_again_and_the_user_told(page, live_server):
    failures = []

    def refuse_once(route):
        if not failures:
            failures.append(route.request.url)
            return route.abort()
        return route.continue_()

    page.route("**/js/train.js", refuse_once)
    page.goto(f"{live_server}/")
    expect(page.get_by_test_id("cell-value")).not_to_have_text("")
    page.locator("#open-train").click()
    expect(page.locator("#notice")).to_have_text(ui_strings.strings("en")["notice.part_failed"])
    expect(page.locator("#train")).to_be_hidden()  # the lab closed again: the button opens it
    expect(page.locator("#open-train")).to_have_attribute("aria-expanded", "false")
    assert "train=" not in page.evaluate("location.hash")
    page.locator("#open-train").click()
    expect(page.locator("#train")).to_be_visible()
    expect(page.locator("#train-start")).to_be_enabled()
    expect(page.locator("#notice")).to_be_hidden()  # the part came after all
    assert len(failures) == 1


@pytest.mark.browser
def test_the_gru_drawing_is_fetched_when_chosen_and_retried(page, live_server):
    refused = []  # while the server is "gone", every attempt fails

    def gate(route):
        if refusing:
            refused.append(route.request.url)
            return route.abort()
        return route.continue_()

    refusing = True
    page.route("**/js/gru_diagram.js", gate)
    page.goto(f"{live_server}/")
    expect(page.get_by_test_id("cell-value")).not_to_have_text("")
    page.locator("#variant").select_option("gru")
    expect(page.locator("#notice")).to_have_text(ui_strings.strings("en")["notice.part_failed"])
    expect(page.locator("#diagram")).to_have_css("visibility", "hidden")  # no LSTM drawn for a GRU
    assert refused
    refusing = False
    page.get_by_role("button", name="Step forward").click()  # the next drawing tries again
    expect(page.locator("#diagram .gru-drawing")).to_be_visible()
    expect(page.locator("#diagram")).to_have_css("visibility", "visible")


@pytest.mark.browser
def test_the_parts_style_comes_with_the_first_part_once(page, live_server):
    sheets, refused = [], []

    def refuse_once(route):
        if refused:
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    page.on("request", lambda r: sheets.append(r.url) if r.url.endswith(".css") else None)
    page.route("**/css/parts.css", refuse_once)
    page.goto(f"{live_server}/")
    expect(page.get_by_test_id("cell-value")).not_to_have_text("")
    assert sheets == []  # the first render's style is in the page
    page.locator("#open-train").click()  # the sheet is refused once: the lab stays shut
    expect(page.locator("#notice")).to_have_text(ui_strings.strings("en")["notice.part_failed"])
    expect(page.locator("#train")).to_be_hidden()
    page.locator("#open-train").click()
    expect(page.locator("#train")).to_be_visible()
    expect(page.locator("#train-form")).to_have_css("display", "flex")  # a rule of parts.css
    page.locator("#open-teacher").click()  # a second part: the sheet is not fetched again
    expect(page.locator("#teacher-dialog")).to_be_visible()
    assert [url.rsplit("/", 2)[-2:] for url in sheets] == [["css", "parts.css"]] * 2
    assert page.locator("link[rel=stylesheet]").count() == 1
