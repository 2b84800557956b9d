"""The training loop: fresh sequences, online or in batches, the paper's stopping rule.

Every sequence of every batch counts as one training sequence presented. Each sequence is
judged with the weights it is trained with, before their update, as the paper judged its
online training (`criterion.Judge`). By default the first-symbol task trains online (one
sequence per update), as the paper did.
"""

import math
import threading
import time
from dataclasses import asdict, dataclass, replace
from typing import Callable

import numpy as np

from .. import config as cfg
from ..model.adam import Adam
from ..model.variants import has_forget
from . import open_cells
from .criterion import Criterion, Judge
from .network import Network, cross_entropy
from .tasks import make_task


# The cells store their input unsquashed (as the 1997 cell in the paper's Exp. 2a); with a
# bounded g and h they saturate early ("abuse") and stall. The plain RNN and the GRU's
# candidate use tanh, as PyTorch's.
DEFAULT_SQUASH = {"rnn": "tanh", "gru": "tanh"}


def _one_clear_cell(task: str, model: str) -> bool:
    """First-symbol cells train as the classroom should see them: one cell whose gates
    see only the input and start shut, with the paper's Exp. 2a squashing (logistic g,
    identity h), so it learns to open its input gate on the first symbol, keep it shut
    across the lag and open its output gate for the end. (The adding problem needs
    recurrent connections; the RNN's memory is one.)"""
    return task == "first-symbol" and model in ("lstm1997", "forget", "peephole")


@dataclass(frozen=True)
class TrainConfig:
    task: str = "first-symbol"
    lag: int = cfg.TRAIN_LAG_DEFAULT
    model: str = "lstm1997"
    seed: int = 0
    budget: int | None = None  # training sequences; None: the task's default
    batch: int | None = None  # sequences per update; None: the task's default
    cells: int | None = None  # None: 1 for first-symbol cells, else 4
    squash: str | None = None  # None: logistic for first-symbol cells, identity for adding, tanh for rnn
    recurrent: bool | None = None  # None: False for first-symbol cells, else True
    lr: float | None = None  # step size; None: the optimiser's default for the task
    optimizer: str = "adam"  # adam | sgd (plain gradient descent)
    window: int | None = None  # consecutive good sequences that count as solved; None: the paper's
    gate_bias: float | None = None  # input and output gates' first bias; None: see config
    forget_bias: float | None = None  # the forget gate's first bias; None: see config
    learn_h0: bool | None = None  # learn the outputs y_0 the cells start from; None: see config
    init: float | None = None  # weights start uniform in [-init, init]; None: see config
    clip: float = 1.0  # largest gradient norm applied
    max_seconds: float | None = None  # wall-time budget; None: only the sequence budget

    def resolved(self) -> "TrainConfig":
        """This configuration with every None replaced by its default."""
        clear = _one_clear_cell(self.task, self.model)
        paper = cfg.TRAIN_PAPER_CRITERION[self.task]
        return replace(
            self,
            budget=self.budget or cfg.TRAIN_BUDGET_DEFAULT[self.task],
            batch=self.batch or (cfg.TRAIN_BATCH_ONLINE if clear else cfg.TRAIN_BATCH_RECURRENT),
            lr=self.lr or cfg.TRAIN_LR_DEFAULT[self.optimizer][self.task],
            window=self.window or paper["window"],
            squash=self.squash or ("logistic" if clear else DEFAULT_SQUASH.get(self.model, "identity")),
            cells=self.cells or (1 if clear else 4),
            recurrent=(not clear) if self.recurrent is None else self.recurrent,
            gate_bias=(
                cfg.TRAIN_GATE_BIAS["clear" if clear else "recurrent"] if self.gate_bias is None else self.gate_bias
            ),
            forget_bias=cfg.TRAIN_FORGET_BIAS[self.task] if self.forget_bias is None else self.forget_bias,
            learn_h0=cfg.TRAIN_LEARN_H0[self.task] if self.learn_h0 is None else self.learn_h0,
            init=cfg.TRAIN_INIT.get(self.model, cfg.TRAIN_INIT["cells"]) if self.init is None else self.init,
        )

    def criterion(self) -> Criterion:
        paper = cfg.TRAIN_PAPER_CRITERION[self.task]
        return Criterion(self.window or paper["window"], paper["tolerance"], paper["mean_squared_limit"])


@dataclass(frozen=True)
class Progress:
    sequences: int  # presented so far
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
    sequences: int  # training sequences presented in all, the winning window included
    sequences_to_solve: int | None  # presented before the winning window began
    seconds: float
    final_error: float  # mean largest |output - target| over a fresh test batch
    status: str  # solved | failed | cancelled
    test_accuracy: float  # fraction of the test batch within tolerance
    window: int
    tolerance: float
    mean_squared_limit: float | None
    batch: int
    cells: int
    squash: str
    recurrent: bool
    optimizer: str
    lr: float
    learn_h0: bool
    forget_bias: float | None  # None for models without a forget gate

    def as_dict(self) -> dict:
        return asdict(self)


TEST_SEQUENCES = 200


