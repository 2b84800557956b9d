"""One cell, one sequence, on plain Python floats: the classroom's view of `cell.run`.

The same equations as the array code in `cell`, with the same operations in the same
order (net = (x*wx + b) + y_{t-1}*wh [+ wc*c], then squash, then the state update). For a
single cell a dozen tiny NumPy calls per step cost far more than the arithmetic; on
floats a 12-step run takes a few microseconds, so the server's cost is the framework's.
"""

from typing import NamedTuple, Sequence

from .squash import SCALAR, sigmoid_float
from .variants import VARIANT

I, F, G, O = range(4)  # weight rows, in PyTorch's order: input, forget, cell input, output
R, Z, N = range(3)  # the GRU's weight rows, in PyTorch's order: reset, update, candidate


class OneCellRun(NamedTuple):
    """Every step's values as lists of T floats. Gates the variant lacks are None (the
    1997 cell reports its forget gate as the constant self-loop weight); for rnn and gru,
    cell and output are both h_t (gru: cell_input is h~_t). `net` holds the four net
    inputs, one list of T each, rows in weight order (0 where a gate was scheduled); `loop`
    is d c_t / d c_{t-1} along the self-loop (gru: 1 - z_t, along the carry path)."""

    input_gate: list[float] | None
    forget_gate: list[float] | None
    output_gate: list[float] | None
    cell_input: list[float] | None
    cell: list[float]
    output: list[float]
    net: list[list[float]]
    loop: list[float]
    update_gate: list[float] | None = None
    reset_gate: list[float] | None = None

    def error_flow(self) -> list[float]:
        """The factor by which an error at the last stored value is scaled on reaching
        each step's stored value: products of `loop` from the end; the last entry is 1."""
        flow = [1.0] * len(self.loop)
        factor = 1.0
        for t in range(len(self.loop) - 1, 0, -1):
            factor *= self.loop[t]
            flow[t - 1] = factor
        return flow


def run_one(
    tape: Sequence[float],
    w_x: Sequence[float],
    w_h: Sequence[float],
    b: Sequence[float],
    w_c: Sequence[float],
    *,
    bh: float = 0.0,
    variant: str = "lstm1997",
    squash: str = "identity",
    self_loop: float = 1.0,
    schedules: dict[str, Sequence[float]] | None = None,
    c0: float = 0.0,
    h0: float = 0.0,
) -> OneCellRun:
    """Step one cell along `tape`. w_x, w_h, b, w_c hold four weights each, rows in the
    order input, forget, cell input, output (w_c: peepholes, `peephole` only); for gru
    rows reset, update, candidate, and bh the recurrent bias inside the reset.
    `schedules` maps a gate to one activation per step; those gates ignore their weights."""
    if variant == "rnn":
        return _run_rnn(tape, w_x[G], w_h[G], b[G], squash, self_loop, h0)
    schedules = schedules or {}
    if variant == "gru":
        return _run_gru(tape, w_x, w_h, b, bh, squash, schedules, h0)
    has_forget = VARIANT[variant].has_forget
    sched_i, sched_f, sched_o = schedules.get("input"), schedules.get("forget"), schedules.get("output")
    g, h, _ = SCALAR[squash]
    sigmoid = sigmoid_float
    peep = VARIANT[variant].peepholes and any(w_c)
    feedback = any(w_h)  # skip y*0 terms: an overflowed y would turn them into NaN
    (wx_i, wx_f, wx_g, wx_o), (wh_i, wh_f, wh_g, wh_o) = w_x, w_h
    (b_i, b_f, b_g, b_o), (wc_i, wc_f, _, wc_o) = b, w_c
    c, y = c0, h0
    rows = []
    for t, x in enumerate(tape):
        n_i, n_f, n_g, n_o = x * wx_i + b_i, x * wx_f + b_f, x * wx_g + b_g, x * wx_o + b_o
        if feedback:
            n_i, n_f, n_g, n_o = n_i + y * wh_i, n_f + y * wh_f, n_g + y * wh_g, n_o + y * wh_o
        if peep:
            n_i, n_f = n_i + wc_i * c, n_f + wc_f * c  # input and forget gates see c_{t-1}
        i = sigmoid(n_i) if sched_i is None else sched_i[t]
        f = (sigmoid(n_f) if sched_f is None else sched_f[t]) if has_forget else self_loop
        loop = self_loop * f if has_forget else self_loop
        z = g(n_g)
        c = loop * c + i * z
        if peep and sched_o is None:
            n_o += wc_o * c  # the output gate sees c_t
        o = sigmoid(n_o) if sched_o is None else sched_o[t]
        y = o * h(c)
        rows.append((i, f, o, z, c, y, loop, n_i, n_f, n_g, n_o))
    # New names for the columns: the loop above bound i, f, ... to one step's floats.
    i_col, f_col, o_col, z_col, c_col, y_col, loop_col, *nets = map(list, zip(*rows)) if rows else [[]] * 11
    for gate, row in (("input", I), ("forget", F), ("output", O)):
        if gate in schedules:
            nets[row] = [0.0] * len(tape)
    return OneCellRun(i_col, f_col if has_forget else loop_col, o_col, z_col, c_col, y_col, nets, loop_col)


def _run_rnn(tape, wx, wh, b, squash, self_loop, h0) -> OneCellRun:
    """h_t = act(w*h_{t-1} + x_t*wx + b + h_{t-1}*wh); act is the squash's h."""
    _, act, act_prime = SCALAR[squash]
    hidden, nets, loops = [], [], []
    h = h0
    for x in tape:
        n = self_loop * h + (x * wx + b) + h * wh
        h = act(n)
        hidden.append(h)
        nets.append(n)
        loops.append(self_loop * act_prime(n))
    zeros = [0.0] * len(nets)
    return OneCellRun(None, None, None, None, hidden, hidden, [zeros, zeros, nets, zeros], loops)


def _run_gru(tape, w_x, w_h, b, bh, squash, schedules, h0) -> OneCellRun:
    """h_t = (1 - z) h_{t-1} + z g(x wx_n + b_n + r (h_{t-1} wh_n + bh)); z, r computed
    as sigmoid(x wx + b + h_{t-1} wh) unless scheduled."""
    g = SCALAR[squash][0]
    sched_z, sched_r = schedules.get("update"), schedules.get("reset")
    (wx_r, wx_z, wx_n, _), (wh_r, wh_z, wh_n, _), (b_r, b_z, b_n, _) = w_x, w_h, b
    h = h0
    rows = []
    for t, x in enumerate(tape):
        n_r, n_z = x * wx_r + b_r + h * wh_r, x * wx_z + b_z + h * wh_z
        r = sigmoid_float(n_r) if sched_r is None else sched_r[t]
        z = sigmoid_float(n_z) if sched_z is None else sched_z[t]
        n_n = x * wx_n + b_n + r * (h * wh_n + bh)
        candidate = g(n_n)
        h = (1.0 - z) * h + z * candidate
        rows.append((z, r, candidate, h, 1.0 - z, n_r, n_z, n_n))
    # New names for the columns: the loop above bound z, r, ... to one step's floats.
    z_col, r_col, cand_col, hidden, loop_col, n_r_col, n_z_col, n_n_col = map(list, zip(*rows)) if rows else [[]] * 8
    zeros = [0.0] * len(tape)
    nets = [zeros if "reset" in schedules else n_r_col, zeros if "update" in schedules else n_z_col, n_n_col, zeros]
    return OneCellRun(None, None, None, cand_col, hidden, hidden, nets, loop_col, z_col, r_col)
