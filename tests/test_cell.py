"""The NumPy cell against hand-computed values and independent references."""

import math

import numpy as np
import pytest

from app.model import VARIANTS, Weights, run
from app.model.cell import gates_of
from app.model.squash import SQUASHES
from tests import reference as ref

TAPE = [0.5, -0.3, 0.8, 0.1, 0.2, -0.5, 0.9, 0.0, 0.3, -0.2, 0.4, 0.6]


def column(values):
    return np.asarray(values, dtype=float).reshape(-1, 1, 1)


def one_hot(step, length=12):
    schedule = np.zeros(length)
    schedule[step - 1] = 1.0
    return column(schedule)


def scalar_weights(wx, wh, b, wc=(0, 0, 0, 0)):
    rows = ("input", "forget", "cell_input", "output")
    return Weights.scalar({r: {"wx": wx[k], "wh": wh[k], "b": b[k], "wc": wc[k]}
                           for k, r in enumerate(rows)})


@pytest.mark.parametrize("seed", range(5))
def test_write_hold_read_is_bit_exact_for_any_tape(seed):
    tape = np.random.default_rng(seed).uniform(-100, 100, 12)
    trace = run(column(tape), Weights.scalar({"cell_input": {"wx": 1.0}}),
                schedules={"input": one_hot(3), "output": one_hot(10)})
    cell, output = trace.cell.ravel(), trace.output.ravel()
    assert list(cell[:2]) == [0.0, 0.0]
    assert all(value == tape[2] for value in cell[2:])  # bit-identical, steps 3..12
    assert output[9] == tape[2]
    assert all(output[k] == 0 for k in range(12) if k != 9)


def test_hand_computed_forget_step():
    # x = 1, all weights 0 except cell wx = 1 and forget bias ln 3 (f = 3/4), tanh:
    # i = o = sigmoid(0) = 1/2, g = tanh(1), c1 = 1/2 tanh(1), y1 = 1/2 tanh(c1);
    # step 2 with x = 0: c2 = 3/4 c1.
    weights = Weights.scalar({"cell_input": {"wx": 1.0}, "forget": {"b": math.log(3)}})
    trace = run(column([1.0, 0.0]), weights, variant="forget", squash="tanh")
    c1 = 0.5 * 0.7615941559557649
    assert trace.cell.ravel() == pytest.approx([c1, 0.75 * c1], abs=1e-15)
    assert trace.forget_gate.ravel() == pytest.approx([0.75, 0.75], abs=1e-15)
    assert trace.output.ravel()[0] == pytest.approx(0.5 * math.tanh(c1), abs=1e-15)


def random_scalar_weights(rng, scale=1.5):
    return [list(rng.normal(0, scale, 4)) for _ in range(3)]


def test_forget_variant_matches_vanilla_lstm_over_100_random_steps():
    rng = np.random.default_rng(42)
    wx, wh, b = random_scalar_weights(rng)
    tape = rng.uniform(-2, 2, 100)
    trace = run(column(tape), scalar_weights(wx, wh, b), variant="forget", squash="tanh")
    h = c = 0.0
    for t, x in enumerate(tape):
        i, f, g, o, c, h = ref.vanilla_lstm_step(x, h, c, wx, wh, b)
        got = [a.ravel()[t] for a in (trace.input_gate, trace.forget_gate, trace.cell_input,
                                      trace.output_gate, trace.cell, trace.output)]
        assert got == pytest.approx([i, f, g, o, c, h], abs=1e-9)


def test_peephole_variant_matches_gers_equations():
    rng = np.random.default_rng(7)
    wx, wh, b = random_scalar_weights(rng)
    wc = list(rng.normal(0, 1.5, 4))
    tape = rng.uniform(-2, 2, 100)
    trace = run(column(tape), scalar_weights(wx, wh, b, wc), variant="peephole", squash="tanh")
    h = c = 0.0
    for t, x in enumerate(tape):
        i, f, g, o, c, h = ref.peephole_lstm_step(x, h, c, wx, wh, b, wc)
        assert trace.output_gate.ravel()[t] == pytest.approx(o, abs=1e-9)
        assert trace.cell.ravel()[t] == pytest.approx(c, abs=1e-9)
        assert trace.output.ravel()[t] == pytest.approx(h, abs=1e-9)


def test_paper_squashing_matches_1997_equations():
    rng = np.random.default_rng(3)
    wx, wh, b = random_scalar_weights(rng)
    tape = rng.uniform(-1, 1, 60)
    trace = run(column(tape), scalar_weights(wx, wh, b), squash="paper")
    h = s = 0.0
    for t, x in enumerate(tape):
        in_gate, out_gate, g, s, h = ref.lstm1997_step(x, h, s, wx, wh, b)
        assert trace.input_gate.ravel()[t] == pytest.approx(in_gate, abs=1e-12)
        assert trace.cell_input.ravel()[t] == pytest.approx(g, abs=1e-12)
        assert trace.cell.ravel()[t] == pytest.approx(s, abs=1e-9)
        assert trace.output.ravel()[t] == pytest.approx(h, abs=1e-12)
    assert np.all(trace.forget_gate == 1.0)


