"""Every Python path of the cell against tests/golden/cells.json, the runs the tests'
independent references give (regenerate with `python -m tests.golden.make_cells`):
the API's float path (/api/run) and the batched array path (`model.run`). The page's
copy (static/js/cell.js) is checked against the same file in test_page_model."""

import json
from pathlib import Path

import numpy as np
import pytest

from app.model import Weights, run
from tests.golden.make_cells import cases

GOLDEN = json.loads((Path(__file__).parent / "golden" / "cells.json").read_text())["cases"]
MODEL_ROW = {"cell": "cell_input"}


def test_the_file_is_what_the_references_give_today():
    """(to the last bits, which another C library's exp or tanh may change)"""
    today = json.loads(json.dumps(cases()))
    assert [(c["name"], c["body"]) for c in GOLDEN] == [(c["name"], c["body"]) for c in today]
    for old, new in zip(GOLDEN, today):
        assert old["error_flow"] == pytest.approx(new["error_flow"], rel=1e-13, abs=1e-15)
        for a, b in zip(old["steps"], new["steps"]):
            assert a == pytest.approx(b, rel=1e-13, abs=1e-15)


def assert_matches(case, steps, error_flow):
    assert len(steps) == len(case["steps"])
    for t, (got, want) in enumerate(zip(steps, case["steps"])):
        for name, value in want.items():
            assert got[name] == pytest.approx(value, abs=1e-9), (case["name"], t + 1, name)
    assert error_flow == pytest.approx(case["error_flow"], abs=1e-9), case["name"]


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_the_api_float_path(client, case):
    answer = client.post("/api/run", json=case["body"]).json()
    assert_matches(case, answer["steps"], answer["error_flow"])


@pytest.mark.parametrize("case", GOLDEN, ids=[c["name"] for c in GOLDEN])
def test_the_array_path(case):
    body = case["body"]
    n = len(body["tape"])
    weights = Weights.scalar({MODEL_ROW.get(row, row): entries for row, entries in body["weights"].items()}
                             if "weights" in body else {"cell_input": {"wx": 1.0}})
    x = np.repeat(np.array(body["tape"], dtype=float).reshape(n, 1, 1), 2, axis=1)  # B = 2: arrays
    schedules = {g: np.repeat(np.array(v).reshape(n, 1, 1), 2, axis=1) for g, v in body.get("gates", {}).items()}
    trace = run(x, weights, variant=body["variant"], squash=body["squash"],
                self_loop=body.get("self_loop", 1.0), schedules=schedules)
    fields = {"input_gate", "forget_gate", "output_gate", "update_gate", "reset_gate", "cell_input", "cell", "output"}
    steps = [{name: float(getattr(trace, name)[t, 1, 0]) for name in fields if getattr(trace, name) is not None}
             for t in range(n)]
    assert_matches(case, steps, list(trace.error_flow()[:, 1, 0]))
