"""A gated memory cell (Hochreiter & Schmidhuber 1997), its later variants and a plain RNN.

Pure NumPy. Shapes: T steps, B sequences in a batch, I inputs per step, H cells.

    lstm1997   c_t = w * c_{t-1} + i_t * g(z_t)             y_t = o_t * h(c_t)
    forget     c_t = w * f_t * c_{t-1} + i_t * g(z_t)       (Gers et al. 2000)
    peephole   forget, and i_t, f_t see c_{t-1}, o_t sees c_t
    rnn        h_t = act(w * h_{t-1} + W_x x_t + W_h h_{t-1} + b), act = h of the squash
    gru        h_t = (1 - z_t) * h_{t-1} + z_t * g(W_x x_t + r_t * (W_h h_{t-1} + b_h) + b)
               (Cho et al. 2014; z is how much is written, the opposite of PyTorch's z)

w is the fixed self-loop weight (1.0 makes the constant error carousel; gru has none).
Every gate is sigmoid(W_x x_t + W_h y_{t-1} + b [+ w_c c]) unless a schedule gives its
activations. The variants themselves are declared in `variants`.
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import one_cell
from .gru import run_gru
from .squash import SQUASHES, Squash, sigmoid
from .variants import GATES, GRU_ROWS, LSTM_ROWS, VARIANT, VARIANTS, gates_of, has_forget

ROWS = tuple(LSTM_ROWS)  # the LSTM's weight rows: PyTorch's i, f, g, o
ROW = LSTM_ROWS
R_, Z_, N_ = GRU_ROWS.values()  # the GRU's rows: PyTorch's r, z, n
Array = np.ndarray
__all__ = ["GATES", "ROW", "ROWS", "VARIANTS", "Trace", "Weights", "gates_of", "has_forget", "run"]


@dataclass(frozen=True)
class Weights:
    """Connection weights of H cells fed by I inputs; the first axis follows ROWS.

    w_x (4, H, I) from the inputs, w_h (4, H, H) from the previous outputs y_{t-1},
    b (4, H) biases, w_c (4, H) diagonal peephole weights (used by `peephole` only;
    the cell_input row is unused). `rnn` uses the cell_input row only. `gru` reads rows
    r, z, n (`GRU_ROWS`) and b_h (4, H), whose n row is the recurrent bias inside the
    reset (PyTorch's b_hn); None reads as zeros.
    """

    w_x: Array
    w_h: Array
    b: Array
    w_c: Array
    b_h: Array | None = None

    @classmethod
    def zeros(cls, inputs: int, cells: int) -> "Weights":
        return cls(
            np.zeros((4, cells, inputs)),
            np.zeros((4, cells, cells)),
            np.zeros((4, cells)),
            np.zeros((4, cells)),
            np.zeros((4, cells)),
        )

    @classmethod
    def scalar(cls, rows: dict[str, dict[str, float]]) -> "Weights":
        """One cell, one input, from {row: {"wx", "wh", "b", "wc", "bh"}}; rows named as in
        LSTM_ROWS or GRU_ROWS; missing entries are 0."""
        weights = cls.zeros(1, 1)
        assert weights.b_h is not None  # zeros() fills b_h too
        for name, entries in rows.items():
            k = {**LSTM_ROWS, **GRU_ROWS}[name]
            weights.w_x[k, 0, 0] = entries.get("wx", 0.0)
            weights.w_h[k, 0, 0] = entries.get("wh", 0.0)
            weights.b[k, 0] = entries.get("b", 0.0)
            weights.w_c[k, 0] = entries.get("wc", 0.0)
            weights.b_h[k, 0] = entries.get("bh", 0.0)
        return weights


@dataclass(frozen=True)
class Trace:
    """Everything one run computed. Arrays are (T, B, H) unless noted.

    Gates a variant lacks are None; lstm1997 reports its forget_gate as the constant
    self-loop weight that multiplies the old state. For rnn, cell and output are both h_t
    and cell_input is None. For gru, cell and output are both h_t, cell_input is h~_t and
    the LSTM gates are None. `net` (T, B, 4, H) holds the net inputs before squashing
    (zeros for scheduled gates); `loop` is d c_t / d c_{t-1} along the self-loop (along
    the carry path, 1 - z_t, for gru).
    """

    variant: str
    squash: str
    x: Array  # (T, B, I)
    input_gate: Array | None
    forget_gate: Array | None
    output_gate: Array | None
    cell_input: Array | None
    cell: Array
    output: Array
    net: Array
    loop: Array
    c0: Array  # (B, H)
    h0: Array  # (B, H)
    self_loop: float
    scheduled: frozenset[str]
    update_gate: Array | None = None  # gru only
    reset_gate: Array | None = None  # gru only

    def error_flow(self) -> Array:
        """(T, B, H): the factor by which an error at the last stored value is scaled on
        reaching step t's stored value along the self-loop; the last entry is 1."""
        flow = np.ones_like(self.loop)
        flow[:-1] = np.cumprod(self.loop[:0:-1], axis=0)[::-1]
        return flow


def run(
    x: Array,
    weights: Weights,
    *,
    variant: str = "lstm1997",
    squash: str = "identity",
    self_loop: float = 1.0,
    schedules: dict[str, Array] | None = None,
    c0: Array | None = None,
    h0: Array | None = None,
) -> Trace:
    """Step the cells along x (T, B, I). Mutates nothing.

    schedules maps a gate name to its activations (T, B, H) in [0, 1]; those gates ignore
    their weights. c0 and h0 (B, H) default to zeros.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}")
    T, B, _ = x.shape
    H = weights.b.shape[1]
    schedules = {name: np.asarray(a, dtype=float) for name, a in (schedules or {}).items()}
    unknown = set(schedules) - set(gates_of(variant))
    if unknown:
        raise ValueError(f"variant {variant!r} has no gate {sorted(unknown)}")
    c0 = np.zeros((B, H)) if c0 is None else np.asarray(c0, dtype=float)
    h0 = np.zeros((B, H)) if h0 is None else np.asarray(h0, dtype=float)
    setup = _Setup(variant, SQUASHES[squash], float(self_loop), weights, schedules, c0, h0)
    if B == H == x.shape[2] == 1:
        return _run_one_cell(setup, x)  # forms its own net inputs, on floats
    # The part of every net input that comes from this step's input: all steps at once.
    net_x = (x @ weights.w_x.transpose(2, 0, 1).reshape(-1, 4 * H)).reshape(T, B, 4, H)
    net_x += weights.b
    path: Callable[[_Setup, Array, Array], Trace] | None = {"rnn": _run_rnn, "gru": run_gru}.get(variant)
    path = path or (_run_closed if setup.feedback() else _run_open)
    with np.errstate(over="ignore", invalid="ignore"):  # callers check for non-finite values
        return path(setup, x, net_x)


@dataclass(frozen=True)
class _Setup:
    variant: str
    squash: Squash
    self_loop: float
    weights: Weights
    schedules: dict[str, Array]
    c0: Array
    h0: Array

    def computed_rows(self) -> list[int]:
        computed = [g for g in gates_of(self.variant) if g not in self.schedules]
        return [ROW[name] for name in computed + ["cell_input"]]

    def feedback(self) -> bool:
        """Whether any computed unit looks at the past (y_{t-1} or a peephole on c)."""
        rows = self.computed_rows()
        peeps = VARIANT[self.variant].peepholes and np.any(self.weights.w_c[rows])
        return bool(np.any(self.weights.w_h[rows]) or peeps)

    def trace(self, x: Array, *, cell: Array, output: Array, net: Array, loop: Array, **gates: Array | None) -> Trace:
        return Trace(
            variant=self.variant,
            squash=self.squash.name,
            x=x,
            c0=self.c0,
            h0=self.h0,
            self_loop=self.self_loop,
            scheduled=frozenset(self.schedules),
            cell=cell,
            output=output,
            net=net,
            loop=loop,
            **gates,
        )


def _run_open(s: _Setup, x: Array, net: Array) -> Trace:
    """Fast path: no computed unit looks at the past, so only the state is stepped.
    `net` is this run's net_x, which is complete here and becomes the trace's net."""
    gate = {}
    for name in gates_of(s.variant):
        if name in s.schedules:
            gate[name] = s.schedules[name]
            net[:, :, ROW[name]] = 0.0
        else:
            gate[name] = sigmoid(net[:, :, ROW[name]])
    z = s.squash.g(net[:, :, ROW["cell_input"]])
    loop = s.self_loop * gate["forget"] if "forget" in gate else np.full(z.shape, s.self_loop)
    cell = _linear_scan(loop, gate["input"] * z, s.c0)
    output = gate["output"] * s.squash.h(cell)
    return s.trace(
        x,
        input_gate=gate["input"],
        forget_gate=gate.get("forget", loop),
        output_gate=gate["output"],
        cell_input=z,
        cell=cell,
        output=output,
        net=net,
        loop=loop,
    )


def _run_closed(s: _Setup, x: Array, net_x: Array) -> Trace:
    """General path: step by step, gates fed back from y_{t-1} and peepholes on c."""
    T, B, _, H = net_x.shape
    w_h = s.weights.w_h.transpose(2, 0, 1).reshape(H, 4 * H)
    peep = s.weights.w_c if VARIANT[s.variant].peepholes else None
    forget = has_forget(s.variant)
    sched_i, sched_f, sched_o = (s.schedules.get(name) for name in ("input", "forget", "output"))
    constant_loop = np.full((B, H), s.self_loop)
    net = np.empty((T, B, 4, H))
    rows: list[tuple[Array, ...]] = []
    c, y = s.c0, s.h0
    for t in range(T):
        n = net[t]
        np.add(net_x[t], (y @ w_h).reshape(B, 4, H), out=n)
        if peep is not None:
            n[:, :2] += peep[:2] * c[:, None]  # input and forget gates see c_{t-1}
        act = sigmoid(n)
        i = act[:, 0] if sched_i is None else sched_i[t]
        f = (act[:, 1] if sched_f is None else sched_f[t]) if forget else constant_loop
        loop = s.self_loop * f if forget else constant_loop
        z = s.squash.g(n[:, 2])
        c = loop * c + i * z
        if peep is not None and sched_o is None:
            n[:, 3] += peep[3] * c  # the output gate sees c_t
            act[:, 3] = sigmoid(n[:, 3])
        o = act[:, 3] if sched_o is None else sched_o[t]
        y = o * s.squash.h(c)
        rows.append((i, f, o, z, c, y, loop))
    for name in s.schedules:
        net[:, :, ROW[name]] = 0.0
    i, f, o, z, c, y, loop = (np.stack(column) for column in zip(*rows))
    return s.trace(
        x,
        input_gate=i,
        forget_gate=f,
        output_gate=o,
        cell_input=z,
        cell=c,
        output=y,
        net=net,
        loop=loop,
    )


def _run_one_cell(s: _Setup, x: Array) -> Trace:
    """One cell, one input, one sequence: stepped on plain floats (`one_cell`), about ten
    times quicker than 1x1 arrays; the same operations in the same order."""
    w = s.weights
    run = one_cell.run_one(
        x.ravel().tolist(),
        w.w_x.ravel().tolist(),
        w.w_h.ravel().tolist(),
        w.b.ravel().tolist(),
        w.w_c.ravel().tolist(),
        bh=0.0 if w.b_h is None else float(w.b_h[N_, 0]),
        variant=s.variant,
        squash=s.squash.name,
        self_loop=s.self_loop,
        schedules={name: a.ravel().tolist() for name, a in s.schedules.items()},
        c0=float(s.c0.ravel()[0]),
        h0=float(s.h0.ravel()[0]),
    )
    T = len(x)

    def column(values: list[float]) -> Array:
        return np.array(values).reshape(T, 1, 1)

    def gate(values: list[float] | None) -> Array | None:
        return None if values is None else column(values)

    return s.trace(
        x,
        input_gate=gate(run.input_gate),
        forget_gate=gate(run.forget_gate),
        output_gate=gate(run.output_gate),
        cell_input=gate(run.cell_input),
        cell=column(run.cell),
        output=column(run.output),
        net=np.array(run.net).T.reshape(T, 1, 4, 1),
        loop=column(run.loop),
        update_gate=gate(run.update_gate),
        reset_gate=gate(run.reset_gate),
    )


def _run_rnn(s: _Setup, x: Array, net_x: Array) -> Trace:
    """h_t = act(w h_{t-1} + W_x x_t + W_h h_{t-1} + b), stepped one step at a time."""
    T, B, _, H = net_x.shape
    k = ROW["cell_input"]
    w_h = s.weights.w_h[k].T
    act, act_prime = s.squash.h, s.squash.h_prime
    net = np.zeros((T, B, 4, H))
    hidden = np.empty((T, B, H))
    h = s.h0
    for t in range(T):
        n = s.self_loop * h + net_x[t, :, k] + h @ w_h
        h = act(n)
        net[t, :, k], hidden[t] = n, h
    loop = s.self_loop * act_prime(net[:, :, k])
    return s.trace(
        x,
        input_gate=None,
        forget_gate=None,
        output_gate=None,
        cell_input=None,
        cell=hidden,
        output=hidden,
        net=net,
        loop=loop,
    )


def _linear_scan(a: Array, u: Array, c0: Array) -> Array:
    """c_t = a_t * c_{t-1} + u_t along axis 0, from c0; same float operations as stepping."""
    cell = np.empty_like(u)
    c = c0
    for t in range(len(u)):
        c = a[t] * c + u[t]
        cell[t] = c
    return cell
