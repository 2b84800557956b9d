"""Full backpropagation through time for `cell.run`, every variant and every squash.

Pure NumPy. Shapes as in `cell`: T steps, B sequences, I inputs, H cells.

The trace from the forward pass already holds every activation; this module only walks it
backwards. The self-loop weight w is a fixed constant (it gets no gradient), and every gate
must have been computed from the weights (no schedules). Unlike the 1997 paper, which
truncates the error reaching gates and cell input, the error here flows back through every
path: the state, the recurrent outputs y_{t-1} and the peepholes.
"""

import numpy as np

from .cell import N_, R_, ROW, Z_, Trace, Weights
from .squash import SQUASHES
from .variants import VARIANT

Array = np.ndarray
I_, F_, G_, O_ = (ROW[name] for name in ("input", "forget", "cell_input", "output"))


def backward(trace: Trace, weights: Weights, d_output: Array) -> Weights:
    """Gradients of a loss with respect to every weight, given d loss / d y_t.

    d_output (T, B, H) is the loss's derivative with respect to each step's cell output
    (h_t for rnn and gru). Returns a `Weights` of gradients with the weights' shapes; entries a
    variant does not use are zero. Mutates nothing.
    """
    return backward_with_inputs(trace, weights, d_output)[0]


def backward_with_inputs(
    trace: Trace,
    weights: Weights,
    d_output: Array,
) -> tuple[Weights, Array]:
    """As `backward`, and also d loss / d x (T, B, I), the error reaching the inputs."""
    grads, d_x, _ = backward_to_start(trace, weights, d_output)
    return grads, d_x


def backward_to_start(
    trace: Trace,
    weights: Weights,
    d_output: Array,
) -> tuple[Weights, Array, Array]:
    """As `backward_with_inputs`, and also d loss / d h0 (B, H), the error reaching the
    outputs y_0 the run started from (through w_h, and for gru its carry path and for rnn
    its self-loop too). The starting state c0 gets none here."""
    if trace.scheduled:
        raise ValueError("backward needs computed gates; this trace followed a schedule")
    d_rec = None  # d loss / d (W_h y_{t-1}) per row, where it differs from d net (gru)
    with np.errstate(over="ignore", invalid="ignore"):
        if trace.variant == "rnn":
            d_net, d_h0 = _rnn_net_grads(trace, weights, d_output)
        elif trace.variant == "gru":
            d_net, d_rec, d_h0 = _gru_net_grads(trace, weights, d_output)
        else:
            d_net, d_h0 = _cell_net_grads(trace, weights, d_output)
    T, B, _, H = d_net.shape
    d_x = (d_net.reshape(T * B, 4 * H) @ weights.w_x.reshape(4 * H, -1)).reshape(T, B, -1)
    return _weight_grads(trace, d_net, d_rec), d_x, d_h0


def _previous(values: Array, first: Array) -> Array:
    """(T, B, H) values shifted one step later, with `first` (B, H) at t = 0."""
    return np.concatenate([first[None], values[:-1]])


def _cell_net_grads(trace: Trace, weights: Weights, d_output: Array) -> tuple[Array, Array]:
    """d loss / d net (T, B, 4, H) for the gated variants, and d loss / d y_0 (B, H)."""
    squash = SQUASHES[trace.squash]
    T, B, H = trace.cell.shape
    i, o, z, c, loop = trace.input_gate, trace.output_gate, trace.cell_input, trace.cell, trace.loop
    assert i is not None and o is not None and z is not None  # every gated variant has them
    c_prev = _previous(c, trace.c0)
    # Everything that does not depend on the backward recurrence, for all steps at once.
    i_slope, o_slope = i * (1.0 - i), o * (1.0 - o)
    h_c, dy_dc = squash.h(c), o * squash.h_prime(c)
    dz_dnet = squash.g_prime(trace.net[:, :, G_])
    has_forget = VARIANT[trace.variant].has_forget
    if has_forget:
        f = trace.forget_gate
        assert f is not None  # a variant with a forget gate reports it
        dc_dnet_f = trace.self_loop * c_prev * f * (1.0 - f)  # c_t = w f c_{t-1} + ...
    peephole = VARIANT[trace.variant].peepholes
    w_ci, w_cf, w_co = weights.w_c[I_], weights.w_c[F_], weights.w_c[O_]
    # y_{t-1} (B, H) feeds every net through w_h; as one matrix (4H, H) it sends error back.
    w_h_back = weights.w_h.reshape(4 * H, H)

    d_net = np.zeros((T, B, 4, H))
    d_y_next = np.zeros((B, H))  # error reaching y_t from step t+1's nets
    d_c_next = np.zeros((B, H))  # error reaching c_t from step t+1
    for t in range(T - 1, -1, -1):
        d_y = d_output[t] + d_y_next
        dn = d_net[t]
        dn[:, O_] = d_y * h_c[t] * o_slope[t]
        d_c = d_c_next + d_y * dy_dc[t]
        if peephole:
            d_c += dn[:, O_] * w_co  # the output gate saw c_t
        dn[:, I_] = d_c * z[t] * i_slope[t]
        dn[:, G_] = d_c * i[t] * dz_dnet[t]
        d_c_next = d_c * loop[t]
        if has_forget:
            dn[:, F_] = d_c * dc_dnet_f[t]
        if peephole:
            d_c_next += dn[:, I_] * w_ci + dn[:, F_] * w_cf  # i and f saw c_{t-1}
        d_y_next = dn.reshape(B, 4 * H) @ w_h_back
    return d_net, d_y_next


