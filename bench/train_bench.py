"""Training benchmark (not a test): the paper's table, shaped as the paper prints it.

1. Experiment 2a (remember the first symbol) at lags 10, 100 and 1,000, and the adding
   problem at T = 100, for every model over seeds 0..N-1, under the paper's stopping rules:
   share solved, mean `sequences_to_solve` (the paper's "training sequences until
   solved"), mean `sequences` (all presented, the window included), wall time. For the
   one clear cell, also how many learned cells tell the gate story the class is shown.
2. Training speed of the network actually trained, sequences per second, our NumPy code
   against the same network and algorithm in PyTorch on the CPU (skipped when torch is
   not installed), one thread each.

    .venv/bin/python bench/train_bench.py [--seeds 10] [--adding-seeds 5] [--lags 10,100,1000]
        [--models lstm1997,forget,gru,rnn] [--seconds 300] [--slow-seeds 2] [--no-adding]
        [--speed-only] [--no-speed] [--set learn_h0=false --set forget_bias=2 ...]

Recurrent networks (rnn, gru) step every sequence in Python; at lag 1,000 each of their runs
gets the lab's 5-minute wall budget (--seconds) and only --slow-seeds seeds. --set KEY=VALUE
overrides a TrainConfig field of every run (VALUE read as JSON: false, 2, 0.01), for the
docs' "what each choice does" tables.
"""

import argparse
import json
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

from app.train import open_cells  # noqa: E402
from app.train.demo import demo  # noqa: E402
from app.train.network import Network  # noqa: E402
from app.train.tasks import FirstSymbol, make_task  # noqa: E402
from app.train.trainer import TrainConfig, _clip, _optimiser, train  # noqa: E402

OVERRIDES: dict = {}  # --set: TrainConfig fields for every run

PAPER = {("first-symbol", 100): "5,040 (LSTM, 100 %)", ("adding", 100): "74,000 (LSTM)"}
RECURRENT = ("rnn", "gru")


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
    load = os.getloadavg()[0]
    return (f"nproc {cores}, {cpu}, Python {platform.python_version()}, NumPy "
            f"{np.__version__}, load average {load:.1f} at the start")


