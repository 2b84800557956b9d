"""`lstm-cell-lab train`: train one network, or compare LSTM with the plain RNN."""

import argparse
import json
import sys

from .blas import single_thread_env

single_thread_env()  # before NumPy loads: small matrices train fastest on one thread

from .. import config as cfg  # noqa: E402  (NumPy is imported from here on)
from ..model import VARIANTS, SQUASHES  # noqa: E402


def _int_in(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..{high}")
        return value

    return parse


def _int_list(low: int, high: int):
    one = _int_in(low, high)
    return lambda text: [one(part) for part in text.split(",") if part.strip()]


def train_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lstm-cell-lab train", description="Train a cell on the 1997 paper's long-time-lag tasks (pure NumPy)."
    )
    parser.add_argument(
        "--task",
        choices=cfg.TRAIN_TASKS,
        default="first-symbol",
        help="first-symbol: Exp. 2a, remember the first of p symbols; "
        "adding: the 1997 adding problem (default first-symbol)",
    )
    parser.add_argument(
        "--lag",
        type=_int_in(cfg.TRAIN_LAG_MIN, cfg.TRAIN_LAG_MAX),
        default=cfg.TRAIN_LAG_DEFAULT,
        help="lag p (first-symbol) or minimal length T (adding); default 100",
    )
    parser.add_argument("--model", choices=VARIANTS, default="lstm1997")
    parser.add_argument("--seed", type=_int_in(0, cfg.TRAIN_SEED_MAX), default=0)
    parser.add_argument(
        "--budget",
        type=_int_in(cfg.TRAIN_BUDGET_MIN, cfg.TRAIN_BUDGET_MAX),
        help="training sequences before giving up (default: 200,000 for first-symbol, 300,000 for adding)",
    )
    parser.add_argument(
        "--window",
        type=_int_in(1, cfg.TRAIN_WINDOW_MAX),
        help="consecutive sequences within tolerance that count as solved "
        "(default: the paper's, 10,000 for first-symbol, 2,000 for adding)",
    )
    parser.add_argument(
        "--batch",
        type=_int_in(1, 1024),
        help="sequences per weight update (default 1, online, for first-symbol cells; 16 otherwise)",
    )
    parser.add_argument(
        "--cells", type=_int_in(1, 64), default=None, help="memory cells (default 1 for first-symbol cells, else 4)"
    )
    parser.add_argument(
        "--recurrent",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="connect the cells' outputs back to their gates and inputs "
        "(default: off for first-symbol cells, on otherwise)",
    )
    parser.add_argument(
        "--squash",
        choices=list(SQUASHES),
        help="g and h of the cells (default: logistic for first-symbol "
        "cells, identity for adding; tanh for rnn and gru)",
    )
    parser.add_argument(
        "--optimizer",
        choices=cfg.TRAIN_OPTIMIZERS,
        default="adam",
        help="adam, or sgd: plain gradient descent as in the paper",
    )
    parser.add_argument(
        "--lr", type=float, help="step size (default: Adam 0.05 for first-symbol, 0.03 for adding; sgd 1.0 and 0.5)"
    )
    parser.add_argument(
        "--gate-bias",
        type=float,
        help="first bias of input and output gates (default "
        f"{cfg.TRAIN_GATE_BIAS['clear']} for first-symbol cells, else "
        f"{cfg.TRAIN_GATE_BIAS['recurrent']})",
    )
    parser.add_argument(
        "--forget-bias",
        type=float,
        help="first bias of the forget gate (forget and peephole; default "
        f"{cfg.TRAIN_FORGET_BIAS['first-symbol']} for first-symbol, {cfg.TRAIN_FORGET_BIAS['adding']} for adding)",
    )
    parser.add_argument(
        "--learn-h0",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="learn the outputs y_0 every sequence starts from (the paper: fixed at 0); "
        "default: on for adding, off for first-symbol",
    )
    parser.add_argument(
        "--init",
        type=float,
        help="weights start uniform in [-init, init] (default 1.0 for rnn and gru, 0.2 for the cells)",
    )
    parser.add_argument("--seconds", type=float, help="wall-time budget: give up after this many seconds")
    parser.add_argument("--json", action="store_true", help="print only one JSON object")
    parser.add_argument(
        "--compare", action="store_true", help="compare models over --lags and --seeds and print a table"
    )
    parser.add_argument(
        "--lags",
        type=_int_list(cfg.TRAIN_LAG_MIN, cfg.TRAIN_LAG_MAX),
        default=[10, 50, 100],
        help="comma-separated lags for --compare",
    )
    parser.add_argument(
        "--seeds", type=_int_in(1, 100), default=5, help="seeds 0..N-1 per lag and model for --compare (default 5)"
    )
    parser.add_argument(
        "--models", default="lstm1997,rnn", help="comma-separated models for --compare (default lstm1997,rnn)"
    )
    return parser


def main(argv: list[str]) -> int:
    from .compare import compare, format_table
    from .trainer import TrainConfig, train

    parser = train_parser()
    args = parser.parse_args(argv)
    if args.task == "adding" and args.lag < 2:
        parser.error("argument --lag: the adding problem needs a length of at least 2")
    for flag, value in (("--lr", args.lr), ("--seconds", args.seconds)):
        if value is not None and not value > 0:
            parser.error(f"argument {flag}: must be positive")
    if args.init is not None and not 0 <= args.init <= 10:
        parser.error("argument --init: must be in 0..10")
    config = TrainConfig(
        task=args.task,
        lag=args.lag,
        model=args.model,
        seed=args.seed,
        budget=args.budget,
        batch=args.batch,
        cells=args.cells,
        squash=args.squash,
        lr=args.lr,
        window=args.window,
        recurrent=args.recurrent,
        optimizer=args.optimizer,
        gate_bias=args.gate_bias,
        forget_bias=args.forget_bias,
        learn_h0=args.learn_h0,
        init=args.init,
        max_seconds=args.seconds,
    )
    if args.compare:
        models = [m.strip() for m in args.models.split(",") if m.strip()]
        bad = [m for m in models if m not in VARIANTS]
        if bad or not models:
            parser.error(f"argument --models: unknown model {bad[0] if bad else '(none)'}")
        say = (
            (lambda r: None)
            if args.json
            else (
                lambda r: print(
                    f"  {r.model} lag {r.lag} seed {r.seed}: {r.status}, {r.sequences_to_solve or '-'} "
                    f"sequences to solve, {r.sequences:,} in all, {r.seconds:.1f} s",
                    flush=True,
                )
            )
        )
        rows = compare(config, models, args.lags, args.seeds, on_result=say)
        print(json.dumps(rows) if args.json else format_table(rows))
        return 0

    def show(p):
        print(
            f"{p.sequences:>9,} sequences  loss {p.loss:.4f}  error {p.error:.3f}  "
            f"within tolerance {100 * p.solved_fraction:5.1f}%",
            flush=True,
        )

    result, _ = train(config, on_progress=None if args.json else show, report_seconds=1.0)
    if args.json:
        print(json.dumps(result.as_dict()))
    else:
        before = (
            "" if result.sequences_to_solve is None else f", {result.sequences_to_solve:,} before the winning window"
        )
        print(
            f"{result.status}: {result.task} lag {result.lag}, {result.model}, seed "
            f"{result.seed}: {result.sequences:,} sequences{before} (window "
            f"{result.window:,}, tolerance {result.tolerance}) in {result.seconds:.1f} s, "
            f"final error {result.final_error:.4f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
