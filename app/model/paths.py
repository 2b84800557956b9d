"""How far an error must travel from the last output back to step 1, and how much of
it arrives, for four ways of connecting a sequence (the road from the fading RNN to
attention). Pure arithmetic on one scalar path per architecture:

    rnn            h_t = w h_{t-1} + x_t: T - 1 steps, each scaling by w -> w^(T-1)
    carousel       the cell's self-loop at 1.0: T - 1 steps, each scaling by 1 -> 1
    bidirectional  a backward RNN's state at step 1 is read at the end: 1 step -> 1
    attention      the last output looks at step 1 directly: 1 step, scaled by its
                   attention weight (1 here: all attention on step 1)
"""

from typing import NamedTuple


class Path(NamedTuple):
    architecture: str
    steps: int  # connections the error crosses from the last output to step 1
    survives: float  # the factor by which it is scaled on arrival


def error_paths(length: int, w: float) -> list[Path]:
    """The four paths for a sequence of `length` steps and an RNN weight `w`."""
    if length < 1:
        raise ValueError("length must be at least 1")
    return [
        Path("rnn", length - 1, w ** (length - 1)),
        Path("carousel", length - 1, 1.0),
        Path("bidirectional", 1, 1.0),
        Path("attention", 1, 1.0),
    ]