def commit() -> str:
    """The checked-out commit (with + if the work tree differs), or "unknown"."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parents[1]).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+" if git("status", "--porcelain", "--untracked-files=no") else "")


def tells_the_story(net: Network, lag: int, seed: int) -> bool:
    """The learned cell opens its input gate on the first symbol, keeps it shut across the
    lag and opens its output gate for the last step (as tests/test_train.py pins)."""
    steps = demo(net, FirstSymbol(lag), seed)["steps"]
    i = [s["input_gate"] for s in steps]
    o = [s["output_gate"] for s in steps]
    return (i[0] > 0.9 and max(i[1:], default=0) < 0.15 and o[-1] > 0.95
            and o[-1] > max(o[1:-1], default=0) + 0.1)


def row(task: str, lag: int, model: str, seeds: int, seconds: float | None,
        budget: int | None = None) -> dict:
    results, stories = [], 0
    for seed in range(seeds):
        config = TrainConfig(task=task, lag=lag, model=model, seed=seed, max_seconds=seconds,
                             budget=budget, **OVERRIDES)
        result, net = train(config)
        results.append(result)
        story = ""
        if task == "first-symbol" and model not in RECURRENT and result.solved:
            ok = tells_the_story(net, lag, seed)
            stories += ok
            story = ", gate story " + ("yes" if ok else "NO")
        print(f"  {task} {lag} {model} seed {seed}: {result.status}, "
              f"{result.sequences_to_solve if result.solved else '-'} to solve, "
              f"{result.sequences:,} presented, {result.seconds:.1f} s{story}", flush=True)
    solved = [r for r in results if r.solved]
    return {
        "task": task, "lag": lag, "model": model, "runs": len(results), "solved": len(solved),
        "to_solve": np.mean([r.sequences_to_solve for r in solved]) if solved else None,
        "presented": np.mean([r.sequences for r in solved]) if solved else None,
        "seconds": np.mean([r.seconds for r in results]),
        "total": sum(r.seconds for r in results), "stories": stories,
        "config": results[0],
    }


def table(rows: list[dict]) -> str:
    lines = ["| task | lag | model | solved | mean sequences to solve | mean sequences "
             "presented | mean s per run | total s | gate story | paper |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        mean = "-" if r["to_solve"] is None else f"{r['to_solve']:,.0f}"
        shown = "-" if r["presented"] is None else f"{r['presented']:,.0f}"
        story = (f"{r['stories']}/{r['solved']}" if r["task"] == "first-symbol"
                 and r["model"] not in RECURRENT else "")
        task = "Exp. 2a" if r["task"] == "first-symbol" else "adding"
        lines.append(
            f"| {task} | {r['lag']:,} | {r['model']} | {r['solved']}/{r['runs']} "
            f"({100 * r['solved'] / r['runs']:.0f} %) | {mean} | {shown} | {r['seconds']:.1f} "
            f"| {r['total']:.0f} | {story} | {PAPER.get((r['task'], r['lag']), '')} |")
    return "\n".join(lines)


def describe(r: dict) -> str:
    c = r["config"]
    return (f"{c.model}: {c.cells} cell(s), squash {c.squash}, "
            f"{'recurrent' if c.recurrent else 'no recurrent connections'}, batch {c.batch}, "
            f"{c.optimizer} {c.lr}, "
            + ("learned y_0, " if c.learn_h0 else "y_0 = 0, ")
            + ("" if c.forget_bias is None else f"forget bias {c.forget_bias:g}, ")
            + f"window {c.window:,} within {c.tolerance}"
            + (f" and mean squared error below {c.mean_squared_limit}"
               if c.mean_squared_limit else ""))


# ---- speed: NumPy against PyTorch on the network the lab trains ------------------------

def numpy_speed(model: str, lag: int, sequences: int) -> float:
    """Sequences per second of training as the trainer does it (forward, backward, clip,
    optimiser step; the open-cell fast path where the lab takes it)."""
    config = TrainConfig(lag=lag, model=model).resolved()
    rng = np.random.default_rng(0)
    task = FirstSymbol(lag)
    net = Network.create(rng, model, config.squash, task.inputs, config.cells, task.outputs,
                         symbols=True, recurrent=config.recurrent, gate_bias=config.gate_bias)
    fast = open_cells.applies(net)
    optimiser = _optimiser(config, open_cells.params(net) if fast else net.params)
    start = time.perf_counter()
    for _ in range(sequences // config.batch):
        batch = task.batch(rng, config.batch)
        if fast:
            cache, out = open_cells.forward(net, batch.symbols)
            grads = open_cells.gradients(net, cache, out, batch.target)
        else:
            trace, out = net.forward(batch)
            grads = net.gradients(trace, out, batch.target, batch)
        _clip(grads, config.clip)
        optimiser.step(grads)
    return sequences // config.batch * config.batch / (time.perf_counter() - start)


def torch_speed(model: str, lag: int, sequences: int) -> float | None:
    """The same network and algorithm in PyTorch (autograd, torch.optim.Adam), one thread:
    the open cell as a running sum (torch.cumsum) at batch 1, the RNN stepped at batch 16."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    torch.manual_seed(0)
    config = TrainConfig(lag=lag, model=model).resolved()
    H, S, B = config.cells, lag + 1, config.batch

    def uniform(*shape):
        return (torch.rand(*shape, dtype=torch.float64) * 0.4 - 0.2).requires_grad_()

    w_in, w_out = uniform(S, 4 * H), uniform(H, S)
    w_h = uniform(H, 4 * H) if config.recurrent else None
    b = torch.zeros(4 * H, dtype=torch.float64)
    if model != "rnn":
        b[:H] = b[3 * H:] = config.gate_bias
    b.requires_grad_()
    b_out = torch.zeros(S, dtype=torch.float64, requires_grad=True)
    params = [w_in, b, w_out, b_out] + ([w_h] if w_h is not None else [])
    optimiser = torch.optim.Adam(params, lr=config.lr)
    rng = np.random.default_rng(0)
    task = FirstSymbol(lag)
    start = time.perf_counter()
    for _ in range(sequences // B):
        batch = task.batch(rng, B)
        net = w_in[torch.from_numpy(batch.symbols)] + b  # (T, B, 4H)
        if model == "rnn":
            y = torch.zeros(B, H, dtype=torch.float64)
            for t in range(lag):
                y = torch.tanh(net[t, :, 2 * H:3 * H] + y @ w_h[:, 2 * H:3 * H])
        else:  # lstm1997, logistic g, identity h: c = running sum of i * g(z); y = o * c
            c = torch.cumsum(torch.sigmoid(net[..., :H]) * torch.sigmoid(net[..., 2 * H:3 * H]), 0)
            y = torch.sigmoid(net[-1, :, 3 * H:]) * c[-1]
        out = torch.sigmoid(y @ w_out + b_out)
        target = torch.from_numpy(batch.target)
        loss = torch.nn.functional.binary_cross_entropy(out, target, reduction="sum") / B
        optimiser.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, config.clip)
        optimiser.step()
    return sequences // B * B / (time.perf_counter() - start)


