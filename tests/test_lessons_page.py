"""Lessons, predict questions, the three languages and the teacher link, in real
headless Chromium (the fixtures in conftest.py)."""

import json
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import expect

from app import config, lessons, ui_strings
from tests.page_helpers import shown

pytestmark = pytest.mark.browser
EN = ui_strings.strings("en")
KEY_PREFIXES = sorted({key.split(".")[0] for key in EN})
RAW_KEY = re.compile(rf"\b(?:{'|'.join(KEY_PREFIXES)})\.[a-z_-]+[a-z]\b")


def answers(client, lesson_id: str) -> dict[int, float]:
    """The true answer to each of a lesson's questions, from the server's own run."""
    lesson = lessons.LESSONS[lesson_id]
    steps = client.post("/api/run", json=lesson.run_body()).json()["steps"]
    return {s.at: steps[s.at - 1][s.predict.quantity] for s in lesson.steps if s.predict}


def open_lesson(page, server: str, lesson_id: str, extra: str = "") -> None:
    page.goto(f"{server}/#lesson={lesson_id}{extra}")
    title = lessons.LESSONS[lesson_id].title.get(page.locator("html").get_attribute("lang"))
    expect(page.locator("#lesson-title")).to_have_text(title)
    expect(page.get_by_test_id("step-index")).to_have_text(str(lessons.LESSONS[lesson_id].start_step))
    expect(page.get_by_test_id("cell-value")).not_to_have_text("")


def answer(page, guess) -> None:
    """Type a guess and press Enter (None: skip the question)."""
    expect(page.locator("#predict")).to_be_visible()
    if guess is None:
        page.locator("#predict-skip").click()
    else:
        page.locator("#predict-guess").fill(str(guess))
        page.locator("#predict-guess").press("Enter")


# ---- every lesson plays through -------------------------------------------------------

@pytest.mark.parametrize("lesson_id", list(lessons.LESSONS))
def test_each_lesson_plays_through(page, live_server, client, lesson_id):
    lesson = lessons.LESSONS[lesson_id]
    truth = answers(client, lesson_id)
    open_lesson(page, live_server, lesson_id)
    texts = {s.at: s.text.en for s in lesson.steps}
    forward = page.get_by_role("button", name="Step forward")
    feedback = page.locator("#predict-feedback")
    for k, step in enumerate(range(lesson.start_step + 1, len(lesson.tape) + 1)):
        forward.click()
        if step in truth:
            expect(page.locator("#predict-prompt")).to_contain_text(f"step {step}?")
            expect(page.get_by_test_id("step-index")).to_have_text(str(step - 1))  # asked first
            # Alternate right, wrong and skipped answers; the page must judge each one.
            kind = ("right", "wrong", "skipped")[k % 3]
            guess = {"right": shown(truth[step]), "wrong": shown(truth[step] + 0.5),
                     "skipped": None}[kind]
            answer(page, guess)
            expect(feedback).to_have_attribute("data-result", kind)
            expect(feedback).to_contain_text(f"step {step} it is {shown(truth[step])}")
        expect(page.get_by_test_id("step-index")).to_have_text(str(step))
        if step in texts:
            expect(page.locator("#lesson-text")).to_contain_text(texts[step])
    expect(forward).to_be_disabled()
    expect(page.locator("#predict")).to_be_hidden()
    assert page.locator("#lesson-text p").first.text_content() == lesson.summary.en
    if lesson_id in ON_SCREEN:
        ON_SCREEN[lesson_id](page)


def fading_echo_on_screen(page) -> None:
    """Lesson 7's last text: the panel shows 0.9^49 rounded, and a self-loop of 0.90 makes
    the cell leak onto the RNN's line."""
    expect(page.get_by_test_id("rnn-value")).to_have_text("RNN 0.006")
    expect(page.get_by_test_id("cell-value")).to_have_text("1")
    page.get_by_label("Cell self-loop w", exact=True).evaluate(
        "el => { el.value = 0.9; el.dispatchEvent(new Event('input', {bubbles: true})); }")
    expect(page.get_by_test_id("cell-value")).to_have_text("0.006")


