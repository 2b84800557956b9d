"""Share links and downloads, in real headless Chromium: a link reproduces every step,
and each export holds what the page computed."""

import csv
import io
import json
import re

import pytest
from playwright.sync_api import expect

from tests.page_helpers import TAPE, open_fresh, set_slider, shown, step_forward

pytestmark = pytest.mark.browser


def stored_at_every_step(page, steps: int) -> list[tuple[str, str]]:
    """Walk from step 1 to the last with Step forward; (stored value, output) at each."""
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_test_id("step-index")).to_have_text("1")
    seen = []
    for step in range(1, steps + 1):
        if step > 1:
            step_forward(page, step)
        seen.append((page.get_by_test_id("cell-value").text_content(),
                     page.get_by_test_id("output-value").text_content()))
    return seen


def test_a_share_link_reproduces_every_step(page, live_server, browser):
    open_fresh(page, live_server, "#variant=forget&loop=0.95")
    step_forward(page, 2)
    set_slider(page, "Input gate", 0.7)
    step_forward(page, 3)
    set_slider(page, "Input gate", 0)
    set_slider(page, "Forget gate", 0.8)
    for step in range(4, 8):
        step_forward(page, step)
    set_slider(page, "Output gate", 1)
    expect(page).to_have_url(re.compile(r"output=.*%2C1"))
    original = stored_at_every_step(page, 12)
    assert len(set(original)) > 3  # the run really varies from step to step

    other = browser.new_page()
    other.goto(page.url)
    expect(other.locator("#diagram .cell-value")).not_to_have_text("")
    assert stored_at_every_step(other, 12) == original
    expect(other.get_by_label("Variant", exact=True)).to_have_value("forget")
    expect(other.locator("#self-loop-value")).to_have_text("0.95")
    other.close()


def test_training_settings_round_trip_through_the_link(page, live_server):
    open_fresh(page, live_server, "#train=adding,50,forget,3")
    expect(page.locator("#train")).to_be_visible()
    expect(page.locator("#train-task")).to_have_value("adding")
    expect(page.locator("#train-lag")).to_have_value("50")
    page.locator("#train-model").select_option("rnn")
    expect(page).to_have_url(re.compile("train=adding%2C50%2Crnn%2C3"))
    page.get_by_role("button", name="Close the training lab").click()
    expect(page.locator("#train")).to_be_hidden()
    expect(page).not_to_have_url(re.compile("train="))


def test_broken_training_settings_fall_back_with_a_notice(page, live_server):
    open_fresh(page, live_server, "#train=adding,5000,gru,-1")
    expect(page.locator("#notice")).to_contain_text("train")
    expect(page.locator("#train")).to_be_hidden()


def test_csv_export_has_one_row_per_step(page, live_server):
    open_fresh(page, live_server, "#step=3&input=0,0,1,0,,,,,,,,&output=0,,,,,,,,,1,0,")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the run as CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert download.value.suggested_filename.endswith(".csv")
    assert [int(r["t"]) for r in rows] == list(range(1, 13))
    assert [float(r["x"]) for r in rows] == TAPE
    assert [float(r["cell"]) for r in rows] == [0.0, 0.0] + [TAPE[2]] * 10
    assert float(rows[9]["output"]) == TAPE[2] and float(rows[8]["output"]) == 0.0
    assert float(rows[0]["rnn_h"]) == TAPE[0] and float(rows[0]["error_flow"]) == 1.0


def test_json_export_holds_the_request_and_the_answer(page, live_server):
    open_fresh(page, live_server, "#step=3&input=0,0,1,0,,,,,,,,")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the run as JSON").click()
    record = json.load(open(download.value.path(), encoding="utf-8"))
    assert record["cell"]["request"]["tape"] == TAPE
    assert record["cell"]["request"]["gates"]["input"][:4] == [0, 0, 1, 0]
    assert [s["cell"] for s in record["cell"]["response"]["steps"]][2:] == [TAPE[2]] * 10
    assert record["rnn"]["request"]["variant"] == "rnn"


@pytest.mark.parametrize("kind", ["SVG", "PNG"])
def test_diagram_downloads(page, live_server, kind):
    open_fresh(page, live_server, "#step=3&input=0,0,1,0,,,,,,,,")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    with page.expect_download() as download:
        page.get_by_role("button", name=f"Download the diagram as {kind}").click()
    data = open(download.value.path(), "rb").read()
    if kind == "SVG":
        text = data.decode("utf-8")
        assert text.startswith("<svg") and "w = 1.0" in text and ">0.8<" in text
    else:
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_gru_exports_its_own_columns_and_drawing(page, live_server):
    page.goto(f"{live_server}/#variant=gru&step=5&update=1,0,0,0,1,0,,,,,,")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[4]))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the run as CSV").click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert list(rows[0])[:7] == ["t", "x", "update_gate", "reset_gate", "cell_input", "cell", "output"]
    assert [float(r["cell"]) for r in rows[:5]] == [TAPE[0]] * 4 + [TAPE[4]]
    assert float(rows[4]["error_flow"]) == 1.0 and float(rows[3]["error_flow"]) == 0.0  # step 5 overwrote
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the diagram as SVG").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "candidate" in text and "keep 1 − z" in text


def test_json_export_and_teacher_link_carry_computed_gates(page, live_server):
    open_fresh(page, live_server, "#variant=peephole&step=3&computed=input&w_input=4,0,-2,1.5")
    expect(page.locator("body")).to_have_attribute("data-run", "server")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the run as JSON").click()
    request = json.load(open(download.value.path(), encoding="utf-8"))["cell"]["request"]
    assert "input" not in request["gates"] and set(request["gates"]) == {"forget", "output"}
    assert request["weights"] == {"input": {"wx": 4, "b": -2, "wc": 1.5}}
    page.get_by_role("button", name="Teacher").click()
    expect(page.locator("#teacher-link")).to_have_value(re.compile(r"computed=input.*w_input=4%2C0%2C-2%2C1\.5"))
