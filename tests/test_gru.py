"""The GRU (variant `gru`) against the seed's equations on plain floats (tests.reference),
a hand case, PyTorch's nn.GRUCell (numbers recorded from torch, see below) and the
error flow along its carry path."""

import math

import numpy as np
import pytest

from app.model import Weights, run
from app.model.squash import SQUASHES
from tests import reference as ref


def column(values):
    return np.asarray(values, dtype=float).reshape(-1, 1, 1)


def gru_weights(wx, wh, b, bh):
    """Rows r, z, n (index 0..2), as in nn.GRUCell."""
    return Weights.scalar({"reset": {"wx": wx[0], "wh": wh[0], "b": b[0]},
                           "update": {"wx": wx[1], "wh": wh[1], "b": b[1]},
                           "cell_input": {"wx": wx[2], "wh": wh[2], "b": b[2], "bh": bh}})


@pytest.mark.parametrize("squash", sorted(SQUASHES))
@pytest.mark.parametrize("batch", [1, 2])  # one cell on floats; two sequences on arrays
def test_gru_matches_the_seeds_equations_over_100_random_steps(squash, batch):
    rng = np.random.default_rng(100 + batch)
    wx, wh, b = (list(rng.normal(0, 1.5, 3)) for _ in range(3))
    bh = float(rng.normal(0, 1.0))
    if squash == "identity":
        wh[2] *= 0.3  # an unsquashed candidate fed back through a large weight would grow without bound
    tape = rng.uniform(-2, 2, 100)
    x = np.repeat(column(tape), batch, axis=1)
    trace = run(x, gru_weights(wx, wh, b, bh), variant="gru", squash=squash)
    g = lambda v: float(SQUASHES[squash].g(np.array(v)))  # noqa: E731 (the squash itself is tested elsewhere)
    h = 0.0
    for t, x_t in enumerate(tape):
        z, r, candidate, h = ref.gru_step(x_t, h, wx, wh, b, bh, g=g)
        got = [a[t, -1, 0] for a in (trace.update_gate, trace.reset_gate, trace.cell_input,
                                     trace.cell, trace.output)]
        assert got == pytest.approx([z, r, candidate, h, h], abs=1e-9), t
    assert trace.input_gate is None and trace.forget_gate is None and trace.output_gate is None


def test_update_gate_zero_holds_bit_for_bit_and_one_writes_the_candidate():
    tape = np.random.default_rng(3).uniform(-100, 100, 12)
    z = [1.0, 0, 0, 0, 1.0, 0, 0, 0, 0, 0, 0, 0]
    trace = run(column(tape), gru_weights([0, 0, 1.0], [0.3, 0.2, 0.7], [0, 0, 0], 0.1),
                variant="gru", schedules={"update": column(z), "reset": column([0.5] * 12)})
    h, candidate = trace.cell.ravel(), trace.cell_input.ravel()
    assert h[0] == candidate[0] == 0.5 * 0.1 + tape[0]  # h0 = 0: r (0.7*0 + bh) + x
    assert all(h[k] == h[0] for k in range(1, 4))  # held, bit for bit
    assert h[4] == candidate[4] == tape[4] + 0.5 * (0.7 * h[3] + 0.1)  # overwritten
    assert all(h[k] == h[4] for k in range(5, 12))


def test_error_flow_is_the_product_of_one_minus_the_later_update_gates():
    rng = np.random.default_rng(8)
    z = rng.uniform(0, 1, 20)
    trace = run(column(rng.uniform(-1, 1, 20)), gru_weights([1, 1, 1], [0, 0, 0], [0, 0, 0], 0),
                variant="gru", schedules={"update": column(z), "reset": column(np.ones(20))})
    flow = trace.error_flow().ravel()
    for t in range(20):
        assert flow[t] == pytest.approx(math.prod(1 - z[t + 1:]), rel=1e-12)


# PyTorch's nn.GRUCell(1, 1) computes n = tanh(W_in x + b_in + r (W_hn h + b_hn)) and
# h' = (1 - z') n + z' h: its z' is how much is KEPT, ours how much is written, z = 1 - z'.
# Mapping: weight_ih rows (r, z', n) = our wx (reset, update, cell); weight_hh = our wh;
# bias_ih + bias_hh = our b for r and the gate, except that z' = sigmoid(a) means
# z = 1 - z' = sigmoid(-a): our update row is the NEGATED PyTorch z row; for n, bias_ih is
# our b and bias_hh is our bh. The numbers below came from torch 2.13.0 (CPU):
#   cell = torch.nn.GRUCell(1, 1, dtype=torch.float64)
#   weight_ih = [[0.5], [-0.8], [1.2]], weight_hh = [[0.3], [0.6], [-0.7]]
#   bias_ih = [0.1, -0.2, 0.05], bias_hh = [0.2, 0.4, -0.3]
#   h = 0; for x in TORCH_TAPE: h = cell(tensor([[x]]), h)
TORCH_TAPE = [0.5, -0.3, 0.8, 0.1, 0.2, -0.5]
# -> h after each step (float64), recorded from that run:
TORCH_H = [0.23636705528488833, -0.032697303311693904, 0.40291836593297875,
           0.16110283561643765, 0.1037929703043319, -0.1463696571109211]


def test_gru_reproduces_pytorch_grucell():
    w_ih, w_hh = [0.5, -0.8, 1.2], [0.3, 0.6, -0.7]
    b_ih, b_hh = [0.1, -0.2, 0.05], [0.2, 0.4, -0.3]
    wx = [w_ih[0], -w_ih[1], w_ih[2]]
    wh = [w_hh[0], -w_hh[1], w_hh[2]]
    b = [b_ih[0] + b_hh[0], -(b_ih[1] + b_hh[1]), b_ih[2]]
    trace = run(column(TORCH_TAPE), gru_weights(wx, wh, b, b_hh[2]), variant="gru", squash="tanh")
    assert trace.output.ravel() == pytest.approx(TORCH_H, abs=1e-12)