def constant_error_on_screen(page) -> None:
    """Lesson 8's texts: the error lane reads 1 for the cell and 0.9^49 for the RNN."""
    expect(page.get_by_test_id("cell-flow")).to_have_text("Cell 1")
    expect(page.get_by_test_id("rnn-flow")).to_have_text("RNN 0.0057")
    expect(page.get_by_test_id("output-value")).to_have_text("1")


def road_to_attention_on_screen(page) -> None:
    """Lesson 12's table comes from the model (app/model/paths.py) through the lesson API."""
    table = page.locator("#lesson-text .paths-table")
    expect(table.locator("tbody tr")).to_have_count(4)
    expect(table.locator("tr[data-architecture='rnn'] td")).to_have_text(["11", "0.314"])
    expect(table.locator("tr[data-architecture='attention'] td")).to_have_text(["1", "1"])


def gru_on_screen(page) -> None:
    """Lesson 9 draws the GRU, not the LSTM cell, and has no output gate slider."""
    expect(page.locator("#diagram .gru-drawing")).to_be_visible()
    expect(page.get_by_label("Update gate", exact=True)).to_be_visible()
    expect(page.get_by_label("Output gate", exact=True)).to_be_hidden()


def gate_reads_input_on_screen(page) -> None:
    """Lesson 10's input gate is computed, with its weights shown, and the peepholes act."""
    expect(page.locator("#gate-input-computed")).to_be_checked()
    expect(page.locator("#gate-input-weights [data-entry=wx]")).to_have_value("10")
    expect(page.locator("#peephole-note")).to_contain_text("see the stored value")


ON_SCREEN = {"fading-echo": fading_echo_on_screen, "constant-error": constant_error_on_screen,
             "road-to-attention": road_to_attention_on_screen, "gru": gru_on_screen,
             "gate-reads-input": gate_reads_input_on_screen}


def test_lessons_dialog_lists_all_and_opens_one(page, live_server):
    page.goto(live_server)
    page.get_by_role("button", name="Lessons").click()
    picks = page.locator("#lesson-list .lesson-pick")
    expect(picks).to_have_count(len(lessons.LESSONS))
    expect(picks.nth(0)).to_contain_text("1. Write")
    page.get_by_role("button", name=re.compile("^5. Drift")).click()
    expect(page.locator("#lessons-dialog")).to_be_hidden()
    expect(page.locator("#lesson-title")).to_have_text("5. Drift")
    expect(page.locator("#lesson-progress")).to_have_text("Lesson 5 of 12")
    expect(page).to_have_url(re.compile("lesson=drift"))
    expect(page.get_by_test_id("tape-x-8")).to_have_text("0.6")
    page.get_by_role("button", name="Next lesson").click()
    expect(page.locator("#lesson-title")).to_have_text("6. Forget")
    expect(page.get_by_label("Forget gate", exact=True)).to_be_visible()  # variant of lesson 6
    page.get_by_role("button", name="Leave the lesson").click()
    expect(page.locator("#lesson")).to_be_hidden()
    expect(page).not_to_have_url(re.compile("lesson="))


def test_a_prediction_is_judged_right_or_wrong_from_the_run(page, live_server):
    open_lesson(page, live_server, "write")
    feedback = page.locator("#predict-feedback")
    page.get_by_role("button", name="Step forward").click()
    expect(page.get_by_label("Before you step on: what will the stored value be at step 2?")).to_be_focused()
    page.get_by_role("button", name="Step forward").click()  # not answered yet
    expect(feedback).to_have_text("Answer the question (or skip it) before stepping on.")
    expect(page.get_by_test_id("step-index")).to_have_text("1")
    answer(page, 0)
    expect(feedback).to_have_text("Right! At step 2 it is 0.")
    page.get_by_role("button", name="Step forward").click()
    answer(page, 0.5)
    expect(feedback).to_have_text("Not quite: you said 0.5, and at step 3 it is 0.8.")
    expect(feedback).to_have_attribute("data-result", "wrong")
    expect(page.get_by_test_id("cell-value")).to_have_text("0.8")
    # Stepping back and on again does not ask an answered question twice.
    page.get_by_role("button", name="Reset").click()
    page.get_by_role("button", name="Step forward").click()
    expect(page.get_by_test_id("step-index")).to_have_text("2")
    expect(page.locator("#predict")).to_be_hidden()


