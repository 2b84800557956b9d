"""The public API through a TestClient: results, exact run/step agreement, and errors."""

import json
import math

import pytest

from app import config

TAPE = list(config.DEFAULT_TAPE)


def gate_at(step, length=12):
    return [1.0 if k == step - 1 else 0.0 for k in range(length)]


def test_health_docs_and_page(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert "swagger" in client.get("/docs").text.lower()
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")


def test_manual_1997_case(client):
    body = {"variant": "lstm1997", "tape": TAPE,
            "gates": {"input": gate_at(3), "output": gate_at(10)}}
    answer = client.post("/api/run", json=body).json()
    steps = answer["steps"]
    assert [s["t"] for s in steps] == list(range(1, 13))
    assert [s["cell"] for s in steps] == [0.0, 0.0] + [TAPE[2]] * 10
    assert [s["output"] for s in steps] == [0.0] * 9 + [TAPE[2]] + [0.0, 0.0]
    assert all(s["forget_gate"] == 1.0 for s in steps)
    assert answer["error_flow"] == [1.0] * 12
    assert set(steps[0]) == {"t", "x", "input_gate", "forget_gate", "output_gate",
                             "cell_input", "cell", "output"}


def test_defaults_store_the_tape_through_half_open_gates(client):
    steps = client.post("/api/run", json={"tape": [1.0, 0.0]}).json()["steps"]
    assert steps[0]["input_gate"] == 0.5 and steps[0]["cell_input"] == 1.0
    assert steps[0]["cell"] == 0.5 and steps[1]["cell"] == 0.5
    assert steps[0]["output"] == 0.25


def test_no_negative_zero_in_answers(client):
    body = {"tape": [-0.3], "gates": {"input": [1.0], "output": [0.0]}}
    text = client.post("/api/run", json=body).text
    assert "-0.0" not in text


def test_rnn_reports_no_gates(client):
    answer = client.post("/api/run", json={"variant": "rnn", "tape": [1.0, 0.0, 0.0],
                                           "self_loop": 0.9}).json()
    step = answer["steps"][2]
    assert step["input_gate"] is step["forget_gate"] is step["output_gate"] is None
    assert step["cell"] == step["output"] == pytest.approx(0.81, abs=1e-15)
    assert answer["error_flow"] == pytest.approx([0.81, 0.9, 1.0], abs=1e-15)


RECURRENT = {"input": {"wx": 0.7, "wh": -1.2, "b": 0.3, "wc": 0.4},
             "forget": {"wx": -0.5, "wh": 0.8, "b": 1.0, "wc": -0.6},
             "cell": {"wx": 1.3, "wh": 0.9, "b": -0.2},
             "output": {"wx": 0.2, "wh": 1.1, "b": -0.4, "wc": 0.5}}


GRU_WEIGHTS = {"update": {"wx": 0.8, "wh": -0.6, "b": -0.2}, "reset": {"wx": 0.5, "wh": 0.3, "b": 0.3},
               "cell": {"wx": 1.2, "wh": -0.7, "b": 0.05, "bh": -0.3}}


def weights_for(variant):
    if variant == "gru":
        return GRU_WEIGHTS
    unused = {"lstm1997": ["forget"], "rnn": ["input", "forget", "output"]}.get(variant, [])
    weights = {row: {k: v for k, v in w.items() if k != "wc" or variant == "peephole"}
               for row, w in RECURRENT.items() if row not in unused}
    if variant == "rnn":
        weights["cell"] = {"wx": 1.0, "wh": -0.3}
    return weights


@pytest.mark.parametrize("variant", ["lstm1997", "forget", "peephole", "rnn", "gru"])
@pytest.mark.parametrize("squash", ["identity", "tanh", "paper"])
def test_run_agrees_exactly_with_repeated_steps(client, variant, squash):
    body = {"variant": variant, "squash": squash, "tape": TAPE, "weights": weights_for(variant),
            "self_loop": 0.97, "c0": 0.1, "h0": -0.2}
    first = {"gru": "update", "rnn": None}.get(variant, "input")
    if variant == "gru":
        body["self_loop"] = 1.0  # the GRU has no self-loop
    if first:
        body["gates"] = {first: [0.0, 1.0, 0.3] * 4}  # one gate scheduled, the rest computed
    run = client.post("/api/run", json=body)
    assert run.status_code == 200, run.text
    state = {"c": 0.1, "h": -0.2}
    for t, expected in enumerate(run.json()["steps"], start=1):
        step_body = {k: v for k, v in body.items() if k not in ("tape", "gates", "c0", "h0")}
        step_body.update(x=TAPE[t - 1], state=state, t=t)
        if "gates" in body:
            step_body["gates"] = {first: body["gates"][first][t - 1]}
        step = client.post("/api/step", json=step_body).json()
        assert step == expected  # bit-identical floats
        state = {"c": step["cell"], "h": step["output"]}


def test_openapi_describes_ranges_and_defaults(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    run = schemas["RunRequest"]["properties"]
    assert run["tape"]["maxItems"] == 1000 and run["tape"]["minItems"] == 1
    assert run["self_loop"]["default"] == 1.0 and run["self_loop"]["maximum"] == 1.5
    assert run["variant"]["default"] == "lstm1997" and run["squash"]["default"] == "identity"
    assert schemas["CellInputWeights"]["properties"]["wx"]["default"] == 1.0
    assert all("description" in p for p in schemas["GateWeights"]["properties"].values())
    gate_items = schemas["Schedules"]["properties"]["input"]["anyOf"][0]["items"]
    assert gate_items["minimum"] == 0.0 and gate_items["maximum"] == 1.0


BAD_BODIES = [
    ("NaN", '{"tape": [0.5, NaN]}', "tape[1]"),
    ("infinity", '{"tape": [Infinity]}', "tape[0]"),
    ("overflowing literal", '{"tape": [1e999]}', "tape[0]"),
    ("string number", '{"tape": ["0.5"]}', "tape[0]"),
    ("boolean", '{"tape": [true]}', "tape[0]"),
    ("empty tape", '{"tape": []}', "tape"),
    ("1001 steps", json.dumps({"tape": [0.0] * 1001}), "tape"),
    ("tape value out of range", '{"tape": [1000]}', "tape[0]"),
    ("missing tape", '{}', "tape"),
    ("schedule length", '{"tape": [1, 2], "gates": {"input": [1]}}', "gates.input"),
    ("gate above 1", '{"tape": [1], "gates": {"output": [1.5]}}', "gates.output[0]"),
    ("gate below 0", '{"tape": [1], "gates": {"input": [-0.1]}}', "gates.input[0]"),
    ("gate NaN", '{"tape": [1], "gates": {"input": [NaN]}}', "gates.input[0]"),
    ("gate the variant lacks", '{"tape": [1], "gates": {"forget": [1]}}', "gates.forget"),
    ("unknown variant", '{"tape": [1], "variant": "transformer"}', "variant"),
    ("unknown squash", '{"tape": [1], "squash": "relu"}', "squash"),
    ("unknown field", '{"tape": [1], "colour": "red"}', "colour"),
    ("unknown gate", '{"tape": [1], "gates": {"remember": [1]}}', "gates.remember"),
    ("unknown weight", '{"tape": [1], "weights": {"cell": {"w": 1}}}', "weights.cell.w"),
    ("weight out of range", '{"tape": [1], "weights": {"input": {"b": 1e6}}}', "weights.input.b"),
    ("unused peephole", '{"tape": [1], "weights": {"input": {"wc": 1}}}', "weights.input.wc"),
    ("self_loop too big", '{"tape": [1], "self_loop": 2}', "self_loop"),
    ("self_loop string", '{"tape": [1], "self_loop": "1"}', "self_loop"),
    ("c0 infinite", '{"tape": [1], "c0": -Infinity}', "c0"),
    ("not an object", '[1, 2, 3]', "body"),
    ("malformed JSON", '{"tape": [1, 2', "body"),
    ("empty body", '', "body"),
]


@pytest.mark.parametrize("name,body,field", BAD_BODIES, ids=[b[0] for b in BAD_BODIES])
def test_bad_run_input_names_the_field(client, name, body, field):
    response = client.post("/api/run", content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500, response.text
    answer = response.json()
    assert field in answer["fields"], answer
    assert answer["message"].startswith(field)


BAD_STEPS = [
    ('{"x": NaN}', "x"),
    ('{"x": 0.5, "gates": {"input": 2}}', "gates.input"),
    ('{"x": 0.5, "gates": {"input": [1]}}', "gates.input"),
    ('{"x": 0.5, "state": {"c": "big"}}', "state.c"),
    ('{"x": 0.5, "state": {"c": 0, "h": 0, "s": 1}}', "state.s"),
    ('{"tape": [1]}', "tape"),
    ('{"x": 0.5, "t": 0}', "t"),
]


@pytest.mark.parametrize("body,field", BAD_STEPS)
def test_bad_step_input_names_the_field(client, body, field):
    response = client.post("/api/step", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert field in response.json()["fields"]


def test_body_without_json_content_type_is_explained(client):
    response = client.post("/api/run", content='{"tape": [1]}', headers={"content-type": "text/plain"})
    assert response.status_code == 422
    assert "application/json" in response.json()["message"]


def test_oversized_body_is_refused_before_parsing(client):
    big = b'{"tape": [' + b"0.5," * 80_000 + b'0.5]}'
    response = client.post("/api/run", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["fields"] == ["body"]


def test_oversized_streamed_body_is_refused(client):
    def chunks():
        yield b'{"tape": ['
        for _ in range(100):
            yield b"0.25," * 1000
        yield b"0]}"

    response = client.post("/api/run", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_overflow_is_a_clear_422(client):
    body = {"tape": [100.0] * 1000, "gates": {"input": [1.0] * 1000, "output": [1.0] * 1000},
            "weights": {"cell": {"wx": 50, "wh": 50}}, "self_loop": 1.5}
    response = client.post("/api/run", json=body)
    assert response.status_code == 422
    assert "overflowed" in response.json()["message"]
    assert response.json()["detail"][0]["type"] == "overflow"


def test_longest_tape_runs(client):
    tape = [math.sin(k / 10) for k in range(1000)]
    answer = client.post("/api/run", json={"tape": tape}).json()
    assert len(answer["steps"]) == 1000 and answer["steps"][-1]["t"] == 1000


def test_unknown_path_and_method_are_json(client):
    assert client.get("/api/nothing").status_code == 404
    response = client.get("/api/run")
    assert response.status_code == 405 and response.json()["fields"] == ["path"]
