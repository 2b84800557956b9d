"""The training loop: minibatches of fresh sequences, Adam, the paper's stopping rule.

Every sequence of every batch counts as one training sequence seen. Each sequence is judged
with the weights it was trained with, before their update, as the paper judged its online
training: solved once `window` consecutive sequences were all within the task's tolerance.
"""

import math
import threading
import time
from dataclasses import asdict, dataclass, replace
from typing import Callable

import numpy as np

from .. import config as cfg
from ..model.adam import Adam
from .network import Network, cross_entropy
from .tasks import make_task


# The cells store their input unsquashed (as the 1997 cell in the paper's Exp. 2a); with a
# bounded g and h they saturate early ("abuse") and stall. The plain RNN uses tanh.
DEFAULT_SQUASH = {"rnn": "tanh"}


def _one_clear_cell(task: str, model: str) -> bool:
    """First-symbol cells train as the classroom should see them: one cell whose gates
    see only the input and start shut, with the paper's Exp. 2a squashing (logistic g,
    identity h), so it learns to open its input gate on the first symbol, keep it shut
    across the lag and open its output gate for the end. (The adding problem needs
    recurrent connections; the RNN's memory is one.)"""
    return task == "first-symbol" and model != "rnn"


@dataclass(frozen=True)
class TrainConfig:
    task: str = "first-symbol"
    lag: int = cfg.TRAIN_LAG_DEFAULT
    model: str = "lstm1997"
    seed: int = 0
    budget: int | None = None  # training sequences; None: the task's default
    batch: int = 16  # sequences per update
    cells: int | None = None  # None: 1 for first-symbol cells, else 4
    squash: str | None = None  # None: logistic for first-symbol cells, identity for adding, tanh for rnn
    recurrent: bool | None = None  # None: False for first-symbol cells, else True
    lr: float = 0.01
    window: int = cfg.TRAIN_WINDOW_DEFAULT  # consecutive good sequences that count as solved
    clip: float = 1.0  # largest gradient norm applied

    def resolved(self) -> "TrainConfig":
        """This configuration with every None replaced by its default."""
        clear = _one_clear_cell(self.task, self.model)
        return replace(self, budget=self.budget or cfg.TRAIN_BUDGET_DEFAULT[self.task],
                       squash=self.squash or ("logistic" if clear else DEFAULT_SQUASH.get(self.model, "identity")),
                       cells=self.cells or (1 if clear else 4),
                       recurrent=(not clear) if self.recurrent is None else self.recurrent)


@dataclass(frozen=True)
class Progress:
    sequences: int  # seen so far
    loss: float  # mean cross-entropy since the last report
    error: float  # mean over the latest batch of each sequence's largest |output - target|
    solved_fraction: float  # fraction of sequences since the last report within tolerance


@dataclass(frozen=True)
class Result:
    task: str
    lag: int
    model: str
    seed: int
    solved: bool
    sequences: int  # training sequences seen in all
    seconds: float
    final_error: float  # mean largest |output - target| over a fresh test batch
    status: str  # solved | failed | cancelled
    solved_at: int | None  # sequences seen before the winning streak began
    test_accuracy: float  # fraction of the test batch within tolerance
    window: int
    batch: int
    cells: int
    squash: str
    recurrent: bool

    def as_dict(self) -> dict:
        return asdict(self)


TEST_SEQUENCES = 200


def train(config: TrainConfig, on_progress: Callable[[Progress], None] | None = None,
          cancel: threading.Event | None = None, report_seconds: float = 0.1,
          ) -> tuple[Result, Network]:
    """Train until solved, out of budget or cancelled; return the result and the network.

    on_progress is called at most once per `report_seconds` (and once at the end) from the
    calling thread; cancel is polled between batches.
    """
    config = config.resolved()
    rng = np.random.default_rng(config.seed)
    task = make_task(config.task, config.lag)
    net = Network.create(rng, config.model, config.squash, task.inputs, config.cells,
                         task.outputs, symbols=task.symbolic, recurrent=config.recurrent,
                         gate_bias=-1.0 if config.recurrent else -3.0)
    adam = Adam(net.params, lr=config.lr)
    start = time.perf_counter()
    seen = streak = 0
    solved_at = None
    status = "failed"
    recent = _Recent()
    last_report = -math.inf
    while seen < config.budget:
        if cancel is not None and cancel.is_set():
            status = "cancelled"
            break
        batch = task.batch(rng, min(config.batch, config.budget - seen))
        trace, out = net.forward(batch)
        errors = np.max(np.abs(out - batch.target), axis=1)
        loss = cross_entropy(out, batch.target)
        if not math.isfinite(loss):
            break  # diverged: counts as failed
        good = errors < task.tolerance
        streak, won = _advance_streak(streak, good, config.window)
        if won is not None:  # the streak began `window` sequences before the won-th
            solved_at, status = seen + won + 1 - config.window, "solved"
        seen += len(good)
        recent.add(loss, errors, good)
        if won is not None:
            break
        grads = net.gradients(trace, out, batch.target, batch)
        _clip(grads, config.clip)
        adam.step(grads)
        if on_progress is not None and time.perf_counter() - last_report >= report_seconds:
            last_report = time.perf_counter()
            on_progress(recent.report(seen))
    if on_progress is not None and recent.count:
        on_progress(recent.report(seen))
    final_error, accuracy = evaluate(net, task, np.random.default_rng(config.seed + 10**6))
    result = Result(
        task=config.task, lag=config.lag, model=config.model, seed=config.seed,
        solved=status == "solved", sequences=seen,
        seconds=round(time.perf_counter() - start, 3), final_error=final_error, status=status,
        solved_at=solved_at, test_accuracy=accuracy, window=config.window, batch=config.batch,
        cells=config.cells, squash=config.squash, recurrent=config.recurrent)
    return result, net


def evaluate(net: Network, task, rng: np.random.Generator) -> tuple[float, float]:
    """Mean largest |output - target| and fraction within tolerance on fresh sequences."""
    batch = task.batch(rng, TEST_SEQUENCES)
    _, out = net.forward(batch)
    errors = np.max(np.abs(out - batch.target), axis=1)
    if not np.all(np.isfinite(errors)):
        return 1.0, 0.0
    return round(float(errors.mean()), 6), float(np.mean(errors < task.tolerance))


def _advance_streak(streak: int, good: np.ndarray, window: int) -> tuple[int, int | None]:
    """Extend the run of consecutive good sequences by this batch's, in order.

    Returns the new streak and, if it reached `window` inside this batch, the index of the
    sequence that completed it (None otherwise).
    """
    for k, ok in enumerate(good.tolist()):
        streak = streak + 1 if ok else 0
        if streak >= window:
            return streak, k
    return streak, None


def _clip(grads: list[np.ndarray], limit: float) -> None:
    """Scale all gradients down together so their joint norm is at most `limit`."""
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if norm > limit:
        for g in grads:
            g *= limit / norm


class _Recent:
    """Loss and success since the last report."""

    def __init__(self):
        self.count = 0
        self.loss_sum = self.good = 0.0
        self.last_error = math.nan

    def add(self, loss: float, errors: np.ndarray, good: np.ndarray) -> None:
        self.count += len(errors)
        self.loss_sum += loss * len(errors)
        self.good += float(good.sum())
        self.last_error = float(errors.mean())

    def report(self, seen: int) -> Progress:
        progress = Progress(seen, self.loss_sum / max(self.count, 1), self.last_error,
                            self.good / max(self.count, 1))
        self.count, self.loss_sum, self.good = 0, 0.0, 0.0
        return progress
