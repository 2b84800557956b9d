"""A trainable network: a layer of H cells (any variant) and a logistic read-out of the
last step's cell outputs. Pure NumPy."""

from dataclasses import dataclass

import numpy as np

from ..model import Trace, Weights, run
from ..model.backprop import backward
from ..model.cell import ROW, gates_of

Array = np.ndarray


def sigmoid(v: Array) -> Array:
    return 0.5 * np.tanh(0.5 * v) + 0.5


@dataclass
class Network:
    """Cells `weights` fed by I inputs; read-out `out = sigmoid(y_T @ w_out + b_out)` (B, K).

    The self-loop weight is fixed: 1.0 (the carousel) for the cells, 0 for rnn, whose
    recurrence is then all in its learned w_h.
    """

    variant: str
    squash: str
    self_loop: float
    weights: Weights
    w_out: Array  # (H, K)
    b_out: Array  # (K,)

    @classmethod
    def create(cls, rng: np.random.Generator, variant: str, squash: str, inputs: int,
               cells: int, outputs: int, *, init: float = 0.2, gate_bias: float = -1.0,
               forget_bias: float = 2.0) -> "Network":
        """Uniform weights in [-init, init] on the rows the variant uses, zeros elsewhere.

        Input and output gates start biased shut (gate_bias < 0, as the paper does against
        state drift); a forget gate starts open (forget_bias > 0).
        """
        weights = Weights.zeros(inputs, cells)
        rows = [ROW[g] for g in (*gates_of(variant), "cell_input")]
        for k in rows:
            weights.w_x[k] = rng.uniform(-init, init, (cells, inputs))
            weights.w_h[k] = rng.uniform(-init, init, (cells, cells))
        for gate in ("input", "output"):
            if gate in gates_of(variant):
                weights.b[ROW[gate]] = gate_bias
        if "forget" in gates_of(variant):
            weights.b[ROW["forget"]] = forget_bias
        if variant == "peephole":
            weights.w_c[[ROW["input"], ROW["forget"], ROW["output"]]] = rng.uniform(
                -init, init, (3, cells))
        w_out = rng.uniform(-init, init, (cells, outputs))
        self_loop = 0.0 if variant == "rnn" else 1.0
        return cls(variant, squash, self_loop, weights, w_out, np.zeros(outputs))

    @property
    def params(self) -> list[Array]:
        """Every trained array, in the order `gradients` returns them."""
        w = self.weights
        return [w.w_x, w.w_h, w.b, w.w_c, self.w_out, self.b_out]

    def forward(self, x: Array) -> tuple[Trace, Array]:
        """Run x (T, B, I); return the trace and the read-out (B, K) in [0, 1]."""
        trace = run(x, self.weights, variant=self.variant, squash=self.squash,
                    self_loop=self.self_loop)
        with np.errstate(over="ignore", invalid="ignore"):
            return trace, sigmoid(trace.output[-1] @ self.w_out + self.b_out)

    def gradients(self, trace: Trace, out: Array, target: Array) -> list[Array]:
        """Gradients of the mean cross-entropy of the read-out against target (B, K).

        With logistic outputs d loss / d net_out = (out - target) / B.
        """
        d_net_out = (out - target) / len(out)
        d_output = np.zeros_like(trace.output)
        d_output[-1] = d_net_out @ self.w_out.T
        g = backward(trace, self.weights, d_output)
        return [g.w_x, g.w_h, g.b, g.w_c, trace.output[-1].T @ d_net_out, d_net_out.sum(0)]


def cross_entropy(out: Array, target: Array) -> float:
    """Mean over sequences of the summed binary cross-entropy of every output (nats)."""
    p = np.clip(out, 1e-12, 1.0 - 1e-12)
    return float(-np.mean(np.sum(target * np.log(p) + (1 - target) * np.log(1 - p), axis=1)))
