"""Independent scalar references, written from the papers with plain `math`, sharing no
code with app.model. Weights use PyTorch's nn.LSTMCell(1, 1) layout: index 0..3 is
rows i, f, g, o of weight_ih (wx), weight_hh (wh) and bias_ih + bias_hh (b)."""

import math

I, F, G, O = range(4)


def logistic(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v))


def vanilla_lstm_step(x, h, c, wx, wh, b):
    """What torch.nn.LSTMCell computes for one input and one hidden unit."""
    gates = [wx[k] * x + wh[k] * h + b[k] for k in range(4)]
    i, f, o = logistic(gates[I]), logistic(gates[F]), logistic(gates[O])
    g = math.tanh(gates[G])
    c = f * c + i * g
    return i, f, g, o, c, o * math.tanh(c)


def peephole_lstm_step(x, h, c, wx, wh, b, wc):
    """Gers & Schmidhuber 2000: i and f see c_{t-1}, o sees the new c_t; tanh squashing."""
    i = logistic(wx[I] * x + wh[I] * h + b[I] + wc[I] * c)
    f = logistic(wx[F] * x + wh[F] * h + b[F] + wc[F] * c)
    g = math.tanh(wx[G] * x + wh[G] * h + b[G])
    c = f * c + i * g
    o = logistic(wx[O] * x + wh[O] * h + b[O] + wc[O] * c)
    return i, f, g, o, c, o * math.tanh(c)


def lstm1997_step(x, h, s, wx, wh, b):
    """Hochreiter & Schmidhuber 1997 with the paper's squashing:
    g(v) = 4/(1+e^-v) - 2, h(v) = 2/(1+e^-v) - 1, s_t = s_{t-1} + in_t g(net_c)."""
    in_gate = logistic(wx[I] * x + wh[I] * h + b[I])
    out_gate = logistic(wx[O] * x + wh[O] * h + b[O])
    g = 4.0 / (1.0 + math.exp(-(wx[G] * x + wh[G] * h + b[G]))) - 2.0
    s = s + in_gate * g
    y = out_gate * (2.0 / (1.0 + math.exp(-s)) - 1.0)
    return in_gate, out_gate, g, s, y


def gru_step(x, h, wx, wh, b, bh, g=math.tanh, z=None, r=None):
    """The GRU of the seed (002): z = sigma(W_z [h, x]), r = sigma(W_r [h, x]),
    h_t = (1 - z) h + z h~, h~ = g(wx_n x + b_n + r (wh_n h + bh)). Index 0..2 is rows
    r, z, n (nn.GRUCell's order); a given z or r replaces the computed one."""
    if r is None:
        r = logistic(wx[0] * x + wh[0] * h + b[0])
    if z is None:
        z = logistic(wx[1] * x + wh[1] * h + b[1])
    candidate = g(wx[2] * x + b[2] + r * (wh[2] * h + bh))
    return z, r, candidate, (1 - z) * h + z * candidate


def scheduled_cell_step(x, c, i, f, o, w=1.0, g=lambda v: v, h=lambda v: v):
    """A gated cell with every gate given and the default weights (cell input = x):
    c_t = w f c_{t-1} + i g(x), y_t = o h(c_t). f = 1 for the 1997 cell."""
    c = w * f * c + i * g(x)
    return c, o * h(c)


def rnn_step(x, h, w, wx, wh, b):
    """Plain tanh RNN: h_t = tanh(w h_{t-1} + wx x + wh h_{t-1} + b); returns h_t and its
    d h_t / d h_{t-1} along the self-loop, w (1 - h_t^2)."""
    h = math.tanh(w * h + wx * x + wh * h + b)
    return h, w * (1 - h * h)
