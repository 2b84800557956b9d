"""The 1997 paper's long-time-lag tasks as batch generators (pure NumPy).

A task makes a batch of input sequences x (T, B, I) and the targets (B, K) of the network's
prediction at the last step, says how far off a prediction may be (`tolerance`), and names
each step of one sequence for the diagram.
"""

from dataclasses import dataclass

import math

import numpy as np

from .. import config as cfg

Array = np.ndarray


@dataclass(frozen=True)
class Batch:
    """Inputs as real vectors x (T, B, I), or as symbols (T, B) indexing one-hot units."""

    x: Array | None
    symbols: Array | None
    target: Array  # (B, K)
    codes: Array  # (T, B): one number per step for the diagram's tape


class FirstSymbol:
    """Experiment 2a: remember the first symbol over a lag of p steps.

    p + 1 symbols, one-hot: x, y, a_1 .. a_{p-1} (units 0, 1, 2 .. p), given as indices. Each sequence is
    (y, a_1, ..., a_{p-1}) or (x, a_1, ..., a_{p-1}), each with probability 1/2; the target
    is the next symbol, which repeats the first. Only that last prediction needs memory, so
    only it is trained and judged. Judged as the paper does: every one of the p + 1 logistic
    output units within 0.25 of its target.
    """

    name = "first-symbol"
    tolerance = cfg.TRAIN_PAPER_CRITERION[name]["tolerance"]
    symbolic = True  # batches hold symbol indices, not one-hot vectors

    def __init__(self, lag: int):
        if lag < 1:
            raise ValueError("lag must be at least 1")
        self.lag = lag
        self.inputs = self.outputs = lag + 1
        self.symbols = ["x", "y"] + [f"a{k}" for k in range(1, lag)]

    @property
    def guess(self) -> dict | None:
        """What a network with no memory can reach (None at lag 1, where the first symbol
        is the last input): answering one symbol always is right on half the sequences;
        the lowest loss is 0.5 on the x and y units, ln 2 each (fillers are never next)."""
        return None if self.lag == 1 else {"loss": 2 * math.log(2), "solved_fraction": 0.5}

    def batch(self, rng: np.random.Generator, size: int) -> Batch:
        first = rng.integers(0, 2, size)  # 0: x, 1: y
        return self.sequences(first)

    def sequences(self, first: Array) -> Batch:
        """The sequences that start with symbol unit `first` (B,) of 0 (x) or 1 (y)."""
        size, p = len(first), self.lag
        symbols = np.empty((p, size), dtype=np.intp)
        symbols[0] = first
        symbols[1:] = np.arange(2, p + 1)[:, None]  # a_1 .. a_{p-1}, the same every time
        target = np.zeros((size, self.outputs))
        target[np.arange(size), first] = 1.0
        codes = np.zeros((p, size))
        codes[0] = np.where(first == 1, 1.0, -1.0)  # y: +1, x: -1, distractors: 0
        return Batch(None, symbols, target, codes)

    def labels(self, batch: Batch, index: int) -> list[str]:
        """A short text per step of sequence `index`: its symbols."""
        assert batch.symbols is not None  # this task's batches hold symbols
        return [self.symbols[k] for k in batch.symbols[:, index].tolist()]

    def describe(self, outputs: Array) -> str:
        """The predicted symbol for one sequence's outputs (K,)."""
        return self.symbols[int(np.argmax(outputs))]


class Adding:
    """Experiment 4: the 1997 adding problem with minimal length T (the lag).

    Each step is a pair (value in U[-1, 1], marker). One of the first 10 pairs and one of the
    first T/2 - 1 other pairs are marked 1; the first and last pairs are marked -1 unless
    chosen. Target 0.5 + (X1 + X2) / 4 (a mark on the first pair counts as 0), judged
    correct within 0.04. Lengths are drawn from [T, T + T/10] once per batch, so a batch's
    sequences share their length.
    """

    name = "adding"
    tolerance = cfg.TRAIN_PAPER_CRITERION[name]["tolerance"]
    symbolic = False
    inputs, outputs = 2, 1

    def __init__(self, lag: int):
        if lag < 2:
            raise ValueError("the adding problem needs a length of at least 2")
        self.lag = lag

    # No memory: the best constant answer is 0.5 (loss ln 2); it is within 0.04 when
    # |X1 + X2| < 0.16, for X1 = 0 (first pair marked, 1 in 10) with probability 0.16,
    # else (two uniform values, a triangular sum) 1 - 1.84^2 / 4.
    guess = {"loss": math.log(2), "solved_fraction": 0.1 * 0.16 + 0.9 * (1 - 1.84**2 / 4)}

    def batch(self, rng: np.random.Generator, size: int, length: int | None = None) -> Batch:
        steps = length or int(rng.integers(self.lag, self.lag + self.lag // 10 + 1))
        values = rng.uniform(-1.0, 1.0, (steps, size))
        markers = np.zeros((steps, size))
        markers[0] = markers[-1] = -1.0
        rows = np.arange(size)
        first = rng.integers(0, min(10, steps), size)
        # The second mark: uniform over the first max(T/2 - 1, 2) pairs other than `first`.
        span = max(self.lag // 2 - 1, 2)
        clash = first < span
        second = (rng.random(size) * (span - clash)).astype(int)
        second += clash & (second >= first)
        markers[first, rows] = markers[second, rows] = 1.0
        marked = values[first, rows] * (first > 0) + values[second, rows] * (second > 0)
        target = 0.5 + marked / 4.0
        x = np.stack([values, markers], axis=-1)
        return Batch(x, None, target[:, None], values.copy())

    def labels(self, batch: Batch, index: int) -> list[str]:
        """A short text per step: the value, then * if marked, | at the ends."""
        assert batch.x is not None  # this task's batches hold real vectors
        return [_pair_label(v, m) for v, m in batch.x[:, index].tolist()]

    def describe(self, outputs: Array) -> str:
        return f"{float(outputs[0]):.3f}"


def _pair_label(value: float, marker: float) -> str:
    mark = {1.0: " *", -1.0: " |"}.get(float(marker), "")
    return f"{value:+.2f}{mark}"


TASKS: dict[str, type[FirstSymbol] | type[Adding]] = {"first-symbol": FirstSymbol, "adding": Adding}


def make_task(name: str, lag: int) -> FirstSymbol | Adding:
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}")
    return TASKS[name](lag)
