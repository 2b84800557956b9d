"""Training benchmark (not a test): Experiment 2a at lag 100.

1. The 1997 cell over 5 seeds: wall time per seed and in total (target: under 60 s).
2. The plain RNN over the same seeds and the same budget: it should fail.
3. Training speed, sequences per second, of our NumPy code against the same network in
   PyTorch on the CPU (skipped when torch is not installed), one thread each.

    .venv/bin/python bench/train_bench.py [--seeds 5] [--lag 100] [--speed-batches 60]
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from app.train.blas import single_thread_env  # noqa: E402

single_thread_env()

import numpy as np  # noqa: E402

from app import config as cfg  # noqa: E402
from app.model.adam import Adam  # noqa: E402
from app.train.network import Network  # noqa: E402
from app.train.tasks import FirstSymbol  # noqa: E402
from app.train.trainer import TrainConfig, _clip, train  # noqa: E402

BATCH, LR = 16, 0.01


def network_of(model: str, lag: int) -> TrainConfig:
    """The network the lab trains for `model` (cells, squashing, recurrence)."""
    return TrainConfig(lag=lag, model=model).resolved()


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}  # nproc reads it
    cores = subprocess.run(["nproc"], capture_output=True, text=True, env=env).stdout.strip()
    return f"nproc {cores}, {cpu}, Python {platform.python_version()}, NumPy {np.__version__}"


def solve_runs(model: str, lag: int, seeds: int) -> list:
    results = []
    for seed in range(seeds):
        result, _ = train(TrainConfig(lag=lag, model=model, seed=seed))
        results.append(result)
        print(f"  {model:<9} seed {seed}: {result.status:<7} {result.sequences:>7,} sequences "
              f"(streak began after {result.solved_at if result.solved else '-'}), "
              f"{result.seconds:6.2f} s", flush=True)
    total = sum(r.seconds for r in results)
    solved = [r for r in results if r.solved]
    mean = sum(r.solved_at for r in solved) / len(solved) if solved else float("nan")
    print(f"  {model}: {len(solved)}/{seeds} solved, mean sequences before the winning "
          f"streak {mean:,.0f}, total {total:.1f} s, mean {total / seeds:.1f} s per seed\n")
    return results


def numpy_speed(model: str, lag: int, batches: int) -> float:
    """Sequences per second of forward + BPTT + Adam, as in the trainer."""
    rng = np.random.default_rng(0)
    task = FirstSymbol(lag)
    config = network_of(model, lag)
    net = Network.create(rng, model, config.squash, task.inputs, config.cells, task.outputs,
                         symbols=True, recurrent=config.recurrent,
                         gate_bias=-1.0 if config.recurrent else -3.0)
    adam = Adam(net.params, lr=LR)
    start = time.perf_counter()
    for _ in range(batches):
        batch = task.batch(rng, BATCH)
        trace, out = net.forward(batch)
        grads = net.gradients(trace, out, batch.target, batch)
        _clip(grads, 1.0)
        adam.step(grads)
    return batches * BATCH / (time.perf_counter() - start)


def torch_speed(model: str, lag: int, batches: int) -> float | None:
    """The same network in PyTorch (autograd, torch.optim.Adam), one thread."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    config = network_of(model, lag)
    H, S = config.cells, lag + 1
    g = {"logistic": torch.sigmoid, "identity": lambda v: v}.get(config.squash)

    def uniform(*shape):
        return (torch.rand(*shape, dtype=torch.float64) * 0.4 - 0.2).requires_grad_()

    w_in, w_out = uniform(S, 4 * H), uniform(H, S)
    w_h = uniform(H, 4 * H) if config.recurrent else torch.zeros(H, 4 * H, dtype=torch.float64)
    b = torch.zeros(4 * H, dtype=torch.float64)
    if model != "rnn":
        b[:H] = b[3 * H:] = -1.0 if config.recurrent else -3.0  # gates start shut, as ours
    b.requires_grad_()
    b_out = torch.zeros(S, dtype=torch.float64, requires_grad=True)
    params = [w_in, b, w_out, b_out] + ([w_h] if config.recurrent else [])
    optimiser = torch.optim.Adam(params, lr=LR)
    rng = np.random.default_rng(0)
    task = FirstSymbol(lag)
    start = time.perf_counter()
    for _ in range(batches):
        batch = task.batch(rng, BATCH)
        symbols = torch.from_numpy(batch.symbols)
        target = torch.from_numpy(batch.target)
        x = w_in[symbols]  # (T, B, 4H)
        y = torch.zeros(BATCH, H, dtype=torch.float64)
        c = y
        for t in range(lag):
            net = x[t] + y @ w_h + b
            if model == "rnn":
                y = torch.tanh(net[:, 2 * H:3 * H])
            else:  # lstm1997, h = identity: c += i * g(z), y = o * c
                c = c + torch.sigmoid(net[:, :H]) * g(net[:, 2 * H:3 * H])
                y = torch.sigmoid(net[:, 3 * H:]) * c
        out = torch.sigmoid(y @ w_out + b_out)
        loss = torch.nn.functional.binary_cross_entropy(out, target, reduction="sum") / BATCH
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimiser.step()
    return batches * BATCH / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--lag", type=int, default=100)
    parser.add_argument("--speed-batches", type=int, default=60)
    parser.add_argument("--skip-rnn", action="store_true", help="skip the (slow) RNN runs")
    args = parser.parse_args()
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {machine()}")
    for model in ("lstm1997", "rnn"):
        c = network_of(model, args.lag)
        print(f"{model}: {c.cells} cell(s), squashing {c.squash}, "
              f"{'recurrent' if c.recurrent else 'no recurrent connections'}")
    print(f"Experiment 2a, lag {args.lag}, batch {BATCH}, budget "
          f"{cfg.TRAIN_BUDGET_DEFAULT['first-symbol']:,} sequences, solved after "
          f"{cfg.TRAIN_WINDOW_DEFAULT:,} consecutive sequences within 0.25\n")
    solve_runs("lstm1997", args.lag, args.seeds)
    if not args.skip_rnn:
        solve_runs("rnn", args.lag, args.seeds)
    print(f"Training speed at lag {args.lag} (sequences per second, batch {BATCH}, one thread):")
    for model in ("lstm1997", "rnn"):
        ours = numpy_speed(model, args.lag, args.speed_batches)
        theirs = torch_speed(model, args.lag, args.speed_batches)
        versus = ("PyTorch not installed: skipped" if theirs is None else
                  f"PyTorch {theirs:8,.0f}   NumPy is {ours / theirs:.1f}x as fast")
        print(f"  {model:<9} NumPy {ours:8,.0f}   {versus}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
