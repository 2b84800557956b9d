"""The page in real headless Chromium (Debian's package, driven by Playwright)."""

import re

import pytest
from playwright.sync_api import expect

from tests.page_helpers import TAPE, open_fresh, set_slider, shown, step_forward

pytestmark = pytest.mark.browser


def test_write_hold_read_from_a_fresh_page(page, live_server):
    open_fresh(page, live_server)
    cell, output = page.get_by_test_id("cell-value"), page.get_by_test_id("output-value")
    x3 = page.get_by_test_id("tape-x-3").text_content()
    assert x3 == shown(TAPE[2])
    step_forward(page, 2)
    step_forward(page, 3)
    set_slider(page, "Input gate", 1)
    expect(cell).to_have_text(x3)
    step_forward(page, 4)
    set_slider(page, "Input gate", 0)
    expect(cell).to_have_text(x3)
    for step in range(5, 10):
        step_forward(page, step)
        expect(cell).to_have_text(x3)
        expect(output).to_have_text("0")
    step_forward(page, 10)
    set_slider(page, "Output gate", 1)
    expect(output).to_have_text(x3)
    expect(cell).to_have_text(x3)
    # The tape shows what was stored at every step reached.
    stored = page.locator(".tape-stored").all_text_contents()
    assert stored[:10] == ["0", "0"] + [x3] * 8


def test_dragging_a_slider_updates_without_pressing_anything(page, live_server):
    open_fresh(page, live_server, "#step=3")
    set_slider(page, "Input gate", 0.5)
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(0.5 * TAPE[2]))
    expect(page.locator("#gate-input-value")).to_have_text("50%")


def test_step_back_restores_the_earlier_view(page, live_server):
    open_fresh(page, live_server, "#step=3")
    set_slider(page, "Input gate", 1)
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    step_forward(page, 4)
    set_slider(page, "Input gate", 1)
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2] + TAPE[3]))
    page.get_by_role("button", name="Step back").click()
    expect(page.get_by_test_id("step-index")).to_have_text("3")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    expect(page.get_by_label("Input gate", exact=True)).to_have_value("1")


def test_editing_a_tape_value_changes_the_run(page, live_server):
    open_fresh(page, live_server, "#step=3&input=0,0,1,0,,,,,,,,")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    page.get_by_test_id("tape-x-3").click()
    editor = page.get_by_label("New tape value for step 3")
    editor.fill("0.25")
    editor.press("Enter")
    expect(page.get_by_test_id("tape-x-3")).to_have_text("0.25")
    expect(page.get_by_test_id("cell-value")).to_have_text("0.25")
    expect(page).to_have_url(re.compile("tape=0.5%2C-0.3%2C0.25"))


def test_keyboard_steps_and_plays(page, live_server):
    open_fresh(page, live_server)
    page.locator("body").press("ArrowRight")
    expect(page.get_by_test_id("step-index")).to_have_text("2")
    page.locator("body").press("Home")
    expect(page.get_by_test_id("step-index")).to_have_text("1")
    page.get_by_label("Speed").evaluate("el => { el.value = 8; el.dispatchEvent(new Event('input')); }")
    page.locator("body").press(" ")
    expect(page.get_by_test_id("step-index")).to_have_text("12", timeout=5000)
    expect(page.get_by_role("button", name="Play")).to_be_visible()


def test_slider_keys_fine_and_coarse(page, live_server):
    open_fresh(page, live_server)
    slider = page.get_by_label("Input gate", exact=True)
    slider.focus()
    slider.press("PageUp")
    expect(page.locator("#gate-input-value")).to_have_text("25%")
    slider.press("Shift+ArrowRight")
    expect(page.locator("#gate-input-value")).to_have_text("26%")
    slider.press("ArrowLeft")
    expect(page.locator("#gate-input-value")).to_have_text("21%")
    assert slider.get_attribute("aria-valuetext") == "Input gate 21% open"


def test_a_late_answer_to_an_older_request_is_dropped(page, live_server):
    open_fresh(page, live_server, "#step=3")
    held = []

    def hold_first(route):
        if not held and '"input":[0,0,0.3' in (route.request.post_data or ""):
            held.append(route)  # answered later, after the newer request
        else:
            route.continue_()

    page.route("**/api/run", hold_first)
    set_slider(page, "Input gate", 0.3)
    set_slider(page, "Input gate", 1)
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    assert held, "the first request should have been held"
    held[0].continue_()
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))


def test_unreachable_server_is_said_and_the_view_is_kept(page, live_server):
    open_fresh(page, live_server, "#step=3&input=0,0,1,,,,,,,,,")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    page.route("**/api/run", lambda route: route.abort("connectionrefused"))
    set_slider(page, "Input gate", 0.5)
    expect(page.locator("#connection")).to_be_visible()
    expect(page.locator("#connection")).to_contain_text("reconnecting")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    page.unroute("**/api/run")
    expect(page.locator("#connection")).to_be_hidden(timeout=8000)
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(0.5 * TAPE[2]))