def test_jumping_ahead_on_the_tape_stops_at_the_first_question(page, live_server):
    open_lesson(page, live_server, "hold")
    page.locator(".tape-cell[data-step='12'] .tape-step").click()
    expect(page.locator("#predict-prompt")).to_contain_text("at step 2?")
    answer(page, 0.37)
    expect(page.locator("#predict-feedback")).to_have_attribute("data-result", "right")
    expect(page.get_by_test_id("step-index")).to_have_text("2")


# ---- languages -------------------------------------------------------------------------

VISIBLE_ATTRIBUTES = """() => [...document.querySelectorAll('*')]
  .filter((n) => n.checkVisibility ? n.checkVisibility() : n.offsetParent !== null)
  .flatMap((n) => ['aria-label', 'title', 'alt', 'aria-valuetext', 'placeholder']
    .map((a) => n.getAttribute(a)).filter(Boolean))"""


def visible_words(page) -> str:
    return page.locator("body").inner_text() + "\n" + "\n".join(page.evaluate(VISIBLE_ATTRIBUTES))


def assert_no_raw_keys(page, where: str) -> None:
    text = visible_words(page)
    raw = sorted(set(RAW_KEY.findall(text)) | {k for k in EN if k in text})
    assert raw == [], f"{where}: untranslated keys {raw}"


@pytest.mark.parametrize("locale, lang", [("en-GB", "en"), ("zh-TW", "zh-Hant"), ("zh-CN", "zh-Hans")])
def test_each_language_from_the_browser_settings(browser, live_server, locale, lang):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        strings = ui_strings.strings(lang)
        open_lesson(page, live_server, "read")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.get_by_role("button", name=strings["play.forward"], exact=True)).to_be_visible()
        expect(page.locator("#lesson-text")).to_contain_text(lessons.LESSONS["read"].summary.get(lang))
        page.locator("#step-forward").click()
        page.locator("#step-forward").click()
        expect(page.locator("#lesson-text")).to_contain_text(lessons.LESSONS["read"].steps[1].text.get(lang))
        for _ in range(3):
            page.locator("#step-forward").click()
        answer(page, 0.7)
        expect(page.locator("#predict-feedback")).to_have_text(
            strings["lesson.right"].format(step=6, actual="0.7"))
        assert_no_raw_keys(page, f"{lang} page")
        for opener, dialog in (("#open-lessons", "#lessons-dialog"), ("#open-teacher", "#teacher-dialog"),
                               ("#open-help", "#help-dialog")):
            page.locator(opener).click()
            expect(page.locator(dialog)).to_be_visible()
            if dialog == "#lessons-dialog":
                expect(page.locator("#lesson-list .lesson-pick").first).to_contain_text(
                    lessons.LESSONS["write"].title.get(lang))
            if dialog == "#teacher-dialog":
                page.locator("#teacher-qr-button").click()
                expect(page.locator("#teacher-qr")).to_be_visible()
            assert_no_raw_keys(page, f"{lang} {dialog}")
            page.keyboard.press("Escape")
            expect(page.locator(dialog)).to_be_hidden()
    finally:
        context.close()


def test_language_from_the_link_overrides_the_browser(page, live_server):
    page.goto(f"{live_server}/#lang=zh-Hans&step=2")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("button", name="下一步", exact=True)).to_be_visible()
    expect(page.locator("#language")).to_have_value("zh-Hans")
    assert_no_raw_keys(page, "zh-Hans by link")


