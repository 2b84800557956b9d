"""Property-based fuzzing of POST /api/run and /api/step with hypothesis: valid bodies,
mutated ones (wrong types, NaN and infinity as raw text, out-of-range and huge numbers,
wrong lengths, extra and unicode keys, deep nesting) and raw garbage. Never a 5xx; every
4xx has the project's error shape and names a field that is in the request (or `body`);
every 200 has finite numbers and one step per tape value. Derandomised: CI sees the same
examples every run."""

import json
import math

from hypothesis import HealthCheck, event, given, settings, strategies as st

from app import config as cfg
from app.api.adapter import _used_weights
from app.errors import field_path
from app.model import SQUASHES, VARIANT, VARIANTS
from app.model.cell import gates_of

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

SQUASH_NAMES = tuple(SQUASHES)
STEP_KEYS = {"t", "x", "input_gate", "forget_gate", "output_gate", "cell_input", "cell", "output"}
GRU_KEYS = STEP_KEYS | {"update_gate", "reset_gate"}


def step_keys(request) -> set[str]:
    return GRU_KEYS if request.get("variant") == "gru" else STEP_KEYS


def without_unused_loop(body, variant):
    """A variant with no self-loop (gru) refuses a self_loop other than 1; leave it out."""
    if not VARIANT[variant].self_loop:
        body.pop("self_loop", None)
    return body


def in_range(limit):
    return st.floats(-limit, limit, allow_nan=False, allow_infinity=False)


gate = st.floats(cfg.GATE_MIN, cfg.GATE_MAX, allow_nan=False)


@st.composite
def weights_for(draw, variant):
    used = _used_weights(variant)
    return {row: {name: draw(in_range(5.0)) for name in names if draw(st.booleans())}
            for row, names in used.items() if draw(st.booleans())}


@st.composite
def run_bodies(draw):
    variant = draw(st.sampled_from(VARIANTS))
    n = draw(st.one_of(st.integers(1, 24), st.sampled_from([cfg.TAPE_MAX_STEPS])))
    body = {"tape": draw(st.lists(in_range(cfg.TAPE_VALUE_LIMIT), min_size=n, max_size=n))}
    if draw(st.booleans()):
        body["variant"] = variant
    else:
        variant = cfg.VARIANT_DEFAULT
    gates = {g: draw(st.lists(gate, min_size=n, max_size=n))
             for g in gates_of(variant) if draw(st.booleans())}
    if gates:
        body["gates"] = gates
    optional = {"weights": weights_for(variant), "squash": st.sampled_from(SQUASH_NAMES),
                "self_loop": st.floats(cfg.SELF_LOOP_MIN, 1.1), "c0": in_range(1.0), "h0": in_range(1.0)}
    for key, strategy in optional.items():
        if draw(st.booleans()):
            body[key] = draw(strategy)
    return without_unused_loop(body, variant)


@st.composite
def step_bodies(draw):
    variant = draw(st.sampled_from(VARIANTS))
    body = {"x": draw(in_range(cfg.TAPE_VALUE_LIMIT)), "variant": variant}
    gates = {g: draw(gate) for g in gates_of(variant) if draw(st.booleans())}
    if gates:
        body["gates"] = gates
    optional = {"weights": weights_for(variant), "squash": st.sampled_from(SQUASH_NAMES),
                "self_loop": st.floats(cfg.SELF_LOOP_MIN, cfg.SELF_LOOP_MAX),
                "state": st.fixed_dictionaries({"c": in_range(cfg.STATE_LIMIT), "h": in_range(1.0)}),
                "t": st.integers(1, cfg.TAPE_MAX_STEPS)}
    for key, strategy in optional.items():
        if draw(st.booleans()):
            body[key] = draw(strategy)
    return without_unused_loop(body, variant)