def test_rnn_fades_beside_the_cell_and_error_flow_lane(page, live_server):
    tape = ",".join(["1"] + ["0"] * 11)
    open_fresh(page, live_server, f"#tape={tape}&input=1,0,,,,,,,,,,&step=12")
    expect(page.get_by_test_id("cell-value")).to_have_text("1")
    expect(page.get_by_test_id("rnn-value")).to_have_text("RNN 0.314")  # 0.9^11
    expect(page.get_by_test_id("cell-flow")).to_have_text("Cell 1")
    expect(page.get_by_test_id("rnn-flow")).to_have_text("RNN 0.314")
    set_slider(page, "RNN self-weight", 0.5)
    expect(page.get_by_test_id("rnn-value")).to_have_text("RNN 0")  # 0.5^11 = 0.0005


def test_variants_and_the_forget_gate_slider(page, live_server):
    open_fresh(page, live_server, "#step=3&input=0,0,1,0,,,,,,,,")
    forget = page.get_by_label("Forget gate", exact=True)
    expect(forget).to_be_hidden()
    page.get_by_label("Variant", exact=True).select_option("forget")
    expect(forget).to_be_visible()
    step_forward(page, 4)
    set_slider(page, "Forget gate", 0)
    expect(page.get_by_test_id("cell-value")).to_have_text("0")
    page.get_by_label("Squashing", exact=True).select_option("paper")
    expect(page).to_have_url(re.compile("squash=paper"))


def test_a_link_reproduces_the_view(page, live_server, browser):
    open_fresh(page, live_server, "#step=5&input=0,0,1,0,,,,,,,,&loop=0.9")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2] * 0.9 ** 2))
    link = page.url
    other = browser.new_page()
    other.goto(link)
    expect(other.get_by_test_id("step-index")).to_have_text("5")
    expect(other.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2] * 0.9 ** 2))
    other.close()


def test_broken_link_falls_back_with_a_notice(page, live_server):
    open_fresh(page, live_server, "#tape=1,NaN,<b>x</b>&step=99&variant=evil")
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator("#notice")).to_contain_text("tape")
    assert page.locator("#notice b").count() == 0
    expect(page.get_by_test_id("tape-x-1")).to_have_text(shown(TAPE[0]))


def test_no_request_leaves_the_origin(page, live_server):
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    open_fresh(page, live_server)
    step_forward(page, 2)
    assert urls and all(u.startswith(live_server) for u in urls), urls


@pytest.mark.parametrize("width,height", [(1280, 720), (1920, 1080), (768, 1024)])
def test_layout_holds(browser, live_server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=width < 1000)
    page = context.new_page()
    open_fresh(page, live_server)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    for name in ("Step forward", "Step back", "Play", "Reset"):
        box = page.get_by_role("button", name=name).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    for label in ("Input gate", "Output gate"):
        assert page.get_by_label(label, exact=True).bounding_box()["height"] >= 44
    diagram = page.locator("#diagram").bounding_box()
    assert diagram["width"] >= 0.5 * min(width, 960)
    if height <= 720:  # on a projector the cell, its sliders and the tape are in view at once
        assert page.get_by_role("button", name="Step forward").bounding_box()["y"] < height
        assert page.get_by_test_id("tape-x-1").bounding_box()["y"] < height
        stored = page.locator(".tape-stored").first.bounding_box()  # what the cell holds, too
        assert stored["y"] + stored["height"] <= height
    context.close()


def test_the_self_loop_is_labelled_with_its_weight(page, live_server):
    open_fresh(page, live_server, "#step=5&input=0,0,1,0,,,,,,,,")
    label = page.locator("#diagram .loop-label")
    expect(label).to_have_text("w = 1.0")
    set_slider(page, "Cell self-loop w", 0.9)
    expect(label).to_have_text("w = 0.9")
    expect(page.locator("#diagram .loop")).to_have_class(re.compile("leaky"))
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2] * 0.9 ** 2))


def test_every_control_is_a_44px_target_on_a_tablet(browser, live_server):
    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True)
    page = context.new_page()
    open_fresh(page, live_server, "#train=first-symbol,100,lstm1997,0")
    small = page.evaluate("""() => [...document.querySelectorAll('button, input, select, a')]
      .filter((e) => e.offsetParent !== null)
      .map((e) => { const box = (e.closest('label') ?? e).getBoundingClientRect();
                    const own = e.getBoundingClientRect();
                    return [e.id || e.className, Math.max(box.width, own.width), Math.max(box.height, own.height)]; })
      .filter(([, width, height]) => width < 44 || height < 44)""")
    assert small == []
    context.close()


CONTROL_VALUES = """() => Object.fromEntries([
  ...[...document.querySelectorAll("select[id], input[id]:is([type=range], [type=number], [type=checkbox])")]
    .map((e) => [e.id, e.type === "checkbox" ? e.checked : e.value]),
  ...[...document.querySelectorAll("output[id]")].map((e) => [e.id, e.textContent]),
])"""


