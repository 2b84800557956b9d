"""BPTT against central finite differences of the forward pass, and Adam against a hand
computation of its first two steps."""

import math

import numpy as np
import pytest

from app.model import Weights, run
from app.model.adam import Adam
from app.model.backprop import backward, backward_to_start, backward_with_inputs
from tests.gradcheck import central_difference

T, B, I, H = 5, 3, 2, 2
PARAMS = ("w_x", "w_h", "b", "w_c")


def random_setup(seed):
    rng = np.random.default_rng(seed)
    weights = Weights(rng.uniform(-0.8, 0.8, (4, H, I)), rng.uniform(-0.8, 0.8, (4, H, H)),
                      rng.uniform(-0.5, 0.5, (4, H)), rng.uniform(-0.8, 0.8, (4, H)))
    x = rng.uniform(-1, 1, (T, B, I))
    d_output = rng.normal(size=(T, B, H))  # loss = sum(d_output * y): any linear read-out
    c0, h0 = rng.uniform(-0.5, 0.5, (B, H)), rng.uniform(-0.5, 0.5, (B, H))
    return weights, x, d_output, c0, h0


def loss(weights, x, d_output, c0, h0, **options):
    trace = run(x, weights, c0=c0, h0=h0, **options)
    return float(np.sum(d_output * trace.output)), trace


@pytest.mark.parametrize("squash", ["identity", "tanh", "paper"])
@pytest.mark.parametrize("variant,self_loop", [
    ("lstm1997", 1.0), ("forget", 1.0), ("peephole", 0.9), ("rnn", 0.5)])
def test_gradients_match_central_differences(variant, self_loop, squash):
    weights, x, d_output, c0, h0 = random_setup(seed=len(variant) * 7 + len(squash))
    options = {"variant": variant, "squash": squash, "self_loop": self_loop}
    _, trace = loss(weights, x, d_output, c0, h0, **options)
    grads = backward(trace, weights, d_output)
    value_of = lambda: loss(weights, x, d_output, c0, h0, **options)[0]  # noqa: E731
    checked = 0
    for name in PARAMS:
        array, grad = getattr(weights, name), getattr(grads, name)
        assert grad.shape == array.shape
        for index in np.ndindex(array.shape):
            numeric = central_difference(array, index, value_of)
            scale = max(abs(numeric) + abs(grad[index]), 1e-4)
            assert abs(numeric - grad[index]) / scale < 1e-6, (name, index, numeric, grad[index])
            checked += numeric != 0.0
    # The check must have covered real, non-zero gradients of every used row.
    used = {"rnn": 4 + 4 + 2, "lstm1997": 3 * 10, "forget": 4 * 10, "peephole": 4 * 10 + 6}
    assert checked == used[variant]


@pytest.mark.parametrize("variant", ["lstm1997", "peephole", "rnn"])
def test_input_gradients_match_central_differences(variant):
    weights, x, d_output, c0, h0 = random_setup(seed=11)
    options = {"variant": variant, "squash": "tanh", "self_loop": 0.8}
    _, trace = loss(weights, x, d_output, c0, h0, **options)
    _, d_x = backward_with_inputs(trace, weights, d_output)
    assert d_x.shape == x.shape
    for index in np.ndindex(x.shape):
        numeric = central_difference(x, index, lambda: loss(weights, x, d_output, c0, h0, **options)[0])
        assert numeric != 0.0
        assert abs(numeric - d_x[index]) / (abs(numeric) + abs(d_x[index])) < 1e-6


def test_unused_entries_get_no_gradient():
    weights, x, d_output, c0, h0 = random_setup(seed=3)
    trace = run(x, weights, variant="lstm1997", squash="tanh", c0=c0, h0=h0)
    grads = backward(trace, weights, d_output)
    assert not grads.w_x[1].any() and not grads.w_h[1].any() and not grads.b[1].any()
    assert not grads.w_c.any()


def test_error_flows_back_along_the_carousel_over_a_long_lag():
    """One cell, 1997 variant, identity squash, gates fixed by large biases: the gradient of
    the last output with respect to the first step's cell-input bias is exactly the
    product of gates along the way (input open at the start, output open at the end)."""
    steps = 300
    weights = Weights.zeros(1, 1)
    weights.b[0, 0] = 30.0  # input gate ~1 every step
    weights.b[3, 0] = 30.0  # output gate ~1
    x = np.zeros((steps, 1, 1))
    trace = run(x, weights, variant="lstm1997", squash="identity")
    d_output = np.zeros((steps, 1, 1))
    d_output[-1] = 1.0
    grads = backward(trace, weights, d_output)
    # y_T = o * sum_t i * b_g, so d y_T / d b_g = o * i * steps.
    i = o = 1.0 / (1.0 + math.exp(-30.0))
    assert grads.b[2, 0] == pytest.approx(o * i * steps, rel=1e-12)


def test_scheduled_traces_are_refused():
    weights, x, d_output, c0, h0 = random_setup(seed=1)
    trace = run(x, weights, schedules={"input": np.ones((T, B, H))})
    with pytest.raises(ValueError, match="schedule"):
        backward(trace, weights, d_output)


