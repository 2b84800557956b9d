"""The page's own copy of the one-cell run (static/js/cell.js), which draws a drag before
the server answers, must give what the server gives: bit for bit with the identity
squashing and every gate scheduled (the classroom default; only +, * and the tape's own
values), and within 1e-12 otherwise (JavaScript's Math.tanh and C's tanh may differ in
the last bit), for every variant, scheduled and computed gates and random weights. It
must also give the golden runs of tests/golden/cells.json (the independent references).
And the page shows its own run at once, then the server's."""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from app.api.adapter import _used_weights
from app.model import SQUASHES, VARIANT, VARIANTS
from app.model.cell import gates_of
from tests.page_helpers import TAPE, open_fresh, set_slider, shown

pytestmark = pytest.mark.browser

RUN_LOCALLY = """async (bodies) => {
  const { runLocally } = await import("/static/js/cell.js");
  return bodies.map((body) => runLocally(body));
}"""
STEP_FIELDS = ("t", "x", "input_gate", "forget_gate", "output_gate", "cell_input", "cell", "output")
GRU_FIELDS = ("t", "x", "input_gate", "forget_gate", "output_gate", "update_gate", "reset_gate",
              "cell_input", "cell", "output")
GOLDEN = json.loads((Path(__file__).parent / "golden" / "cells.json").read_text())["cases"]


def page_bodies(rng: np.random.Generator, count: int) -> list[dict]:
    """Bodies of the kind the page sends: for every variant, each gate scheduled or (every
    other body) computed from random weights, and the RNN."""
    squashes = sorted(SQUASHES)
    bodies = []
    for k in range(count):
        variant = VARIANTS[k % len(VARIANTS)]
        squash = squashes[(k // len(VARIANTS)) % len(squashes)]
        steps = int(rng.choice([1, 12, 12, 40, 200]))
        tape = [round(float(v), int(rng.integers(1, 6))) for v in rng.uniform(-5, 5, steps)]
        computed = {g for g in gates_of(variant) if k % 2 and rng.random() < 0.6}
        gates = {g: [float(v) if rng.random() < 0.7 else float(round(v)) for v in rng.uniform(0, 1, steps)]
                 for g in gates_of(variant) if g not in computed}
        body = {"variant": variant, "squash": squash, "tape": tape, "gates": gates}
        if VARIANT[variant].self_loop:
            body["self_loop"] = round(float(rng.uniform(0, 1.2)), 3)
        if k % 2:
            body["weights"] = {row: {e: round(float(rng.uniform(-2, 2)), 2) for e in entries}
                               for row, entries in _used_weights(variant).items()
                               if row == "cell" or row in computed}
        bodies.append(body)
    return bodies


def test_the_pages_run_equals_the_servers(page, live_server, client):
    open_fresh(page, live_server)
    bodies = page_bodies(np.random.default_rng(7), 100)
    bodies.append({"tape": [round(math.sin(k), 3) for k in range(1000)],  # the longest tape
                   "gates": {"input": [float(k % 7 == 0) for k in range(1000)],
                             "output": [float(k % 5 == 0) for k in range(1000)]}})
    local = page.evaluate(RUN_LOCALLY, bodies)
    for body, mine in zip(bodies, local):
        theirs = client.post("/api/run", json=body).json()
        assert mine is not None, body
        fields = GRU_FIELDS if body.get("variant") == "gru" else STEP_FIELDS
        assert [list(s) for s in mine["steps"]] == [list(fields)] * len(body["tape"])
        scheduled = set(body.get("gates", {})) == set(gates_of(body.get("variant", "lstm1997")))
        exact = body.get("squash", "identity") == "identity" and scheduled  # no sigmoid on the way
        for name in fields:
            for a, b in zip((s[name] for s in mine["steps"]), (s[name] for s in theirs["steps"])):
                # (a whole number comes back from the page as an int)
                assert (a == b if a is None else float(a) == b) if exact or a is None \
                    else a == pytest.approx(b, rel=1e-12, abs=1e-12), \
                    (body["variant"], body.get("squash"), name, a, b, body.get("weights"))
        if exact:
            assert mine["error_flow"] == theirs["error_flow"]
        else:
            assert mine["error_flow"] == pytest.approx(theirs["error_flow"], rel=1e-12, abs=1e-12)


def test_the_pages_run_gives_the_golden_runs(page, live_server):
    open_fresh(page, live_server)
    local = page.evaluate(RUN_LOCALLY, [case["body"] for case in GOLDEN])
    for case, mine in zip(GOLDEN, local):
        assert mine is not None, case["name"]
        for t, (got, want) in enumerate(zip(mine["steps"], case["steps"])):
            for name, value in want.items():
                assert got[name] == pytest.approx(value, abs=1e-9), (case["name"], t + 1, name)
        assert mine["error_flow"] == pytest.approx(case["error_flow"], abs=1e-9), case["name"]


def test_the_page_leaves_to_the_server_what_its_copy_does_not_cover(page, live_server):
    open_fresh(page, live_server)
    bodies = [
        {"tape": [1.0], "gates": {"update": [1.0]}},  # a gate the variant does not have
        {"tape": [1.0, 2.0], "gates": {"input": [1.0]}},  # a schedule of the wrong length
        {"tape": [1.0], "variant": "transformer"},
        {"tape": [100.0] * 1000, "variant": "rnn", "weights": {"cell": {"wh": 50.0}}},  # overflows
    ]
    assert page.evaluate(RUN_LOCALLY, bodies) == [None] * len(bodies)


def test_a_drag_is_drawn_at_once_and_then_confirmed(page, live_server):
    open_fresh(page, live_server, "#step=3")
    held = []
    page.route("**/api/run", lambda route: held.append(route))  # the server "is slow"
    set_slider(page, "Input gate", 1)
    # Drawn from the page's own run while the server's answer is still held back.
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
    assert page.evaluate("document.body.dataset.run") == "page"
    assert held
    for route in held:
        route.continue_()
    page.unroute("**/api/run")
    expect(page.locator("body")).to_have_attribute("data-run", "server")
    expect(page.get_by_test_id("cell-value")).to_have_text(shown(TAPE[2]))
