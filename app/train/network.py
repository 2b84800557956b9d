"""A trainable network: a layer of H cells (any variant) and a logistic read-out of the
last step's cell outputs. Pure NumPy.

One-hot inputs (symbols) are not multiplied out: the weights from symbol s to every net
input are row s of a table `w_in` (S, 4, H), so a step costs a row lookup, not a (p+1)-wide
product, and a 1000-step batch needs no 1000 x 1001 one-hot array. The cells then get that
row as their input through fixed unit weights; it is the same function as one-hot x @ w_x.
"""

from dataclasses import dataclass

import numpy as np

from ..model import Trace, Weights, run
from ..model.backprop import backward_to_start
from ..model.cell import ROW, gates_of
from ..model.variants import VARIANT
from .tasks import Batch

Array = np.ndarray


def sigmoid(v: Array) -> Array:
    return 0.5 * np.tanh(0.5 * v) + 0.5


@dataclass
class Network:
    """Cells `weights`; read-out `out = sigmoid(y_T @ w_out + b_out)` (B, K).

    With symbol inputs, `w_in` (S, 4, H) holds the input weights and `weights.w_x` is the
    fixed unit map (4, H, 4H). The self-loop weight is fixed: 1.0 (the carousel) for the
    cells, 0 for rnn, whose recurrence is then all in its learned w_h.
    """

    variant: str
    squash: str
    self_loop: float
    weights: Weights
    w_in: Array | None
    w_out: Array  # (H, K)
    b_out: Array  # (K,)
    recurrent: bool = True  # False: w_h stays 0, the self-loop is the cells' only memory
    h0: Array | None = None  # (H,) learned outputs y_0 every sequence starts from; None: zeros

    @classmethod
    def create(
        cls,
        rng: np.random.Generator,
        variant: str,
        squash: str,
        inputs: int,
        cells: int,
        outputs: int,
        *,
        symbols: bool = False,
        init: float = 0.2,
        gate_bias: float = -1.0,
        forget_bias: float = 2.0,
        recurrent: bool = True,
        learn_h0: bool = False,
    ) -> "Network":
        """Uniform weights in [-init, init] on the rows the variant uses, zeros elsewhere.
        recurrent=False leaves w_h at zero for good (the cells and gates see only the input).

        Input and output gates start biased shut (gate_bias < 0, as the paper does against
        state drift); a forget gate starts open (forget_bias > 0). symbols: inputs are
        indices of `inputs` one-hot units. learn_h0: the outputs y_0 the cells start from
        are a parameter (starting at 0, as the paper's fixed y_0), trained with the rest.
        """
        H = cells
        weights = Weights.zeros(4 * H if symbols else inputs, H)
        rows = [VARIANT[variant].rows[name] for name in (*gates_of(variant), "cell_input")]
        w_in = np.zeros((inputs, 4, H)) if symbols else None
        for k in rows:
            if w_in is not None:  # symbols
                w_in[:, k] = rng.uniform(-init, init, (inputs, H))
            else:
                weights.w_x[k] = rng.uniform(-init, init, (H, inputs))
            if recurrent:
                weights.w_h[k] = rng.uniform(-init, init, (H, H))
        if symbols:  # net input k, cell h reads input unit k * H + h
            weights.w_x.reshape(4 * H, 4 * H)[...] = np.eye(4 * H)
        for gate in ("input", "output"):  # the GRU's gates start at 0, as PyTorch's
            if gate in gates_of(variant):
                weights.b[ROW[gate]] = gate_bias
        if "forget" in gates_of(variant):
            weights.b[ROW["forget"]] = forget_bias
        if variant == "peephole":
            weights.w_c[[ROW["input"], ROW["forget"], ROW["output"]]] = rng.uniform(-init, init, (3, H))
        w_out = rng.uniform(-init, init, (H, outputs))
        self_loop = 0.0 if variant in ("rnn", "gru") else 1.0
        h0 = np.zeros(H) if learn_h0 else None
        return cls(variant, squash, self_loop, weights, w_in, w_out, np.zeros(outputs), recurrent, h0)

    @property
    def params(self) -> list[Array]:
        """Every trained array, in the order `gradients` returns them."""
        w = self.weights
        first = w.w_x if self.w_in is None else self.w_in
        extra = []
        if self.variant == "gru":  # the recurrent bias inside the reset
            assert w.b_h is not None  # Weights.zeros made it
            extra = [w.b_h]
        if self.h0 is not None:
            extra.append(self.h0)
        return [first, w.w_h, w.b, w.w_c, self.w_out, self.b_out, *extra]

    def cell_inputs(self, batch: Batch) -> Array:
        """What the cells see, (T, B, I): x itself, or each symbol's row of w_in."""
        if self.w_in is None:
            assert batch.x is not None  # without w_in the network takes real vectors
            return batch.x
        assert batch.symbols is not None  # with w_in it takes symbols
        T, B = batch.symbols.shape
        return self.w_in[batch.symbols].reshape(T, B, -1)

    def forward(self, batch: Batch) -> tuple[Trace, Array]:
        """Run the batch; return the trace and the read-out (B, K) in [0, 1]."""
        x = self.cell_inputs(batch)
        h0 = None if self.h0 is None else np.broadcast_to(self.h0, (x.shape[1], len(self.h0)))
        trace = run(x, self.weights, variant=self.variant, squash=self.squash, self_loop=self.self_loop, h0=h0)
        with np.errstate(over="ignore", invalid="ignore"):
            return trace, sigmoid(trace.output[-1] @ self.w_out + self.b_out)

    def gradients(self, trace: Trace, out: Array, target: Array, batch: Batch) -> list[Array]:
        """Gradients of the mean cross-entropy of the read-out against target (B, K).

        With logistic outputs d loss / d net_out = (out - target) / B.
        """
        d_net_out = (out - target) / len(out)
        d_output = np.zeros_like(trace.output)
        d_output[-1] = d_net_out @ self.w_out.T
        g, d_x, d_h0 = backward_to_start(trace, self.weights, d_output)
        d_first = g.w_x
        if self.w_in is not None:  # sum each step's input error into its symbol's row
            assert batch.symbols is not None  # with w_in the network takes symbols
            d_first = np.zeros_like(self.w_in)
            np.add.at(d_first.reshape(len(d_first), -1), batch.symbols.ravel(), d_x.reshape(-1, d_x.shape[-1]))
        d_w_h = g.w_h if self.recurrent else np.zeros_like(g.w_h)
        extra = [g.b_h] if self.variant == "gru" else []
        if self.h0 is not None:  # every sequence starts from the same y_0
            extra.append(d_h0.sum(axis=0))
        return [d_first, d_w_h, g.b, g.w_c, trace.output[-1].T @ d_net_out, d_net_out.sum(0), *extra]


def cross_entropy(out: Array, target: Array) -> float:
    """Mean over sequences of the summed binary cross-entropy of every output (nats)."""
    p = np.clip(out, 1e-12, 1.0 - 1e-12)
    return float(-np.mean(np.sum(target * np.log(p) + (1 - target) * np.log(1 - p), axis=1)))