def test_paper_squashing_ranges():
    v = np.linspace(-40, 40, 2001)
    paper = SQUASHES["paper"]
    assert paper.g(v).min() == -2.0 and paper.g(v).max() == 2.0
    assert paper.h(v).min() == -1.0 and paper.h(v).max() == 1.0
    assert paper.g(np.array([0.0]))[0] == 0.0
    # g = 2 tanh(v / 2), h = tanh(v / 2)
    assert paper.g(v) == pytest.approx(2 * np.tanh(v / 2), abs=1e-12)


def test_linear_rnn_keeps_point_nine_to_the_49th_after_50_steps():
    tape = [1.0] + [0.0] * 49
    trace = run(column(tape), Weights.scalar({"cell_input": {"wx": 1.0}}),
                variant="rnn", self_loop=0.9)
    assert trace.cell.ravel()[-1] == pytest.approx(0.9 ** 49, rel=1e-12)
    assert trace.cell.ravel()[-1] == pytest.approx(0.00573, abs=5e-6)
    assert trace.error_flow().ravel()[0] == pytest.approx(0.9 ** 49, rel=1e-12)


def test_tanh_rnn_and_its_error_flow():
    tape = [0.5, -0.2, 0.7, 0.1]
    trace = run(column(tape), Weights.scalar({"cell_input": {"wx": 1.0}}),
                variant="rnn", squash="tanh", self_loop=0.9)
    h, states, slopes = 0.0, [], []
    for x in tape:
        h = math.tanh(0.9 * h + x)
        states.append(h)
        slopes.append(0.9 * (1 - h * h))
    assert trace.cell.ravel() == pytest.approx(states, abs=1e-15)
    expected_flow = [slopes[1] * slopes[2] * slopes[3], slopes[2] * slopes[3], slopes[3], 1.0]
    assert trace.error_flow().ravel() == pytest.approx(expected_flow, rel=1e-12)
    assert trace.input_gate is None and trace.cell_input is None


def test_carousel_carries_error_exactly_one():
    tape = np.random.default_rng(0).uniform(-1, 1, 1000)
    trace = run(column(tape), Weights.scalar({"cell_input": {"wx": 1.0}}))
    assert np.all(trace.error_flow() == 1.0)


def test_forget_error_flow_is_product_of_later_forget_gates():
    rng = np.random.default_rng(5)
    wx, wh, b = random_scalar_weights(rng)
    trace = run(column(rng.uniform(-1, 1, 20)), scalar_weights(wx, wh, b), variant="forget")
    f = trace.forget_gate.ravel()
    flow = trace.error_flow().ravel()
    for t in range(20):
        assert flow[t] == pytest.approx(math.prod(f[t + 1:]), rel=1e-12)


def test_leaky_self_loop_decays_the_stored_value():
    trace = run(column([1.0] + [0.0] * 11), Weights.scalar({"cell_input": {"wx": 1.0}}),
                schedules={"input": one_hot(1), "output": column(np.zeros(12))}, self_loop=0.9)
    assert trace.cell.ravel()[11] == pytest.approx(0.9 ** 11, rel=1e-12)
    assert trace.cell.ravel()[11] == pytest.approx(0.314, abs=1e-3)


def test_mixed_schedule_and_computed_gates():
    weights = Weights.scalar({"cell_input": {"wx": 1.0}, "output": {"b": 2.0, "wh": 0.5}})
    trace = run(column(TAPE), weights, schedules={"input": one_hot(1)})
    o = 1 / (1 + math.exp(-2.0))  # y_0 = 0
    assert trace.output_gate.ravel()[0] == pytest.approx(o, abs=1e-15)
    assert trace.output.ravel()[0] == pytest.approx(o * 0.5, abs=1e-15)
    assert np.all(trace.cell.ravel() == 0.5)


@pytest.mark.parametrize("variant", ["lstm1997", "forget", "peephole", "rnn"])
def test_batch_of_sequences_and_units_matches_one_at_a_time(variant):
    rng = np.random.default_rng(11)
    T, B, I, H = 15, 3, 2, 4
    weights = Weights(rng.normal(0, 1, (4, H, I)), rng.normal(0, 0.5, (4, H, H)),
                      rng.normal(0, 1, (4, H)), rng.normal(0, 1, (4, H)))
    x = rng.normal(0, 1, (T, B, I))
    batch = run(x, weights, variant=variant, squash="tanh", self_loop=0.95)
    for n in range(B):
        single = run(x[:, n:n + 1], weights, variant=variant, squash="tanh", self_loop=0.95)
        assert np.allclose(single.cell[:, 0], batch.cell[:, n], atol=1e-12)
        assert np.allclose(single.output[:, 0], batch.output[:, n], atol=1e-12)