def speed(lags: list[int], sequences: int) -> None:
    print(f"\nTraining speed, sequences per second, one thread ({sequences:,} sequences each):")
    print("| model | lag | batch | NumPy (ours) | PyTorch | NumPy / PyTorch |\n|---|---|---|---|---|---|")
    for model in ("lstm1997", "rnn"):
        for lag in lags:
            n = sequences if model == "lstm1997" else max(160, sequences // (lag // 100 or 1))
            numpy_speed(model, lag, 16), torch_speed(model, lag, 16)  # warm up both
            ours, theirs = numpy_speed(model, lag, n), torch_speed(model, lag, n)
            batch = TrainConfig(lag=lag, model=model).resolved().batch
            ratio = "torch not installed" if theirs is None else f"{ours / theirs:.1f}x"
            theirs_text = "-" if theirs is None else f"{theirs:,.0f}"
            print(f"| {model} | {lag:,} | {batch} | {ours:,.0f} | {theirs_text} | {ratio} |",
                  flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds for Exp. 2a (paper: 10)")
    parser.add_argument("--adding-seeds", type=int, default=5)
    parser.add_argument("--lags", default="10,100,1000")
    parser.add_argument("--models", default="lstm1997,forget,gru,rnn")
    parser.add_argument("--seconds", type=float, default=300.0,
                        help="wall budget per run at lag 1,000 (the lab's 5 minutes)")
    parser.add_argument("--slow-seeds", type=int, default=2,
                        help="seeds for rnn and gru at lag 1,000")
    parser.add_argument("--no-adding", action="store_true")
    parser.add_argument("--no-first-symbol", action="store_true")
    parser.add_argument("--budget", type=int, help="sequence budget of every run "
                        "(default: the task's, 200,000 for Exp. 2a, 300,000 for adding)")
    parser.add_argument("--recurrent-seeds", type=int,
                        help="seeds for rnn and gru below lag 1,000 (default: --seeds)")
    parser.add_argument("--adding-models", help="models for the adding problem (default: --models)")
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--speed-sequences", type=int, default=2000)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a TrainConfig field of every run (VALUE as JSON)")
    args = parser.parse_args()
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            OVERRIDES[key] = json.loads(value)
        except json.JSONDecodeError:
            OVERRIDES[key] = value
        TrainConfig(**{key: OVERRIDES[key]})  # an unknown field fails here, before any run
    lags = [int(v) for v in args.lags.split(",") if v]
    models = [m for m in args.models.split(",") if m]
    print(f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {machine()}, commit {commit()}"
          + (f", overrides {OVERRIDES}" if OVERRIDES else "") + "\n", flush=True)
    rows = []
    if not args.speed_only:
        for lag in lags if not args.no_first_symbol else []:
            for model in models:
                seeds = args.seeds
                if model in RECURRENT:
                    seeds = args.slow_seeds if lag >= 1000 else args.recurrent_seeds or seeds
                rows.append(row("first-symbol", lag, model, seeds,
                                args.seconds if lag >= 1000 else None, args.budget))
        if not args.no_adding:
            for model in (args.adding_models or args.models).split(","):
                rows.append(row("adding", 100, model, args.adding_seeds, None, args.budget))
        print()
        for r in {(r["task"], r["model"]): r for r in rows}.values():
            print(f"- {r['task']}: {describe(r)}")
        print()
        print(table(rows))
    if not args.no_speed:
        speed([100, 1000], args.speed_sequences)
    return 0


if __name__ == "__main__":
    sys.exit(main())
