"""A live class in real headless Chromium: a teacher's page and students' pages in
separate browser contexts (separate devices: their own storage, language and cookies).
The students open the join link the server gave, whose host (localhost) is not the
teacher's (127.0.0.1): another origin, as another device would be."""

import asyncio
import re
import time

import pytest
from playwright.sync_api import expect

from app import lessons, ui_strings
from app.live import address
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
    expect(teacher.locator("#class-runs")).to_have_text("No student has started a training run in this class.")
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


def test_a_class_follows_the_teacher_answers_and_ends(class_server, device):
    classroom(device, class_server)


def test_a_class_across_two_servers_and_redis(redis_server, device):
    """The teacher on one instance, the students on another; Redis carries the class."""
    first = ClassServer(redis_url=redis_server.url)
    second = ClassServer(redis_url=redis_server.url)
    try:
        classroom(device, first, students_on=second)
    finally:
        first.stop()
        second.stop()


def classroom(device, server, students_on=None):
    """The whole story: follow, a question, lock and unlock, a reload, the end. The
    students open the join link the server gave, or the same path on `students_on`."""
    teacher = device()
    code, link = start_class(teacher, server.url)
    port = server.url.rsplit(":", 1)[1]
    assert link == f"http://localhost:{port}/join/{code}"  # another origin than the teacher's
    if students_on:
        link = f"{students_on.url}/join/{code}"
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
    # Variant, squashing and the RNN's slider follow too (each shown in its own language).
    teacher.get_by_label("Variant", exact=True).select_option("forget")
    teacher.get_by_label("Squashing", exact=True).select_option("tanh")
    set_slider(teacher, "RNN self-weight", 0.5)
    for student in (en, hant):
        expect(student.locator("#variant")).to_have_value("forget")
        expect(student.locator("#squash")).to_have_value("tanh")
        expect(student.locator("#rnn-loop")).to_have_value("0.5")
    expect(hant.locator("#squash option:checked")).to_have_text(HANT["squash.tanh"])
    same_view(teacher, en, hant)

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
    expect(teacher.locator("#predict")).to_be_hidden()  # the teacher's page no longer asks
    step_forward(teacher, 2)  # revealed: the class steps on
    same_view(teacher, en, hant)
    for step in range(3, 7):
        step_forward(teacher, step)
    teacher.get_by_role("button", name="Step forward").click()  # the next question: step 7
    expect(teacher.get_by_test_id("class-answered")).to_have_text("0 of 2 answered")  # per question
    expect(teacher.locator("#class-spread circle")).to_have_count(0)
    expect(en.get_by_label("Before you step on: what will the stored value be at step 7?")).to_have_value("")
    expect(en.locator("#class-ask-feedback")).to_have_text("")
    teacher.get_by_role("button", name="Leave the lesson").click()  # closes the question
    expect(teacher.locator("#class-question")).to_be_hidden()
    expect(en.locator("#class-ask")).to_be_hidden()
    expect(hant.locator("#lesson")).to_be_hidden()
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
    step_forward(en, 7)
    expect(teacher.get_by_test_id("step-index")).to_have_text("6")
    en.get_by_role("button", name="Back to the class").click()
    same_view(teacher, en)
    en.get_by_role("button", name="Explore on my own").click()
    step_forward(en, 7)
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

    # The end takes a second press: the first only asks for it, and says so.
    open_panel(teacher)
    teacher.get_by_role("button", name="End the class").click()
    expect(teacher.locator("#class-teacher-status")).to_contain_text("Press the button again")
    end = teacher.get_by_role("button", name="Press again to end the class")
    expect(end).to_be_focused()
    expect(en.get_by_test_id("class-status")).to_contain_text("Following class")
    # The end: every student is told, and the page is theirs again.
    end.click()
    expect(teacher.locator("#class-teacher-status")).to_have_text("The class has ended.")
    expect(en.get_by_test_id("class-status")).to_have_text("Your teacher ended the class. The page is yours again.")
    expect(hant.get_by_test_id("class-status")).to_contain_text("老師已結束課堂")
    expect(en.get_by_role("button", name="Step forward")).to_be_enabled()
    expect(en).not_to_have_url(re.compile("/join/"))
    expect(teacher.locator("#class-bar")).to_be_hidden()
    expect(teacher.get_by_role("button", name="Start a class")).to_be_visible()


