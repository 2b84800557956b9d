"""The training fast path for cells whose units see only the current symbol. Pure NumPy.

Without recurrent connections (the lab's one clear cell for the first-symbol task) no gate
looks at the past, so nothing but the stored value is a recurrence, and that one is linear:
the 1997 cell's is a running sum (c_t = c_{t-1} + i_t g(z_t): `cumsum`), the forget cell's
a product-weighted sum. Forward and backward then need no Python loop over the steps
(the forget cell's forward keeps one), which is what makes online training at lag 1,000
affordable. The same function and gradient as `Network.forward` / `Network.gradients`;
tests hold it to both and to central differences.
"""

from dataclasses import dataclass

import numpy as np

from ..model.cell import ROW
from ..model.squash import SQUASHES, sigmoid
from .network import Network

Array = np.ndarray
I_, F_, G_, O_ = (ROW[name] for name in ("input", "forget", "cell_input", "output"))
VARIANTS = ("lstm1997", "forget")


def applies(net: Network) -> bool:
    """Whether `net` can take this path: symbol inputs, no recurrence, no peepholes."""
    return net.w_in is not None and not net.recurrent and net.variant in VARIANTS


@dataclass(frozen=True)
class Cache:
    """What the backward pass needs, all (T, B, H) unless noted."""

    symbols: Array  # (T, B)
    net: Array  # (T, B, 4, H)
    input_gate: Array
    forget_gate: Array | None
    cell_input: Array
    cell: Array
    output_gate_last: Array  # (B, H)
    output_last: Array  # (B, H)


def forward(net: Network, symbols: Array) -> tuple[Cache, Array]:
    """Run sequences of symbols (T, B); return the cache and the read-out (B, K)."""
    squash = SQUASHES[net.squash]
    assert net.w_in is not None  # see `applies`
    n = net.w_in[symbols] + net.weights.b  # (T, B, 4, H)
    i = sigmoid(n[:, :, I_])
    z = squash.g(n[:, :, G_])
    written = i * z
    f = None
    if net.variant == "forget":
        f = sigmoid(n[:, :, F_])
        cell = np.empty_like(written)
        c = np.zeros_like(written[0])
        for t in range(len(written)):
            c = f[t] * c + written[t]
            cell[t] = c
    else:  # the carousel: a running sum, the same additions in the same order as stepping
        cell = np.cumsum(written, axis=0)
    o_last = sigmoid(n[-1, :, O_])
    y_last = o_last * squash.h(cell[-1])
    with np.errstate(over="ignore", invalid="ignore"):
        out = sigmoid(y_last @ net.w_out + net.b_out)
    return Cache(symbols, n, i, f, z, cell, o_last, y_last), out


def params(net: Network) -> list[Array]:
    """The arrays this path trains, in the order `gradients` returns them: `net.params`
    without the recurrent and peephole weights, which stay zero here (fewer arrays for
    the optimiser to step on every sequence)."""
    assert net.w_in is not None  # see `applies`
    return [net.w_in, net.weights.b, net.w_out, net.b_out]


def gradients(net: Network, cache: Cache, out: Array, target: Array) -> list[Array]:
    """Gradients of the mean cross-entropy of the read-out, in `params` order."""
    squash = SQUASHES[net.squash]
    assert net.w_in is not None  # see `applies`
    B = len(out)
    d_net_out = (out - target) / B
    d_y = d_net_out @ net.w_out.T  # (B, H), the error reaching y_T
    c_last, o = cache.cell[-1], cache.output_gate_last
    d_c_last = d_y * o * squash.h_prime(c_last)
    if cache.forget_gate is None:
        d_c = np.broadcast_to(d_c_last, cache.cell.shape)  # factor exactly 1 per step
    else:  # d c_T / d c_t = f_{t+1} ... f_T
        f = cache.forget_gate
        later = np.ones_like(f)
        later[:-1] = np.cumprod(f[:0:-1], axis=0)[::-1]
        d_c = d_c_last * later
    i, z = cache.input_gate, cache.cell_input
    d_net = np.zeros_like(cache.net)
    d_net[:, :, I_] = d_c * z * i * (1.0 - i)
    d_net[:, :, G_] = d_c * i * squash.g_prime(cache.net[:, :, G_])
    if cache.forget_gate is not None:
        f = cache.forget_gate
        c_prev = np.concatenate([np.zeros_like(c_last)[None], cache.cell[:-1]])
        d_net[:, :, F_] = d_c * c_prev * f * (1.0 - f)
    d_net[-1, :, O_] = d_y * squash.h(c_last) * o * (1.0 - o)
    # Each step's net-input error into its symbol's row (bincount per column: np.add.at
    # took three quarters of a lag-1,000 update).
    S, flat = len(net.w_in), d_net.reshape(-1, d_net[0, 0].size)
    index = cache.symbols.ravel()
    d_w_in = np.stack([np.bincount(index, flat[:, k], S) for k in range(flat.shape[1])], axis=1).reshape(net.w_in.shape)
    return [d_w_in, d_net.sum(axis=(0, 1)), cache.output_last.T @ d_net_out, d_net_out.sum(axis=0)]
