"""The one declaration of the cell variants: each variant's name, its gates, whether a
forget gate multiplies the old stored value, whether gates see the stored value, and
which weight rows it reads. Schemas, the API, the template and the page derive from it.

Weight rows are indices into the first axis of `Weights` arrays (four rows). The LSTM
variants follow PyTorch's nn.LSTMCell (i, f, g, o); the GRU follows nn.GRUCell's
(r, z, n), so its rows map one-to-one onto PyTorch's weight_ih / weight_hh chunks.
"""

from dataclasses import dataclass

from .squash import SQUASHES


@dataclass(frozen=True)
class Variant:
    name: str
    gates: tuple[str, ...]  # the units that may follow a schedule, in display order
    has_forget: bool  # a forget gate multiplies the old stored value
    peepholes: bool  # gates also see the stored value (weights w_c)
    rows: dict[str, int]  # weight row -> index into the Weights arrays
    self_loop: bool = True  # reads the fixed self-loop weight w


LSTM_ROWS = {"input": 0, "forget": 1, "cell_input": 2, "output": 3}  # nn.LSTMCell i, f, g, o
GRU_ROWS = {"reset": 0, "update": 1, "cell_input": 2}  # nn.GRUCell r, z, n

VARIANT = {
    v.name: v
    for v in (
        Variant("lstm1997", ("input", "output"), False, False, LSTM_ROWS),
        Variant("forget", ("input", "forget", "output"), True, False, LSTM_ROWS),
        Variant("peephole", ("input", "forget", "output"), True, True, LSTM_ROWS),
        Variant("rnn", (), False, False, {"cell_input": 2}),
        Variant("gru", ("update", "reset"), False, False, GRU_ROWS, self_loop=False),
    )
}
VARIANTS = tuple(VARIANT)  # names, in menu order
GATES = ("input", "forget", "output", "update", "reset")  # every variant's gates, in display order
assert set(GATES) == {g for v in VARIANT.values() for g in v.gates}
SQUASH_NAMES = tuple(SQUASHES)


def gates_of(variant: str) -> tuple[str, ...]:
    """The gates a variant has: none for rnn, no forget gate for lstm1997."""
    return VARIANT[variant].gates


def has_forget(variant: str) -> bool:
    return VARIANT[variant].has_forget


def declaration() -> dict:
    """The variants as plain JSON-able values, for the page."""
    return {
        name: {
            "gates": list(v.gates),
            "has_forget": v.has_forget,
            "peepholes": v.peepholes,
            "rows": list(v.rows),
            "self_loop": v.self_loop,
        }
        for name, v in VARIANT.items()
    }