def train(
    config: TrainConfig,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    report_seconds: float = 0.1,
) -> tuple[Result, Network]:
    """Train until solved, out of budget or cancelled; return the result and the network.

    on_progress is called at most once per `report_seconds` (and once at the end) from the
    calling thread; cancel is polled between batches.
    """
    config = config.resolved()
    assert (
        config.budget is not None
        and config.batch is not None
        and config.cells is not None
        and config.squash is not None
        and config.recurrent is not None
        and config.lr is not None
        and config.gate_bias is not None
        and config.init is not None
        and config.forget_bias is not None
        and config.learn_h0 is not None
    )  # resolved() filled them
    criterion = config.criterion()
    rng = np.random.default_rng(config.seed)
    task = make_task(config.task, config.lag)
    net = Network.create(
        rng,
        config.model,
        config.squash,
        task.inputs,
        config.cells,
        task.outputs,
        symbols=task.symbolic,
        recurrent=config.recurrent,
        gate_bias=config.gate_bias,
        forget_bias=config.forget_bias,
        init=config.init,
        learn_h0=config.learn_h0,
    )
    fast = open_cells.applies(net)
    optimiser = _optimiser(config, open_cells.params(net) if fast else net.params)
    judge = Judge(criterion)
    start = time.perf_counter()
    seen = 0
    to_solve = None
    status = "failed"
    recent = _Recent()
    last_report = -math.inf
    while seen < config.budget:
        if cancel is not None and cancel.is_set():
            status = "cancelled"
            break
        if config.max_seconds is not None and time.perf_counter() - start > config.max_seconds:
            break  # out of time: failed
        batch = task.batch(rng, min(config.batch, config.budget - seen))
        computed, out = _forward(net, batch, fast)
        diff = out - batch.target
        errors = np.max(np.abs(diff), axis=1)
        loss = cross_entropy(out, batch.target)
        if not math.isfinite(loss):
            break  # diverged: counts as failed
        won = judge.feed(errors.tolist(), np.mean(diff * diff, axis=1).tolist())
        recent.add(loss, errors, errors < criterion.tolerance)
        if won is not None:  # the window began `window` sequences before the won-th ended
            to_solve, status = seen + won + 1 - criterion.window, "solved"
        seen += len(errors)  # the whole batch was presented
        if won is not None:
            break
        grads = (
            open_cells.gradients(net, computed, out, batch.target)
            if fast
            else net.gradients(computed, out, batch.target, batch)
        )
        _clip(grads, config.clip)
        optimiser.step(grads)
        if on_progress is not None and time.perf_counter() - last_report >= report_seconds:
            last_report = time.perf_counter()
            on_progress(recent.report(seen))
    if on_progress is not None and recent.count:
        on_progress(recent.report(seen))
    final_error, accuracy = evaluate(net, task, np.random.default_rng(config.seed + 10**6))
    result = Result(
        task=config.task,
        lag=config.lag,
        model=config.model,
        seed=config.seed,
        solved=status == "solved",
        sequences=seen,
        sequences_to_solve=to_solve,
        seconds=round(time.perf_counter() - start, 3),
        final_error=final_error,
        status=status,
        test_accuracy=accuracy,
        window=criterion.window,
        tolerance=criterion.tolerance,
        mean_squared_limit=criterion.mean_squared_limit,
        batch=config.batch,
        cells=config.cells,
        squash=config.squash,
        recurrent=config.recurrent,
        optimizer=config.optimizer,
        lr=config.lr,
        learn_h0=config.learn_h0,
        forget_bias=config.forget_bias if has_forget(config.model) else None,
    )
    return result, net


def _forward(net: Network, batch, fast: bool):
    """(what the gradient needs, read-out (B, K)): the open-cell fast path where it applies."""
    return open_cells.forward(net, batch.symbols) if fast else net.forward(batch)


def evaluate(net: Network, task, rng: np.random.Generator) -> tuple[float, float]:
    """Mean largest |output - target| and fraction within tolerance on fresh sequences."""
    batch = task.batch(rng, TEST_SEQUENCES)
    _, out = _forward(net, batch, open_cells.applies(net))
    errors = np.max(np.abs(out - batch.target), axis=1)
    if not np.all(np.isfinite(errors)):
        return 1.0, 0.0
    return round(float(errors.mean()), 6), float(np.mean(errors < task.tolerance))


class _SGD:
    """Plain gradient descent, p -= lr * g, as the paper trained (online: one sequence per
    step). Mutates the params."""

    def __init__(self, params: list[np.ndarray], lr: float):
        self.params, self.lr = params, lr

    def step(self, grads: list[np.ndarray]) -> None:
        for p, g in zip(self.params, grads):
            p -= self.lr * g


def _optimiser(config: TrainConfig, params: list[np.ndarray]):
    assert config.lr is not None  # a resolved config
    if config.optimizer == "sgd":
        return _SGD(params, config.lr)
    return Adam(params, lr=config.lr)


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
        progress = Progress(seen, self.loss_sum / max(self.count, 1), self.last_error, self.good / max(self.count, 1))
        self.count, self.loss_sum, self.good = 0, 0.0, 0.0
        return progress