def _rnn_net_grads(trace: Trace, weights: Weights, d_output: Array) -> tuple[Array, Array]:
    """d loss / d net (T, B, 4, H) for rnn, only the cell_input row non-zero; d loss / d h_0."""
    squash = SQUASHES[trace.squash]
    T, B, H = trace.output.shape
    act_slope = squash.h_prime(trace.net[:, :, G_])
    w_back = weights.w_h[G_]  # net_t = ... + h_{t-1} @ w_h[G].T
    d_net = np.zeros((T, B, 4, H))
    d_h_next = np.zeros((B, H))
    for t in range(T - 1, -1, -1):
        dn = (d_output[t] + d_h_next) * act_slope[t]
        d_net[t, :, G_] = dn
        d_h_next = trace.self_loop * dn + dn @ w_back
    return d_net, d_h_next


def _gru_net_grads(trace: Trace, weights: Weights, d_output: Array) -> tuple[Array, Array, Array]:
    """d loss / d net (T, B, 4, H) for gru (rows r, z, n), d loss / d (W_h h_{t-1} + b_h)
    per row (as d net for r and z, r * d net_n for n: the reset scales it), d loss / d h_0."""
    squash = SQUASHES[trace.squash]
    T, B, H = trace.output.shape
    z, r, candidate = trace.update_gate, trace.reset_gate, trace.cell_input
    assert z is not None and r is not None and candidate is not None  # gru reports all three
    h_prev = _previous(trace.output, trace.h0)
    b_hn = np.zeros(H) if weights.b_h is None else weights.b_h[N_]
    rec_n = h_prev @ weights.w_h[N_].T + b_hn  # W_hn h_{t-1} + b_hn, all steps at once
    dn_dnet = squash.g_prime(trace.net[:, :, N_])
    w_h_back = weights.w_h.reshape(4 * H, H)
    d_net, d_rec = np.zeros((T, B, 4, H)), np.zeros((T, B, 4, H))
    d_h_next = np.zeros((B, H))
    for t in range(T - 1, -1, -1):
        d_h = d_output[t] + d_h_next
        dn, dr = d_net[t], d_rec[t]
        dn[:, N_] = d_h * z[t] * dn_dnet[t]
        dn[:, Z_] = d_h * (candidate[t] - h_prev[t]) * z[t] * (1.0 - z[t])
        dn[:, R_] = dn[:, N_] * rec_n[t] * r[t] * (1.0 - r[t])
        dr[:, R_], dr[:, Z_], dr[:, N_] = dn[:, R_], dn[:, Z_], dn[:, N_] * r[t]
        d_h_next = d_h * (1.0 - z[t]) + dr.reshape(B, 4 * H) @ w_h_back
    return d_net, d_rec, d_h_next


def _weight_grads(trace: Trace, d_net: Array, d_rec: Array | None = None) -> Weights:
    """Sum d net over steps and sequences into the gradient of each weight; d_rec, where
    given, is what reaches the recurrent terms W_h y_{t-1} (+ b_h) instead of d net."""
    T, B, _, H = d_net.shape
    flat = d_net.reshape(T * B, 4 * H)
    rec = flat if d_rec is None else d_rec.reshape(T * B, 4 * H)
    x = trace.x.reshape(T * B, -1)
    y_prev = _previous(trace.output, trace.h0).reshape(T * B, H)
    d_w_x = (flat.T @ x).reshape(4, H, -1)
    d_w_h = (rec.T @ y_prev).reshape(4, H, H)
    d_b = flat.sum(axis=0).reshape(4, H)
    d_b_h = np.zeros((4, H))
    if trace.variant == "gru":
        d_b_h[N_] = rec[:, N_ * H : (N_ + 1) * H].sum(axis=0)
    d_w_c = np.zeros((4, H))
    if VARIANT[trace.variant].peepholes:
        c_prev = _previous(trace.cell, trace.c0)
        d_w_c[I_] = np.einsum("tbh,tbh->h", d_net[:, :, I_], c_prev)
        d_w_c[F_] = np.einsum("tbh,tbh->h", d_net[:, :, F_], c_prev)
        d_w_c[O_] = np.einsum("tbh,tbh->h", d_net[:, :, O_], trace.cell)
    return Weights(d_w_x, d_w_h, d_b, d_w_c, d_b_h)
