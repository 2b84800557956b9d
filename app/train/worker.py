"""A training process: `python -m app.train.worker '<config JSON>'`.

Trains, then plays the demo. Writes one JSON object per line to stdout: {"progress": {...}}
at most every PROGRESS_SECONDS, then {"done": {...}} or {"error": "..."}. A line `cancel` on
stdin, or stdin closing (the server went away), stops training at the next batch.
"""

import json
import math
import signal
import sys
import threading
from dataclasses import asdict

from .blas import single_thread_env

single_thread_env()  # before NumPy loads

from .demo import demo  # noqa: E402
from .tasks import make_task  # noqa: E402
from .trainer import Progress, TrainConfig, train  # noqa: E402

PROGRESS_SECONDS = 0.1  # at most ~10 progress events a second


def progress_dict(p: Progress) -> dict:
    """Progress as JSON-safe values (a non-finite number becomes None)."""
    return {k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in asdict(p).items()}


def _send(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _watch_stdin(cancel: threading.Event) -> None:
    for line in sys.stdin:
        if line.strip() == "cancel":
            break
    cancel.set()


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the server's; it stops us
    cancel = threading.Event()
    threading.Thread(target=_watch_stdin, args=(cancel,), daemon=True).start()
    try:
        settings = TrainConfig(**json.loads(argv[0]))
        result, net = train(
            settings,
            on_progress=lambda p: _send({"progress": progress_dict(p)}),
            cancel=cancel,
            report_seconds=PROGRESS_SECONDS,
        )
        done = result.as_dict()
        done["demo"] = demo(net, make_task(settings.task, settings.lag), settings.seed)
        _send({"done": done})
    except Exception as exc:  # reported to the job
        _send({"error": f"{type(exc).__name__}: {exc}"})
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
