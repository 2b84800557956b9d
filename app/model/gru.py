"""The GRU's batched array path (variant `gru`), called by `cell.run` with its setup.

    h_t = (1 - z_t) h_{t-1} + z_t g(W_x x_t + b + r_t (W_h h_{t-1} + b_h))

Rows r, z, n of the weight arrays are nn.GRUCell's; z is how much is written.
"""

import numpy as np

from .squash import sigmoid
from .variants import GRU_ROWS

R_, Z_, N_ = GRU_ROWS.values()
Array = np.ndarray


def run_gru(s, x: Array, net_x: Array):
    """Step the GRU along x (T, B, I); `s` is cell's _Setup, net_x (T, B, 4, H) the input
    part of every net input. Returns the Trace; its net holds r's, z's and n's net inputs
    (zeros for scheduled gates), its loop is 1 - z (the carry path)."""
    T, B, _, H = net_x.shape
    w = s.weights
    w_h = w.w_h[:3].transpose(2, 0, 1).reshape(H, 3 * H)
    b_hn = np.zeros(H) if w.b_h is None else w.b_h[N_]
    sched_z, sched_r = s.schedules.get("update"), s.schedules.get("reset")
    net = np.zeros((T, B, 4, H))
    rows: list[tuple[Array, ...]] = []
    h = s.h0
    for t in range(T):
        rec = (h @ w_h).reshape(B, 3, H)  # W_h h_{t-1} for rows r, z, n
        n = net[t]
        n[:, :3] = net_x[t, :, :3]
        n[:, R_] += rec[:, R_]
        n[:, Z_] += rec[:, Z_]
        r = sigmoid(n[:, R_]) if sched_r is None else sched_r[t]
        z = sigmoid(n[:, Z_]) if sched_z is None else sched_z[t]
        n[:, N_] += r * (rec[:, N_] + b_hn)
        candidate = s.squash.g(n[:, N_])
        h = (1.0 - z) * h + z * candidate
        rows.append((z, r, candidate, h, 1.0 - z))
    for name, k in (("update", Z_), ("reset", R_)):
        if name in s.schedules:
            net[:, :, k] = 0.0
    z, r, candidate, h, loop = (np.broadcast_to(np.stack(c), (T, B, H)).copy() for c in zip(*rows))
    return s.trace(
        x,
        input_gate=None,
        forget_gate=None,
        output_gate=None,
        cell_input=candidate,
        cell=h,
        output=h,
        net=net,
        loop=loop,
        update_gate=z,
        reset_gate=r,
    )