@pytest.mark.parametrize("locale", ["en-GB", "zh-TW"])
def test_the_markup_stands_at_the_defaults_before_the_scripts_run(browser, live_server, locale):
    """Every menu, slider and number field (and a slider's value beside it) is already at
    the page's default in the HTML, so nothing jumps when the scripts apply the state."""
    bare = browser.new_context(java_script_enabled=False, locale=locale)
    before = bare.new_page()
    before.goto(f"{live_server}/")
    markup = before.evaluate(CONTROL_VALUES)  # evaluate runs even with the page's scripts off
    bare.close()
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"{live_server}/")
    expect(page.locator("#diagram .cell-value")).not_to_have_text("")
    page.locator("#open-train").click()  # the training lab's fields, at their defaults
    expect(page.locator("#train")).to_be_visible()
    scripted = page.evaluate(CONTROL_VALUES)
    context.close()
    jumps = {key: (markup.get(key), value) for key, value in scripted.items()
             if markup.get(key) != value and not key.startswith(("teacher-", "train-demo"))}
    assert jumps == {}
    assert markup["speed"] == "2" and markup["gate-forget"] == "1" and markup["rnn-loop-value"] == "0.9"


# Where each part of the page begins: what a reader sees move if the scripts change it.
TOPS = """() => Object.fromEntries(["#diagram", ".readout", ".gate-sliders", ".playback", ".tape-section",
  ".tape-help", ".side", "#memory-chart", "#flow-chart", ".timeline"].map((s) => {
  const box = document.querySelector(s).getBoundingClientRect();
  return [s, [Math.round(box.left), Math.round(box.top)]];
}))"""


def moved(before: list[int], after: list[int]) -> bool:
    """More than a pixel: line boxes are laid out in fractions of one, so a reserved height
    and the text that fills it may round to neighbouring pixels."""
    return any(abs(a - b) > 1 for a, b in zip(before, after))


def first_paint_and_drawn(context, url: str) -> tuple[dict, dict, str]:
    """TOPS as first painted (the modules refused; the inline line runs) and once drawn, and
    the body's classes as first painted."""
    before = context.new_page()
    before.route("**/*.js", lambda route: route.abort())
    before.goto(url)
    painted, classes = before.evaluate(TOPS), before.evaluate("document.body.className")
    page = context.new_page()
    page.goto(url)
    expect(page.locator("body")).to_have_attribute("data-run", "server")
    return painted, page.evaluate(TOPS), classes


@pytest.mark.parametrize("size", [(1280, 720), (768, 1024), (430, 932), (390, 844)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("locale", ["en-GB", "zh-TW"])
def test_nothing_moves_when_the_scripts_draw_the_page(browser, live_server, size, locale):
    """The markup keeps room for what the scripts write into it (the equation line, a row
    of tape cells), so a page painted before its scripts have run (a slow device or
    network) does not jump when they draw it: every part begins where it began."""
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale=locale)
    painted, drawn, _ = first_paint_and_drawn(context, f"{live_server}/")
    context.close()
    assert {part: (painted[part], at) for part, at in drawn.items() if moved(painted[part], at)} == {}


def test_a_projector_link_is_in_projector_mode_from_its_first_paint(browser, live_server):
    """A teacher's projector link (#mode=projector) is laid out for the projector before the
    modules run (one inline line does it), so the room never sees the ordinary page first
    and then everything enlarge: the parts begin where they will be once drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    painted, drawn, classes = first_paint_and_drawn(context, f"{live_server}/#mode=projector")
    context.close()
    assert classes == "projector"
    assert {part: (painted[part], at) for part, at in drawn.items() if moved(painted[part], at)} == {}


# From the first frame in which the plate is drawn with its opening set, for 12 frames: its
# drawn (computed) top against the one set, in SVG units.
FIRST_FRAMES = """(() => {
  window.plateFrames = [];
  const frame = () => {
    const plate = document.querySelector('#diagram .%s .plate');
    if (plate?.hasAttribute('y') && plate.checkVisibility()) {
      window.plateFrames.push([parseFloat(getComputedStyle(plate).y), parseFloat(plate.getAttribute('y'))]);
    }
    if (window.plateFrames.length < 12) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();"""


@pytest.mark.parametrize("variant, gate", [("lstm1997", "gate-input"), ("gru", "gate-reset")])
def test_the_gates_plates_are_drawn_in_place_and_slide_only_later(page, live_server, variant, gate):
    """The plates were made at y = 0 and slid to their first opening over 0.15 s, so a
    screenshot just after load caught them half-way."""
    page.add_init_script(FIRST_FRAMES % gate)  # (run by DevTools: the page's CSP allows it)
    page.goto(f"{live_server}/#variant={variant}&lang=en")
    frames = []
    for _ in range(200):  # (polled from here: the CSP forbids wait_for_function's eval)
        frames = page.evaluate("window.plateFrames")
        if len(frames) >= 12:
            break
        page.wait_for_timeout(20)
    assert len(frames) == 12 and all(abs(drawn - set_) < 0.01 for drawn, set_ in frames), frames
    # Later openings still slide.
    plate = page.locator(f"#diagram .{gate} .plate").first
    assert plate.evaluate("(p) => getComputedStyle(p).transitionDuration") == "0.15s"