def test_vanilla_with_several_units_matches_matrix_formula():
    rng = np.random.default_rng(12)
    T, I, H = 10, 3, 2
    weights = Weights(rng.normal(0, 1, (4, H, I)), rng.normal(0, 1, (4, H, H)),
                      rng.normal(0, 1, (4, H)), np.zeros((4, H)))
    x = rng.normal(0, 1, (T, 1, I))
    trace = run(x, weights, variant="forget", squash="tanh")
    h, c = np.zeros(H), np.zeros(H)
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(T):
        net = [weights.w_x[k] @ x[t, 0] + weights.w_h[k] @ h + weights.b[k] for k in range(4)]
        c = sig(net[1]) * c + sig(net[0]) * np.tanh(net[2])
        h = sig(net[3]) * np.tanh(c)
        assert np.allclose(trace.cell[t, 0], c, atol=1e-12)
        assert np.allclose(trace.output[t, 0], h, atol=1e-12)


def test_run_mutates_nothing():
    weights = Weights.scalar({"cell_input": {"wx": 1.0}, "input": {"wh": 1.0}})
    before = [a.copy() for a in (weights.w_x, weights.w_h, weights.b, weights.w_c)]
    x = column(TAPE)
    schedule = one_hot(3)
    run(x, weights, schedules={"output": schedule})
    assert all(np.array_equal(a, b) for a, b in zip(before, (weights.w_x, weights.w_h, weights.b, weights.w_c)))
    assert np.array_equal(x, column(TAPE)) and np.array_equal(schedule, one_hot(3))


def test_unknown_variant_or_gate_is_refused():
    with pytest.raises(ValueError):
        run(column(TAPE), Weights.zeros(1, 1), variant="transformer")
    with pytest.raises(ValueError):
        run(column(TAPE), Weights.zeros(1, 1), schedules={"forget": one_hot(1)})


def test_logistic_squashing_of_experiment_2a():
    # g = 1 / (1 + e^-z), h = identity. x = ln 3 with cell wx = 1: g = 3/4; input gate open,
    # output gate half open: c1 = 3/4, y1 = 3/8; then held.
    trace = run(column([math.log(3), 5.0]), Weights.scalar({"cell_input": {"wx": 1.0}}),
                squash="logistic", schedules={"input": column([1.0, 0.0]), "output": column([0.5, 1.0])})
    assert trace.cell_input.ravel()[0] == pytest.approx(0.75, abs=1e-15)
    assert trace.cell.ravel() == pytest.approx([0.75, 0.75], abs=1e-15)
    assert trace.output.ravel() == pytest.approx([0.375, 0.75], abs=1e-15)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("squash", sorted(SQUASHES))
@pytest.mark.parametrize("recurrent", [True, False])
def test_one_cell_on_floats_agrees_with_the_array_path(variant, squash, recurrent):
    """One cell and one sequence step on plain floats; two copies of that sequence in a
    batch step on arrays (the step-by-step path when a unit looks at y_{t-1}, the
    all-steps-at-once path when none does). Both must give the same run."""
    rng = np.random.default_rng(21)
    wx, wh, b = random_scalar_weights(rng, scale=1.0)
    wh = wh if recurrent else [0.0] * 4
    wc = list(rng.normal(0, 1.0, 4)) if variant == "peephole" and recurrent else (0, 0, 0, 0)
    weights = scalar_weights(wx, wh, b, wc)
    tape = rng.uniform(-1, 1, 40)
    gates = gates_of(variant)
    schedule = {gates[0]: column(rng.uniform(0, 1, 40))} if gates else {}
    one = run(column(tape), weights, variant=variant, squash=squash, self_loop=0.97, schedules=schedule)
    two = run(np.repeat(column(tape), 2, axis=1), weights, variant=variant, squash=squash,
              self_loop=0.97, schedules={g: np.repeat(a, 2, axis=1) for g, a in schedule.items()})
    for name in ("input_gate", "forget_gate", "output_gate", "update_gate", "reset_gate", "cell_input",
                 "cell", "output", "net", "loop"):
        if getattr(two, name) is None:
            assert getattr(one, name) is None, name
            continue
        assert np.allclose(getattr(one, name)[:, 0], getattr(two, name)[:, 1], rtol=1e-12, atol=1e-12), name
    assert np.allclose(one.error_flow()[:, 0], two.error_flow()[:, 1], rtol=1e-12, atol=1e-12)