def test_switching_language_keeps_the_state(page, live_server):
    open_lesson(page, live_server, "drift")
    for _ in range(4):  # the fourth click asks before step 5
        page.locator("#step-forward").click()
    answer(page, 0.9)
    expect(page.get_by_test_id("step-index")).to_have_text("5")
    page.get_by_test_id("tape-x-7").click()
    page.get_by_label("New tape value for step 7").fill("-0.25")
    page.get_by_label("New tape value for step 7").press("Enter")
    expect(page.get_by_test_id("tape-x-7")).to_have_text("-0.25")
    tape_before = page.locator(".tape-x").all_text_contents()
    cell_before = page.get_by_test_id("cell-value").text_content()
    page.get_by_label("Language", exact=True).select_option("zh-Hant")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("#lesson-title")).to_have_text("5. 漂移")
    expect(page.locator("#lesson-text")).to_contain_text("0.5 + 0.4 = 0.9")
    expect(page.locator("#predict-feedback")).to_have_text("答對了！第 5 步的值是 0.9。")
    expect(page.locator("#lesson-progress")).to_have_text("第 5 課，共 12 課")
    expect(page.locator("#lesson-next")).to_be_enabled()
    expect(page.get_by_test_id("step-index")).to_have_text("5")
    assert page.locator(".tape-x").all_text_contents() == tape_before
    expect(page.get_by_test_id("cell-value")).to_have_text(cell_before)
    expect(page).to_have_url(re.compile(r"lang=zh-Hant"))
    expect(page).to_have_url(re.compile(r"step=5"))
    page.get_by_label("語言", exact=True).select_option("zh-Hans")
    expect(page.locator("#lesson-title")).to_have_text("5. 漂移")
    expect(page.locator("#lesson-text")).to_contain_text("第二次写入")
    expect(page.get_by_test_id("step-index")).to_have_text("5")
    assert page.locator(".tape-x").all_text_contents() == tape_before


# ---- the teacher link and its QR code ----------------------------------------------------

def test_every_hideable_control_is_on_the_page(page, live_server):
    page.goto(live_server)
    for name in config.HIDEABLE_CONTROLS:
        assert page.locator(f"[data-control='{name}']").count() >= 1, name
        expect(page.locator(f"#teacher-hide input[value='{name}']")).to_have_count(1)


def test_a_teacher_link_hides_what_it_says(page, live_server, browser):
    page.goto(live_server)
    page.get_by_role("button", name="Teacher").click()
    dialog = page.locator("#teacher-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Lesson", exact=True).select_option(label="3. Read")
    hidden = {"teacher", "variant", "tape-tools", "timeline", "input", "lessons", "rnn"}
    for name in hidden - {"teacher"}:  # "This teacher panel" starts checked
        dialog.locator(f"#teacher-hide input[value='{name}']").check()
    expect(dialog.locator("#teacher-hide input[value='teacher']")).to_be_checked()
    dialog.get_by_label("Projector mode (high contrast, larger text)").check()
    link = dialog.get_by_label("Link for students", exact=True).input_value()
    params = parse_qs(urlsplit(link).fragment)
    assert params["lesson"] == ["read"] and params["lang"] == ["en"] and params["mode"] == ["projector"]
    assert set(params["hide"][0].split(",")) == hidden
    # The QR code is made by our server for exactly this link, and shows.
    qr = page.locator("#teacher-qr")
    expect(qr).to_be_hidden()  # no empty frame before it is asked for
    dialog.get_by_role("button", name="Show QR code").click()
    expect(qr).to_be_visible()
    assert unquote(qr.get_attribute("src").split("text=", 1)[1]) == link
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("img => img.naturalWidth") > 0
    # A student opens the link.
    student = browser.new_page()
    try:
        student.goto(link)
        expect(student.locator("#lesson-title")).to_have_text("3. Read")
        expect(student.locator("body")).to_have_class(re.compile("projector"))
        for name in config.HIDEABLE_CONTROLS:
            controls = student.locator(f"[data-control='{name}']")
            if name in hidden:
                for k in range(controls.count()):
                    expect(controls.nth(k)).to_be_hidden()
            elif name not in ("forget", "update", "reset"):  # lesson 3's 1997 cell has none of these
                outer = controls.first.evaluate(
                    "n => n.parentElement.closest('[data-control]')?.dataset.control ?? null")
                if outer not in hidden:  # e.g. the self-loop slider sits inside the RNN panel
                    expect(controls.first).to_be_visible()
        expect(student.get_by_label("Input gate", exact=True)).to_be_hidden()
        expect(student.get_by_label("Output gate", exact=True)).to_be_visible()
        expect(student.get_by_role("button", name="Teacher")).to_be_hidden()
        # Hidden controls cannot be reached with Tab either.
        focused = set()
        for _ in range(40):
            student.keyboard.press("Tab")
            focused.add(student.evaluate("document.activeElement.closest('[data-control]')?.dataset.control ?? ''"))
        assert not focused & hidden, focused & hidden
    finally:
        student.close()


