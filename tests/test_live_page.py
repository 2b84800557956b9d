"""A live class in real headless Chromium: a teacher's page and students' pages in
separate browser contexts (separate devices: their own storage, language and cookies).
The students open the join link the server gave, whose host (localhost) is not the
teacher's (127.0.0.1): another origin, as another device would be."""

import re

import pytest
from playwright.sync_api import expect

from app import lessons, ui_strings
from app.main import create_app
from app.settings import Settings
from tests.conftest import ServerThread, _free_port
from tests.page_helpers import TAPE, set_slider, shown, step_forward

pytestmark = pytest.mark.browser
CODE = re.compile(r"^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{6}$")
HOLD = lessons.LESSONS["hold"]
HANT = ui_strings.strings("zh-Hant")
HOLD_ANSWER = 0.37  # lesson 2 stores the tape's 0.37 at step 1 and holds it


class ClassServer:
    """The app on a loopback port, whose join links use `public_host`."""

    def __init__(self, public_host="localhost", **settings):
        port = _free_port()
        app = create_app(Settings(listen_host="127.0.0.1", listen_port=port,
                                  public_url=f"http://{public_host}:{port}" if public_host else None,
                                  **settings))
        self.thread = ServerThread(app, port=port).start()
        self.url = self.thread.url

    def stop(self):
        self.thread.stop()


@pytest.fixture
def class_server():
    server = ClassServer()
    yield server
    server.stop()


@pytest.fixture
def device(browser):
    """Open a page as a separate device: device(width, height, locale)."""
    contexts = []

    def make(width=1280, height=720, locale="en-GB"):
        contexts.append(browser.new_context(viewport={"width": width, "height": height}, locale=locale))
        return contexts[-1].new_page()

    yield make
    for context in contexts:
        context.close()


def start_class(teacher, server_url: str) -> tuple[str, str]:
    """Open the page, start a class from the Teacher dialog; -> (code, join link)."""
    teacher.goto(f"{server_url}/")
    expect(teacher.locator("#diagram .cell-value")).not_to_have_text("")
    teacher.get_by_role("button", name="Teacher").click()
    teacher.get_by_role("button", name="Start a class").click()
    expect(teacher.get_by_test_id("class-code")).to_have_text(CODE)
    code = teacher.get_by_test_id("class-code").text_content()
    url = teacher.get_by_test_id("class-join-url").text_content()
    expect(teacher.locator("#class-qr")).to_have_attribute("src", re.compile(r"^/api/qr\?text="))
    close_panel(teacher)
    expect(teacher.get_by_test_id("class-bar-code")).to_have_text(code)
    return code, url


def open_panel(teacher):
    teacher.get_by_role("button", name="Class panel").click()
    expect(teacher.locator("#teacher-dialog")).to_be_visible()


def close_panel(teacher):
    teacher.locator("#teacher-dialog").get_by_role("button", name="Close").click()
    expect(teacher.locator("#teacher-dialog")).to_be_hidden()


def join(student, url: str, following: str = "Following class"):
    student.goto(url)
    expect(student.get_by_test_id("class-status")).to_contain_text(following)


def same_view(teacher, *students):
    """Every student shows the teacher's step and stored value."""
    step = teacher.get_by_test_id("step-index").text_content()
    cell = teacher.get_by_test_id("cell-value").text_content()
    for student in students:
        expect(student.get_by_test_id("step-index")).to_have_text(step)
        expect(student.get_by_test_id("cell-value")).to_have_text(cell)


def run_a_class(teacher, teacher_url: str, students_url: str | None = None):
    """The whole classroom story; students join on `students_url` (another server
    sharing the class through Redis) or on the join link as given."""
    code, link = start_class(teacher, teacher_url)
    assert link.endswith(f"/join/{code}")
    if students_url:
        link = f"{students_url}/join/{code}"
    return code, link


