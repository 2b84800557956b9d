"""LSTM against the plain RNN over several seeds and lags: a table shaped like the paper's."""

from dataclasses import replace
from typing import Callable

from .trainer import Result, TrainConfig, train


def compare(
    base: TrainConfig, models: list[str], lags: list[int], seeds: int, on_result: Callable[[Result], None] | None = None
) -> list[dict]:
    """Train every model at every lag with seeds 0 .. seeds-1; one row per (model, lag).

    Each row: model, lag, runs, solved, success (fraction), mean_sequences (mean of
    `sequences_to_solve` over solved runs, None if none), mean_seconds (over all runs).
    """
    rows = []
    for lag in lags:
        for model in models:
            results = []
            for seed in range(seeds):
                result, _ = train(replace(base, model=model, lag=lag, seed=seed))
                results.append(result)
                if on_result is not None:
                    on_result(result)
            solved = [r for r in results if r.solved]
            to_solve = [r.sequences_to_solve for r in solved if r.sequences_to_solve is not None]  # every solved run
            rows.append(
                {
                    "model": model,
                    "lag": lag,
                    "runs": len(results),
                    "solved": len(solved),
                    "success": len(solved) / len(results),
                    "mean_sequences": sum(to_solve) / len(to_solve) if to_solve else None,
                    "mean_seconds": sum(r.seconds for r in results) / len(results),
                }
            )
    return rows


def format_table(rows: list[dict]) -> str:
    """Plain-text table: model, lag, % solved, mean sequences to solve, mean seconds."""
    lines = [f"{'model':<10} {'lag':>5} {'solved':>10} {'mean sequences':>15} {'mean s':>8}"]
    for r in rows:
        mean = "-" if r["mean_sequences"] is None else f"{r['mean_sequences']:,.0f}"
        solved = f"{r['solved']}/{r['runs']} {100 * r['success']:.0f}%"
        lines.append(f"{r['model']:<10} {r['lag']:>5} {solved:>10} {mean:>15} {r['mean_seconds']:>8.1f}")
    return "\n".join(lines)