def test_teacher_link_without_a_lesson_keeps_the_whole_view(page, live_server, browser):
    page.goto(f"{live_server}/#step=4&input=0,0,1,0,,,,,,,,&loop=0.95")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(0.8 * 0.95))
    page.get_by_role("button", name="Teacher").click()
    page.locator("#teacher-hide input[value='self-loop']").check()
    expect(page.locator("#teacher-link")).to_have_value(re.compile(r"hide=self-loop%2Cteacher"))
    link = page.locator("#teacher-link").input_value()
    student = browser.new_page()
    try:
        student.goto(link)
        expect(student.get_by_test_id("step-index")).to_have_text("4")
        expect(student.get_by_test_id("cell-value")).to_have_text(shown(0.8 * 0.95))
        expect(student.locator("[data-control='self-loop']")).to_be_hidden()
        expect(student.locator("[data-control='rnn']")).to_be_visible()
    finally:
        student.close()


def test_a_link_too_long_for_a_qr_code_is_said(page, live_server):
    tape = ",".join(["0.123"] * 400)  # no lesson: the link carries the whole tape
    page.goto(f"{live_server}/#tape={tape}")
    expect(page.locator("#step-count")).to_have_text("400")
    page.get_by_role("button", name="Teacher").click()
    # The dialog opens once the lesson list has loaded: wait for it, then for the link.
    expect(page.locator("#teacher-dialog")).to_be_visible()
    expect(page.locator("#teacher-link")).to_have_value(re.compile(r"^.{2001,}$", re.S))
    page.get_by_role("button", name="Show QR code").click()
    expect(page.locator("#teacher-status")).to_have_text(EN["teacher.qr_failed"])
    expect(page.locator("#teacher-qr")).to_be_hidden()
    page.locator("#teacher-lesson").select_option("write")  # with a lesson the link is short
    page.get_by_role("button", name="Show QR code").click()
    expect(page.locator("#teacher-qr")).to_be_visible()
    expect(page.locator("#teacher-status")).to_have_text("")


# ---- keyboard alone ---------------------------------------------------------------------

ANSWER_THEN_LOOK = """() => {
  document.getElementById("predict-guess").value = "0";
  document.getElementById("predict").requestSubmit();
  return document.activeElement.id;  // in the same task: before the browser draws again
}"""


@pytest.mark.parametrize(("hide", "focused"), [("", "step-forward"), ("&hide=playback", "lesson")])
def test_answering_hands_the_keyboard_on_at_once(page, live_server, hide, focused):
    """The verdict is shown in the task that takes the answer, so the next key may come
    before the browser draws: focus must already be on a visible control by then."""
    open_lesson(page, live_server, "write", hide)
    page.keyboard.press("ArrowRight")
    expect(page.locator("#predict-guess")).to_be_focused()
    assert page.evaluate(ANSWER_THEN_LOOK) == focused
    expect(page.locator("#predict-feedback")).to_have_attribute("data-result", "right")
    page.keyboard.press("ArrowRight")  # on to step 3's question
    expect(page.locator("#predict-guess")).to_be_focused()
    expect(page.locator("#predict-prompt")).to_contain_text("step 3")


def test_keyboard_alone_runs_lesson_1(page, live_server, client):
    truth = answers(client, "write")
    page.goto(live_server)
    expect(page.get_by_test_id("cell-value")).not_to_have_text("")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "open-lessons":
            break
    expect(page.locator("#open-lessons")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#lessons-dialog")).to_be_visible()
    expect(page.locator("#lesson-list .lesson-pick").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#lesson-title")).to_have_text("1. Write")
    for step in range(2, 13):
        page.keyboard.press("ArrowRight")
        if step in truth:
            expect(page.locator("#predict-guess")).to_be_focused()
            page.keyboard.type(shown(truth[step]))
            page.keyboard.press("Enter")
            expect(page.locator("#predict-feedback")).to_have_attribute("data-result", "right")
        expect(page.get_by_test_id("step-index")).to_have_text(str(step))
    expect(page.get_by_test_id("cell-value")).to_have_text("0.8")
    page.keyboard.press("Home")
    expect(page.get_by_test_id("step-index")).to_have_text("1")