# Values that must never pass where a number, a list or an object belongs.
NAN = float("nan")
JUNK = st.one_of(
    st.sampled_from([None, True, False, "", "0.5", "NaN", [], {}, [[]], NAN, math.inf, -math.inf,
                     10 ** 400, -(10 ** 30), 1e308, -1e-320, 2.0, -0.0, 1001, "lstm1997"]),
    st.text(max_size=20), st.integers(), st.floats(),
    st.lists(st.floats(), max_size=5), st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
KEYS = st.one_of(st.text(min_size=1, max_size=12),
                 st.sampled_from(["tape", "gates", "input", "forget", "output", "cell", "wx", "wc",
                                  "state", "c", "h", "x", "t", "variant", "ß", "门", "🙂", "__proto__"]))


def paths(node, prefix=()):
    """Every path into a JSON value: ("gates", "input", 3), ..."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from paths(value, prefix + (k,))


def replace(node, path, value):
    if not path:
        return value
    copy = dict(node) if isinstance(node, dict) else list(node)
    copy[path[0]] = replace(node[path[0]], path[1:], value)
    return copy


@st.composite
def mutated(draw, bodies):
    body = draw(bodies)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(list(paths(body))))
        target = body
        for part in where:
            target = target[part]
        kind = draw(st.sampled_from(["junk", "delete", "extra", "grow", "shrink", "nest"]))
        if kind == "junk":
            body = replace(body, where, draw(JUNK))
        elif kind == "delete" and where:
            container = body
            for part in where[:-1]:
                container = container[part]
            container = dict(container) if isinstance(container, dict) else list(container)
            del container[where[-1]]
            body = replace(body, where[:-1], container)
        elif kind == "extra" and isinstance(target, dict):
            body = replace(body, where, {**target, draw(KEYS): draw(JUNK)})
        elif kind == "grow" and isinstance(target, list):
            body = replace(body, where, target + [draw(JUNK)] * draw(st.integers(1, 3)))
        elif kind == "shrink" and isinstance(target, list):
            body = replace(body, where, target[: draw(st.integers(0, max(0, len(target) - 1)))])
        elif kind == "nest":
            depth = draw(st.integers(1, 50))
            value = target
            for _ in range(depth):
                value = [value] if draw(st.booleans()) else {"x": value}
            body = replace(body, where, value)
        if not isinstance(body, (dict, list)):
            break
    return body


def encode(body) -> bytes:
    """Python's json writes NaN and Infinity as bare tokens, as a hostile client might,
    and lone surrogates from unicode keys as invalid UTF-8."""
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


def names_the_request(request, item: dict) -> bool:
    """Is the error's field `body`, a path into the request (`gates.input[3]`), or, for a
    missing field, a name under an object that is in the request?"""
    present = {field_path(("body", *p)) for p in paths(request)}
    field = item["field"]
    if field == "body" or field in present:
        return True
    parent = field.rsplit(".", 1)[0] if "." in field else "body"
    return item["type"] == "missing" and parent in present


def check(client, path: str, raw: bytes, request) -> int:
    """POST `raw` (which decodes to `request`) and check the answer; returns the status."""
    response = client.post(path, content=raw, headers={"content-type": "application/json"})
    assert response.status_code < 500, (raw[:300], response.text)
    event(f"{path} {response.status_code}")
    answer = response.json()
    if response.status_code >= 400:
        assert set(answer) == {"error", "message", "fields", "detail"}, answer
        assert answer["fields"] and answer["message"].startswith(answer["fields"][0])
        for item in answer["detail"]:
            field = item["field"]
            assert field in answer["fields"]
            assert names_the_request(request, item), (raw[:300], answer)
        return response.status_code
    assert response.status_code == 200, response.text
    run = path == "/api/run"
    if run:
        steps = len(request["tape"])
        numbers = answer["steps"] + [{"flow": f} for f in answer["error_flow"]]
    else:
        numbers = [answer]
    for step in numbers:
        assert all(v is None or (isinstance(v, (int, float)) and math.isfinite(v)) for v in step.values())
    if run:
        assert [s["t"] for s in answer["steps"]] == list(range(1, steps + 1))
        assert len(answer["error_flow"]) == steps and answer["error_flow"][-1] == 1.0
        assert all(set(s) == step_keys(request) for s in answer["steps"])
    else:
        assert set(answer) == step_keys(request) and answer["t"] == request.get("t", 1)
    return 200


@FUZZ
@given(run_bodies())
def test_valid_runs_answer_in_full(client, body):
    status = check(client, "/api/run", encode(body), body)
    assert status in (200, 422)  # 422 only if the state would overflow (it names a field)


@FUZZ
@given(step_bodies())
def test_valid_steps_answer_in_full(client, body):
    assert check(client, "/api/step", encode(body), body) in (200, 422)


@FUZZ
@given(mutated(run_bodies()))
def test_mutated_runs_never_fail_the_server(client, body):
    check(client, "/api/run", encode(body), body)


@FUZZ
@given(mutated(step_bodies()))
def test_mutated_steps_never_fail_the_server(client, body):
    check(client, "/api/step", encode(body), body)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(str.encode),
                 st.integers(1, 300).map(lambda d: b'{"tape": [' + b"[" * d + b"]" * d + b"]}"),
                 st.integers(1, 20000).map(lambda n: b'{"x": 1' + b"0" * n + b"}")),
       st.sampled_from(["/api/run", "/api/step"]))
def test_raw_garbage_is_a_named_client_error(client, raw, path):
    try:
        request = json.loads(raw)
    except (ValueError, RecursionError):
        request = None  # then the only field to name is `body`
    check(client, path, raw, request)


def test_very_deep_nesting_and_very_long_numbers_are_named_client_errors(client):
    """Past Python's recursion limit and its 4300-digit integer limit."""
    for raw in (b"[" * 100_000 + b"]" * 100_000, b'{"tape": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
                b'{"tape": [1' + b"0" * 5000 + b"]}", b'{"x": 1' + b"0" * 100_000 + b"}"):
        for path in ("/api/run", "/api/step"):
            response = client.post(path, content=raw, headers={"content-type": "application/json"})
            assert 400 <= response.status_code < 500, response.text
            assert set(response.json()["fields"]) <= {"body", "tape[0]"}, response.text