def test_adam_first_two_steps_by_hand():
    p = np.array([1.0, -2.0])
    adam = Adam([p], lr=0.1)
    adam.step([np.array([0.5, 0.0])])
    # Step 1: m = 0.05, v = 0.00025, m_hat = 0.5, v_hat = 0.25 -> p -= 0.1 * 0.5 / (0.5 + 1e-8).
    assert p[0] == pytest.approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8), abs=1e-15)
    assert p[1] == -2.0  # no gradient, no move
    adam.step([np.array([-1.0, 3.0])])
    # Step 2, first entry: m = 0.045 - 0.1 = -0.055, v = 0.999 * 0.00025 + 0.001 = 0.00124975,
    # m_hat = -0.055 / 0.19, v_hat = 0.00124975 / 0.001999.
    m_hat, v_hat = -0.055 / 0.19, 0.00124975 / 0.001999
    after_one = 1.0 - 0.1 * 0.5 / (0.5 + 1e-8)
    expected = after_one - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8)
    assert p[0] == pytest.approx(expected, abs=1e-12)
    assert p[0] == pytest.approx(0.93661, abs=1e-5)
    # Second entry, first gradient at step 2: m = 0.3, v = 0.009, m_hat = 0.3/0.19,
    # v_hat = 0.009/0.001999 -> moves by about 0.1 * 0.74 = 0.0744.
    expected = -2.0 - 0.1 * (0.3 / 0.19) / (math.sqrt(0.009 / 0.001999) + 1e-8)
    assert p[1] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("squash", ["identity", "tanh", "paper"])
def test_gru_gradients_match_central_differences(squash):
    """Rows r, z, n of w_x, w_h and b, and the n row of b_h (the bias inside the reset)."""
    weights, x, d_output, c0, h0 = random_setup(seed=40 + len(squash))
    rng = np.random.default_rng(4)
    weights = Weights(weights.w_x, weights.w_h, weights.b, np.zeros((4, H)), rng.uniform(-0.5, 0.5, (4, H)))
    options = {"variant": "gru", "squash": squash}
    _, trace = loss(weights, x, d_output, c0, h0, **options)
    grads = backward(trace, weights, d_output)
    value_of = lambda: loss(weights, x, d_output, c0, h0, **options)[0]  # noqa: E731
    checked = 0
    for name in (*PARAMS, "b_h"):
        array, grad = getattr(weights, name), getattr(grads, name)
        for index in np.ndindex(array.shape):
            numeric = central_difference(array, index, value_of)
            scale = max(abs(numeric) + abs(grad[index]), 1e-4)
            assert abs(numeric - grad[index]) / scale < 1e-6, (name, index, numeric, grad[index])
            checked += numeric != 0.0
    assert checked == 3 * (4 + 4 + 2) + 2  # rows r, z, n of w_x, w_h, b; b_h's n row
    _, d_x = backward_with_inputs(trace, weights, d_output)
    for index in np.ndindex(x.shape):
        numeric = central_difference(x, index, value_of)
        assert abs(numeric - d_x[index]) / (abs(numeric) + abs(d_x[index])) < 1e-6


@pytest.mark.parametrize("squash", ["identity", "tanh", "paper"])
@pytest.mark.parametrize("variant,self_loop", [
    ("lstm1997", 1.0), ("forget", 1.0), ("peephole", 0.9), ("rnn", 0.5), ("gru", 1.0)])
def test_start_output_gradients_match_central_differences(variant, self_loop, squash):
    """d loss / d y_0, the outputs the run starts from (the training lab can learn them):
    through w_h for the cells, also through the self-loop for rnn and the carry for gru."""
    weights, x, d_output, c0, h0 = random_setup(seed=60 + len(variant) + len(squash))
    options = {"variant": variant, "squash": squash, "self_loop": self_loop}
    _, trace = loss(weights, x, d_output, c0, h0, **options)
    grads, d_x, d_h0 = backward_to_start(trace, weights, d_output)
    assert d_h0.shape == h0.shape
    same, same_x = backward_with_inputs(trace, weights, d_output)  # the same weights' gradients
    assert np.array_equal(same.w_h, grads.w_h) and np.array_equal(same_x, d_x)
    for index in np.ndindex(h0.shape):
        numeric = central_difference(h0, index, lambda: loss(weights, x, d_output, c0, h0, **options)[0])
        assert numeric != 0.0
        assert abs(numeric - d_h0[index]) / (abs(numeric) + abs(d_h0[index])) < 1e-6, (index, numeric, d_h0[index])


def test_start_outputs_get_no_gradient_without_recurrent_weights():
    """With w_h = 0 a cell's gates never see y_0: its error must be exactly zero."""
    weights, x, d_output, c0, h0 = random_setup(seed=5)
    weights.w_h[...] = 0.0
    trace = run(x, weights, variant="lstm1997", squash="tanh", c0=c0, h0=h0)
    assert not backward_to_start(trace, weights, d_output)[2].any()