def test_a_class_follows_the_teacher_answers_and_ends(class_server, device):
    teacher = device()
    code, link = start_class(teacher, class_server.url)
    port = class_server.url.rsplit(":", 1)[1]
    assert link == f"http://localhost:{port}/join/{code}"  # another origin than the teacher's
    en = device(390, 844)
    hant = device(768, 1024, locale="zh-TW")
    join(en, link)
    join(hant, link, following="正在跟隨課堂")
    expect(hant.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(teacher.get_by_test_id("class-count")).to_have_text("2")
    expect(teacher.locator("#class-bar-count")).to_have_text("2 connected")

    # The teacher drags the input gate at step 3 and steps to 9.
    step_forward(teacher, 2)
    step_forward(teacher, 3)
    set_slider(teacher, "Input gate", 1)
    expect(en.get_by_label("Input gate", exact=True)).to_have_value("1")
    expect(hant.get_by_label("輸入閘", exact=True)).to_have_value("1")
    for step in range(4, 10):
        step_forward(teacher, step)
    stored = shown(sum(TAPE[2:9]))
    expect(teacher.get_by_test_id("cell-value")).to_have_text(stored)
    same_view(teacher, en, hant)
    expect(hant.locator(".tape-stored").nth(8)).to_have_text(stored)

    # Lesson 2's question: asked on every device in its own language, answered there.
    teacher.get_by_role("button", name="Lessons").click()
    teacher.get_by_role("button", name=re.compile("^2. Hold")).click()
    expect(teacher.locator("#lesson-title")).to_have_text("2. Hold")
    same_view(teacher, en, hant)
    expect(hant.locator("#lesson-title")).to_have_text("2. 保持")
    teacher.get_by_role("button", name="Step forward").click()  # the lesson asks first
    expect(teacher.locator("#predict")).to_be_visible()
    expect(teacher.get_by_test_id("class-answered")).to_have_text("0 of 2 answered")
    en.get_by_label("Before you step on: what will the stored value be at step 2?").fill(str(HOLD_ANSWER))
    en.get_by_role("button", name="Send answer").click()
    expect(en.locator("#class-ask-feedback")).to_contain_text("Answer sent: 0.37")
    hant.get_by_label(HANT["lesson.predict_cell"].format(step=2)).fill("0.5")
    hant.get_by_role("button", name=HANT["class.send_answer"]).click()
    expect(teacher.get_by_test_id("class-answered")).to_have_text("2 of 2 answered")
    expect(teacher.locator("#class-spread circle")).to_have_count(2)
    expect(teacher.locator("#class-spread .spread-right")).to_have_count(0)  # not before the reveal
    teacher.get_by_role("button", name="Reveal").click()
    expect(en.locator("#class-ask-feedback")).to_have_text("The answer is 0.37. You said 0.37: right!")
    expect(hant.locator("#class-ask-feedback")).to_have_text("答案是 0.37。你答 0.5。")
    expect(teacher.locator("#class-spread .spread-right")).to_have_count(1)
    expect(teacher.get_by_role("button", name="Reveal")).to_be_disabled()
    step_forward(teacher, 2)  # revealed: the class steps on
    same_view(teacher, en, hant)

    # Locked (the start): the student's controls are off and say so.
    expect(en.get_by_role("button", name="Step forward")).to_be_disabled()
    expect(en.locator("#class-lock-note")).to_contain_text("Your teacher leads")
    expect(en.get_by_role("button", name="Explore on my own")).to_be_hidden()
    open_panel(teacher)
    teacher.get_by_role("button", name="Unlock").click()
    expect(teacher.get_by_role("button", name="Lock", exact=True)).to_be_enabled()
    expect(en.get_by_role("button", name="Explore on my own")).to_be_visible()
    en.get_by_role("button", name="Explore on my own").click()
    expect(en.get_by_test_id("class-status")).to_contain_text("Exploring on your own")
    step_forward(en, 3)
    expect(teacher.get_by_test_id("step-index")).to_have_text("2")
    en.get_by_role("button", name="Back to the class").click()
    same_view(teacher, en)
    en.get_by_role("button", name="Explore on my own").click()
    step_forward(en, 3)
    teacher.get_by_role("button", name="Bring everyone back").click()
    expect(en.get_by_test_id("class-status")).to_contain_text("Following class")
    same_view(teacher, en)
    teacher.get_by_role("button", name="Lock", exact=True).click()
    expect(en.get_by_role("button", name="Explore on my own")).to_be_hidden()
    close_panel(teacher)

    # A student's page reloaded mid-class rejoins, as the same student.
    hant.reload()
    expect(hant.get_by_test_id("class-status")).to_contain_text("正在跟隨課堂")
    same_view(teacher, en, hant)
    expect(teacher.get_by_test_id("class-count")).to_have_text("2")

    # The end: every student is told, and the page is theirs again.
    open_panel(teacher)
    teacher.get_by_role("button", name="End the class").click()
    expect(en.get_by_test_id("class-status")).to_have_text("Your teacher ended the class. The page is yours again.")
    expect(hant.get_by_test_id("class-status")).to_contain_text("老師已結束課堂")
    expect(en.get_by_role("button", name="Step forward")).to_be_enabled()
    expect(en).not_to_have_url(re.compile("/join/"))
    expect(teacher.locator("#class-bar")).to_be_hidden()
    expect(teacher.get_by_role("button", name="Start a class")).to_be_visible()