def test_a_followers_controls_are_off_and_back_to_the_class_is_at_once(class_server, device):
    teacher = device()
    _, link = start_class(teacher, class_server.url)
    student = device(390, 844)
    join(student, link)
    step_forward(teacher, 2)
    same_view(teacher, student)
    # Locked: every control that would change the page is off, and the page says why.
    for name in ("Step forward", "Play", "Reset", "Lessons", "Teacher"):
        expect(student.get_by_role("button", name=name, exact=True)).to_be_disabled()
    expect(student.get_by_label("Input gate", exact=True)).to_be_disabled()
    expect(student.get_by_label("Variant", exact=True)).to_be_disabled()
    expect(student.get_by_label("Language", exact=True)).to_be_enabled()  # its own
    note = student.locator("#class-lock-note")
    expect(note).to_be_visible()
    expect(note).to_have_text("Your teacher leads: the controls follow the class and are off for now.")
    student.locator("body").press("ArrowRight")  # the keyboard cannot move it either
    expect(note).to_have_class(re.compile("flash"))
    expect(student.get_by_test_id("step-index")).to_have_text("2")

    open_panel(teacher)
    teacher.get_by_role("button", name="Unlock").click()
    expect(student.locator("#class-lock-note")).to_contain_text("Explore on my own")
    student.get_by_role("button", name="Explore on my own").click()
    expect(student.get_by_role("button", name="Step forward")).to_be_enabled()
    expect(student.get_by_role("button", name="Step back")).to_be_enabled()  # the views' own rule
    step_forward(student, 3)
    set_slider(student, "Input gate", 1)
    expect(student.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    # Coming back shows the class's view in the same task as the click, not a moment later.
    shown_at_once = student.evaluate("""() => {
        document.getElementById('class-back').click();
        return [document.querySelector('[data-testid=step-index]').textContent,
                document.querySelector('[data-testid=cell-value]').textContent,
                document.getElementById('gate-input').disabled];
    }""")
    assert shown_at_once == ["2", teacher.get_by_test_id("cell-value").text_content(), True]
    expect(student.get_by_test_id("class-status")).to_contain_text("Following class")
    # A class that is locked again cannot be left.
    teacher.get_by_role("button", name="Lock", exact=True).click()
    expect(student.get_by_role("button", name="Explore on my own")).to_be_hidden()
    expect(student.get_by_role("button", name="Back to the class")).to_be_hidden()
    close_panel(teacher)
    # The teacher plays the tape: the student's page plays along.
    teacher.locator("#speed").evaluate("el => { el.value = 8; el.dispatchEvent(new Event('input')); }")
    teacher.get_by_role("button", name="Play").click()
    expect(student.get_by_test_id("step-index")).to_have_text("12", timeout=10000)
    same_view(teacher, student)


def test_join_form_checks_the_code(class_server, device):
    student = device(390, 844)
    student.goto(f"{class_server.url}/join")
    field = student.get_by_label("Class code", exact=True)
    expect(field).to_be_focused()
    field.fill("K7M-2Q")
    field.press("Enter")
    expect(student.locator("#class-join-error")).to_have_text(
        "A class code has 6 letters and digits (no I, L, O, 0 or 1).")
    field.fill("k7m 2qx")  # case and spaces do not matter; this class does not exist
    student.get_by_role("button", name="Join", exact=True).click()
    expect(student.locator("#class-join-error")).to_have_text(
        "No class has the code K7M2QX. Check it with your teacher: the class may have ended.")
    # A typed code of a running class joins it.
    teacher = device()
    code, _ = start_class(teacher, class_server.url)
    field.fill(code.lower())
    field.press("Enter")
    expect(student.get_by_test_id("class-status")).to_have_text(f"Following class {code}.")
    expect(student.locator("#class-join")).to_be_hidden()
    expect(student).to_have_url(re.compile(f"/join/{code}#"))


def test_a_join_link_of_a_wrong_or_ended_class_says_so(class_server, device):
    student = device()
    response = student.goto(f"{class_server.url}/join/NOPE!")
    assert response.status == 404
    expect(student.locator("#class-join-error")).to_have_text(
        "A class code has 6 letters and digits (no I, L, O, 0 or 1).")
    response = student.goto(f"{class_server.url}/join/ABCDEF")
    assert response.status == 200
    expect(student.locator("#class-join-error")).to_have_text(
        "No class has the code ABCDEF. Check it with your teacher: the class may have ended.")
    expect(student.get_by_label("Class code", exact=True)).to_be_visible()
    expect(student.locator("#class-bar")).to_be_hidden()


class NoLiveClass:
    """The app with its WebSockets refused (a server without live-class support) or, with
    `hang`, never answered (a firewall that drops packets); counts the attempts."""

    def __init__(self, asgi_app, hang=False):
        self.app, self.hang, self.attempts = asgi_app, hang, 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        self.attempts += 1
        if self.hang:
            await asyncio.sleep(60)  # the handshake is never answered
        else:
            await send({"type": "websocket.close", "code": 1000})  # refused: HTTP 403


@pytest.mark.parametrize("locale, words", [
    ("en-GB", "Cannot reach class ABCDEF. Check that this device is on the same network"),
    ("zh-TW", "連不到課堂 ABCDEF。請確認這台裝置和老師的電腦在同一個網路上"),
    ("zh-CN", "连不上课堂 ABCDEF。请确认这台设备和老师的电脑在同一个网络上"),
])
def test_a_student_who_cannot_reach_the_class_is_told_what_to_check(device, locale, words):
    refusing = NoLiveClass(create_app(Settings()))
    server = ServerThread(refusing).start()
    try:
        student = device(390, 844, locale=locale)
        student.goto(f"{server.url}/join/ABCDEF")
        status = student.get_by_test_id("class-status")
        expect(status).to_contain_text("ABCDEF")
        expect(status).to_contain_text(words, timeout=25000)
        assert refusing.attempts >= 4
        expect(student.get_by_role("button", name=re.compile("^(Leave|離開|离开)"))).to_be_visible()
    finally:
        server.stop()


def test_a_connection_that_never_opens_is_dropped_and_tried_again(device):
    silent = NoLiveClass(create_app(Settings()), hang=True)
    server = ServerThread(silent).start()
    try:
        student = device()
        student.goto(f"{server.url}/join/ABCDEF")
        expect(student.get_by_test_id("class-status")).to_have_text("Connecting to class ABCDEF…")
        deadline = time.monotonic() + 8 + 0.5 * 1.3 + 3  # the open limit, the first delay, slack
        while silent.attempts < 2 and time.monotonic() < deadline:
            student.wait_for_timeout(200)
        assert silent.attempts >= 2
    finally:
        server.stop()


def test_a_teacher_reload_keeps_the_class_and_a_server_restart_resumes_it(device):
    server = ClassServer()
    try:
        teacher = device()
        code, link = start_class(teacher, server.url)
        student = device(390, 844)
        join(student, link)
        step_forward(teacher, 2)
        same_view(teacher, student)
        expect(teacher).to_have_url(re.compile("step=2"))  # the URL rests a moment behind
        teacher.reload()  # {code, secret} in localStorage: the same class, its state sent again
        expect(teacher.get_by_test_id("class-bar-code")).to_have_text(code)
        expect(teacher.locator("#class-bar-count")).to_have_text("1 connected")
        step_forward(teacher, 3)
        same_view(teacher, student)
        # The server restarts with its classes in memory lost: the teacher's page resumes
        # the class with the same code, and the student's page finds it again.
        port = server.thread.port
        server.stop()
        expect(student.get_by_test_id("class-status")).to_contain_text("reconnecting")
        app = create_app(Settings(listen_host="127.0.0.1", listen_port=port,
                                  public_url=f"http://localhost:{port}"))
        server.thread = ServerThread(app, port=port).start()
        expect(student.get_by_test_id("class-status")).to_contain_text("Following class", timeout=30000)
        expect(teacher.locator("#class-bar-count")).to_have_text("1 connected", timeout=15000)
        step_forward(teacher, 4)
        same_view(teacher, student)
    finally:
        server.stop()


def test_ending_a_class_waits_for_a_second_press_then_forgets_the_first(class_server, device):
    teacher, student = device(locale="zh-TW"), device()
    teacher.clock.install()
    teacher.goto(f"{class_server.url}/")
    teacher.get_by_role("button", name="教師").click()
    teacher.get_by_role("button", name="開始課堂").click()
    expect(teacher.locator("#class-runs")).to_have_text(HANT["class.runs_none"])
    join(student, teacher.get_by_test_id("class-join-url").text_content())
    teacher.get_by_role("button", name=HANT["class.end"]).click()
    expect(teacher.locator("#class-end")).to_have_text(HANT["class.end_confirm"])
    expect(teacher.locator("#class-teacher-status")).to_have_text(HANT["class.end_confirm_note"])
    teacher.clock.run_for(6000)  # no second press: the button is as it was, the class goes on
    expect(teacher.locator("#class-end")).to_have_text(HANT["class.end"])
    expect(teacher.locator("#class-teacher-status")).to_have_text("")
    teacher.get_by_role("button", name=HANT["class.end"]).click()
    teacher.get_by_role("button", name=HANT["class.end_confirm"]).click()
    expect(teacher.locator("#class-teacher-status")).to_have_text(HANT["class.teacher_ended"])
    expect(student.get_by_test_id("class-status")).to_contain_text("Your teacher ended the class")


def test_the_panel_says_when_a_class_cannot_work(device):
    split = ClassServer(public_host=None, workers=2)  # several workers, no Redis
    try:
        teacher = device()
        teacher.goto(f"{split.url}/")
        teacher.get_by_role("button", name="Teacher").click()
        note = teacher.locator("#class-server-note")
        expect(note).to_contain_text("several worker processes without Redis")
        expect(note).to_contain_text("scripts/run --host 0.0.0.0")  # and it listens on 127.0.0.1
        expect(teacher.get_by_role("button", name="Start a class")).to_be_hidden()
        # A panel that was told otherwise (the server restarted with more workers): the
        # server refuses the class, and the panel says why.
        other = device(locale="zh-TW")
        other.route("**/api/live", lambda route: route.fulfill(json={
            "broker": "memory", "workers": 1, "shared": True, "join_base": "http://192.0.2.9:8000",
            "reachable": True, "warning": None}))
        other.goto(f"{split.url}/")
        other.get_by_role("button", name="教師").click()
        other.get_by_role("button", name="開始課堂").click()
        expect(other.locator("#class-teacher-status")).to_have_text(HANT["class.shared_false"])
        expect(other.get_by_role("button", name="開始課堂")).to_be_hidden()
    finally:
        split.stop()
    lone = ClassServer(public_host=None)  # one worker: a class works on this computer
    try:
        teacher = device(locale="zh-CN")
        teacher.goto(f"{lone.url}/")
        teacher.get_by_role("button", name="教师").click()
        expect(teacher.locator("#class-server-note")).to_contain_text("学生的设备连不上这个地址")
        expect(teacher.get_by_role("button", name="开始课堂")).to_be_visible()
    finally:
        lone.stop()


def test_a_teacher_on_loopback_hands_out_the_students_address(device):
    """`scripts/run --host 0.0.0.0` prints 127.0.0.1 first: a teacher there gets links and
    QR codes for the network address, and a second device on that address follows."""
    network, port = address.network_address(), _free_port()
    app = create_app(Settings(listen_host="0.0.0.0", listen_port=port))
    server = ServerThread(app, port=port, host="0.0.0.0").start()
    students = f"http://{network}:{port}"
    try:
        teacher = device()
        teacher.goto(f"{server.url}/")
        teacher.get_by_role("button", name="Teacher").click()
        teacher.get_by_label("Lesson", exact=True).select_option("hold")
        link = teacher.locator("#teacher-link")
        expect(link).to_have_value(re.compile("^" + re.escape(f"{students}/#lesson=hold")))
        teacher.get_by_role("button", name="Show QR code").click()
        expect(teacher.locator("#teacher-qr")).to_be_visible()
        assert teacher.locator("#teacher-qr").evaluate("(img) => img.decode().then(() => img.naturalWidth)") > 0
        lesson_link = link.input_value()
        teacher.get_by_role("button", name="Start a class").click()
        expect(teacher.get_by_test_id("class-join-url")).to_have_text(re.compile("^" + re.escape(f"{students}/join/")))
        assert teacher.locator("#class-qr").evaluate("(img) => img.decode().then(() => img.naturalWidth)") > 0
        join(device(390, 844), teacher.get_by_test_id("class-join-url").text_content())
        expect(teacher.get_by_test_id("class-count")).to_have_text("1")
        other = device()
        other.goto(lesson_link)
        expect(other.locator("#lesson-title")).to_have_text("2. Hold")
    finally:
        server.stop()


# Every error code of the protocol (docs/api.md, "Live class") has a sentence in each language.
ERROR_CODES = ["bad_json", "too_large", "unknown_type", "bad_field", "not_allowed", "rate_limited",
               "bad_secret", "unknown_class", "class_full", "too_many_classes"]


@pytest.mark.parametrize("lang", ui_strings.CODES)
def test_every_protocol_error_has_a_sentence(lang):
    strings = ui_strings.strings(lang)
    sentences = [strings.get(f"class.error.{code}") for code in ERROR_CODES]
    assert all(sentences) and len(set(sentences)) == len(ERROR_CODES)


def test_no_wcag_violations_in_a_class(class_server, device):
    from tests.test_a11y import violations

    teacher = device()
    _, link = start_class(teacher, class_server.url)
    student = device(390, 844, locale="zh-TW")
    join(student, link, following="正在跟隨課堂")
    teacher.get_by_role("button", name="Lessons").click()
    teacher.get_by_role("button", name=re.compile("^2. Hold")).click()
    teacher.get_by_role("button", name="Step forward").click()
    expect(teacher.get_by_test_id("class-answered")).to_have_text("0 of 1 answered")
    expect(student.locator("#class-ask")).to_be_visible()
    assert violations(teacher) == []
    assert violations(student) == []
    live = student.get_by_test_id("class-status")
    expect(live).to_have_attribute("role", "status")  # announced politely
    open_panel(teacher)
    assert violations(teacher) == []
    teacher.get_by_role("button", name="Show QR code full screen").click()
    expect(teacher.locator("#class-qr-dialog")).to_be_visible()
    assert violations(teacher) == []
    teacher.keyboard.press("Escape")
    expect(teacher.locator("#class-qr-dialog")).to_be_hidden()


@pytest.mark.parametrize("path, status, join", [
    ("/join", 200, ""), ("/join/k7m-2qx", 200, "K7M2QX"), ("/join/K7M2Q0", 404, "K7M2Q0"),
    ("/join/" + "A" * 60, 404, "A" * 40), ("/join/%3Cb%3E", 404, "&lt;b&gt;")])
def test_join_pages(client, path, status, join):
    """/join serves the page with the form; /join/CODE the page that joins CODE (read as
    the server reads codes); a code of the wrong form answers 404 with the form."""
    response = client.get(path, headers={"Accept-Language": "zh-TW"})
    assert response.status_code == status
    assert f'<body data-join="{join}">' in response.text
    assert 'id="class-join-code"' in response.text and "課堂代碼" in response.text
    assert "content-security-policy" in response.headers


def test_a_student_offline_for_a_while_catches_up(class_server, device):
    teacher = device()
    _, link = start_class(teacher, class_server.url)
    student = device(390, 844)
    join(student, link)
    student.context.set_offline(True)  # the Wi-Fi drops
    student.evaluate("window.dispatchEvent(new Event('offline'))")
    expect(student.get_by_test_id("class-status")).to_contain_text("reconnecting")
    step_forward(teacher, 2)
    step_forward(teacher, 3)
    set_slider(teacher, "Input gate", 1)
    student.wait_for_timeout(1500)
    student.context.set_offline(False)
    student.evaluate("window.dispatchEvent(new Event('online'))")  # the page retries at once
    expect(student.get_by_test_id("class-status")).to_contain_text("Following class", timeout=15000)
    same_view(teacher, student)
    expect(student.get_by_label("Input gate", exact=True)).to_have_value("1")


def test_a_teacher_sees_and_stops_a_students_training_run(class_server, device):
    teacher, student = device(), device()
    code, url = start_class(teacher, class_server.url)
    join(student, url)
    open_panel(teacher)
    teacher.locator("#class-unlock").click()  # students may explore (and train) on their own
    runs = teacher.locator("#class-runs li")
    expect(runs).to_have_text(["No student has started a training run in this class."])
    student.locator("#class-explore").click()
    student.locator("#open-train").click()
    student.locator("#train-lag").fill("1000")
    student.locator("#train-model").select_option("rnn")
    student.get_by_role("button", name="Start training").click()
    expect(student.locator("#train-stop")).to_be_enabled()
    # The open dialog asks again by itself (every 4 s): no Refresh press.
    expect(runs.first).to_contain_text("plain RNN (no gates), lag 1000: running", timeout=12000)
    expect(runs).to_have_count(1)
    said = teacher.locator("#class-runs-said")  # read out: the new run, not every count
    expect(said).to_contain_text("lag 1000: running")
    counted = runs.first.text_content()
    stop = runs.first.get_by_role("button", name="Stop")
    stop.focus()
    expect(runs.first).not_to_have_text(counted, timeout=12000)  # the count moves on by itself
    expect(runs.first.get_by_role("button", name="Stop")).to_be_focused()  # across the redraw
    teacher.keyboard.press("Enter")
    expect(runs.first).to_contain_text("stopped")
    expect(runs.first).to_be_focused()  # the keyboard stays on the stopped run, not the page
    expect(said).to_contain_text("stopped")
    expect(student.locator("#train-stop")).to_be_disabled()  # the student's page saw it end


def test_the_class_bars_follow_a_change_of_language(class_server, device):
    teacher, student = device(), device()
    code, url = start_class(teacher, class_server.url)
    join(student, url)
    student.locator("#language").select_option("zh-Hant")  # a student may pick their own
    expect(student.get_by_test_id("class-status")).to_have_text(HANT["class.status_following"].format(code=code))
    expect(student.locator("#class-lock-note")).to_have_text(HANT["class.lock_note"])  # a new class starts locked
    teacher.locator("#language").select_option("zh-Hant")
    expect(teacher.locator("#class-bar-count")).to_have_text(HANT["class.count"].format(n=1))


def test_the_join_link_breaks_before_its_code_and_the_qr_view_has_no_bar(class_server, device):
    teacher = device()
    code, url = start_class(teacher, class_server.url)
    teacher.set_viewport_size({"width": 390, "height": 844})
    open_panel(teacher)
    link = teacher.get_by_test_id("class-join-url")
    expect(link).to_have_text(url)  # the same words: a break opportunity adds none
    expect(link.locator(".join-code")).to_have_text(code)
    expect(link.locator(".join-code")).to_have_css("white-space", "nowrap")
    teacher.locator("#class-qr-full").click()
    close = teacher.locator("#class-qr-dialog > form")
    expect(close).to_be_visible()
    expect(close).to_have_css("border-top-width", "0px")  # no stray line above Close
