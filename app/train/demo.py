"""One test sequence played through a trained network, shaped for the cell diagram.

The steps have the fields of /api/run's steps, for the one cell that carries the memory.
Pure NumPy and plain Python values (JSON-ready).
"""

import numpy as np

from .network import Network
from .tasks import Adding, Batch, FirstSymbol

STEP_FIELDS = ("input_gate", "forget_gate", "output_gate", "cell_input", "cell", "output")
GRU_FIELDS = ("update_gate", "reset_gate")  # the GRU's steps have these too
PROBE_SEQUENCES = 64  # adding problem: sequences used to find the memory cell


def demo(net: Network, task: FirstSymbol | Adding, seed: int) -> dict:
    """Play one test sequence (of at most 1000 steps) through `net`.

    First symbol: the sequence that starts with y; the memory cell is the one whose final
    state differs most between the x and the y sequence. Adding problem: a sequence of the
    minimal length; the memory cell is the one whose final state correlates best with the
    target over a few test sequences. Returns {"cell_index", "labels", "steps", "target",
    "prediction", "error", "tolerance", "variant", "squash"}.
    """
    shown = 0  # which sequence of the batch is played
    target: str | float  # a symbol, or the adding problem's sum
    prediction: str | float
    if isinstance(task, FirstSymbol):
        batch = task.sequences(np.array([1, 0]))  # y first, then x
        trace, out = net.forward(batch)
        memory = np.abs(trace.cell[-1, 0] - trace.cell[-1, 1])
        # A cell may store one symbol and let the other pass: show the one it writes.
        if trace.input_gate is not None:
            shown = int(np.argmax(trace.input_gate[0, :, int(np.argmax(memory))]))
        elif trace.update_gate is not None:  # gru: the update gate lets the candidate in
            shown = int(np.argmax(trace.update_gate[0, :, int(np.argmax(memory))]))
        target, prediction = task.labels(batch, shown)[0], task.describe(out[shown])
    else:
        batch = task.batch(np.random.default_rng(seed + 2 * 10**6), PROBE_SEQUENCES, task.lag)
        trace, out = net.forward(batch)
        memory = np.nan_to_num(
            np.abs([_correlation(trace.cell[-1, :, k], batch.target[:, 0]) for k in range(trace.cell.shape[2])])
        )
        target, prediction = float(batch.target[0, 0]), float(out[0, 0])
    k = int(np.argmax(memory))
    return {
        "variant": net.variant,
        "squash": net.squash,
        "cell_index": k,
        "labels": task.labels(batch, shown),
        "steps": _steps(trace, batch, k, shown),
        "target": target,
        "prediction": prediction,
        "error": float(np.max(np.abs(out[shown] - batch.target[shown]))),
        "tolerance": task.tolerance,
    }


def _steps(trace, batch: Batch, k: int, n: int = 0) -> list[dict]:
    """Cell k of sequence n, step by step."""
    codes = (batch.codes[:, n] + 0.0).tolist()
    names = STEP_FIELDS + (GRU_FIELDS if trace.update_gate is not None else ())
    columns = {name: _column(getattr(trace, name), k, n, len(codes)) for name in names}
    return [{"t": t + 1, "x": codes[t], **{name: columns[name][t] for name in names}} for t in range(len(codes))]


def _column(values: np.ndarray | None, k: int, n: int, steps: int) -> list:
    if values is None:
        return [None] * steps
    return (values[:, n, k] + 0.0).tolist()  # + 0.0: no negative zeros


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum()) / denominator if denominator > 0 else 0.0
