"""Every range and default that the validator and the page share: one home, so the
sliders and the API can never disagree. The page reads `page_config()` via the template."""

from typing import TypedDict

from .model import SQUASHES, VARIANTS
from .model.variants import GATES, declaration

TAPE_MIN_STEPS = 1
TAPE_MAX_STEPS = 1000  # the paper's longest lag
TAPE_VALUE_LIMIT = 100.0  # |x| bound: keeps every stored value finite
DEFAULT_TAPE = (0.5, -0.3, 0.8, 0.1, 0.2, -0.5, 0.9, 0.0, 0.3, -0.2, 0.4, 0.6)
TAPE_VALUE_STEP = 0.1

GATE_MIN, GATE_MAX, GATE_STEP = 0.0, 1.0, 0.01
GATE_KEY_STEP, GATE_FINE_STEP, GATE_COARSE_STEP = 0.05, 0.01, 0.25  # arrow, Shift+arrow, Page
# A gate's value before anything sets it: input and output closed, forget keeping, the
# GRU keeping (update 0) with its recurrent input let through (reset 1).
GATE_DEFAULT = {"input": 0.0, "forget": 1.0, "output": 0.0, "update": 0.0, "reset": 1.0}

SELF_LOOP_MIN, SELF_LOOP_MAX, SELF_LOOP_STEP = 0.0, 1.5, 0.01
SELF_LOOP_DEFAULT = 1.0  # the constant error carousel
RNN_SELF_LOOP_DEFAULT = 0.9

WEIGHT_LIMIT = 50.0  # |wx|, |wh|, |b|, |wc|
STATE_LIMIT = 100.0  # |c0|, |h0| and the state fed to /api/step

# The cell's fill is drawn against a fixed range ±scale (the user picks it), never one that
# depends on later steps; a stored value beyond it fills the tank and is marked.
FILL_SCALES, FILL_SCALE_DEFAULT = (1, 2, 5, 10, 20, 50, 100), 1

# Playback speeds in steps per second: 64/s plays 1,000 steps in about 16 s.
PLAY_SPEEDS, PLAY_SPEED_DEFAULT = (0.5, 1, 2, 4, 8, 16, 32, 64), 2

VARIANT_DEFAULT = "lstm1997"
SQUASH_DEFAULT = "identity"

# Controls a teacher link can hide: each matches a data-control="..." in the page.
HIDEABLE_CONTROLS = (
    "input",
    "output",
    "forget",
    "playback",
    "tape-tools",
    "variant",
    "squash",
    "language",
    "lessons",
    "help",
    "rnn",
    "self-loop",
    "timeline",
    "download",
    "teacher",
    "train",
    "update",
    "reset",
)

# The training lab: the lag (or adding-problem length) a user may ask for, and seeds.
TRAIN_LAG_MIN, TRAIN_LAG_MAX, TRAIN_LAG_DEFAULT = 1, 1000, 100
TRAIN_SEED_MAX = 2**31 - 1
TRAIN_TASKS = ("first-symbol", "adding")
TRAIN_MODELS = ("lstm1997", "forget", "peephole", "rnn", "gru")
TRAIN_BUDGET_MIN, TRAIN_BUDGET_MAX = 1, 500_000  # training sequences (the page offers the same cap)
TRAIN_BUDGET_DEFAULT = {"first-symbol": 200_000, "adding": 300_000}


class PaperCriterion(TypedDict):  # the fields of app/train/criterion.Criterion
    window: int
    tolerance: float
    mean_squared_limit: float | None


# The paper's stopping rules (app/train/criterion.py): Exp. 2a every output within 0.25 on
# 10,000 consecutive sequences; Exp. 4 the latest 2,000 within 0.04 and their mean squared
# error below 0.01.
TRAIN_PAPER_CRITERION: dict[str, PaperCriterion] = {
    "first-symbol": {"window": 10_000, "tolerance": 0.25, "mean_squared_limit": None},
    "adding": {"window": 2_000, "tolerance": 0.04, "mean_squared_limit": 0.01},
}
TRAIN_WINDOW_MAX = 100_000
# Sequences per update: online (1, as the paper) for the one clear cell, whose fast path
# costs little per sequence; batches for recurrent networks, stepped in Python per step.
TRAIN_BATCH_ONLINE, TRAIN_BATCH_RECURRENT = 1, 16
TRAIN_LR_DEFAULT = {"adam": {"first-symbol": 0.05, "adding": 0.03}, "sgd": {"first-symbol": 1.0, "adding": 0.5}}
TRAIN_GATE_BIAS = {"clear": -9.0, "recurrent": -1.0}  # input and output gates' first bias
# The forget gate's first bias. Exp. 2a's one cell: 2 (open, the usual 1 to 2). Adding: 5;
# at 2 the stored sum faded over the lag of 100 (sigmoid(2)^100 = 3e-6; sigmoid(5)^100 = 0.51).
TRAIN_FORGET_BIAS = {"first-symbol": 2.0, "adding": 5.0}
# Whether the outputs y_0 every sequence starts from are learned (a modern choice the paper
# did not make: its y_0 is 0). Adding: on; a mark on the very first pair, whose value counts
# as 0, is otherwise hard to tell from a later one. Exp. 2a: off, the paper's cell as it was.
TRAIN_LEARN_H0 = {"first-symbol": False, "adding": True}
# Weights start uniform in [-init, init]. The RNN and the GRU have no carousel: from 0.2
# their error fades within ten steps and they failed even lag 10; from 1.0 they learn it.
TRAIN_INIT = {"cells": 0.2, "rnn": 1.0, "gru": 1.0}
TRAIN_OPTIMIZERS = ("adam", "sgd")
TRAIN_HISTORY_POINTS = 400  # progress points a job keeps for a page that (re)connects
TRAIN_MAX_JOBS = 2  # training jobs at once: one per core of a 2-core laptop
TRAIN_KEEP_SECONDS = 600  # how long finished jobs stay readable
TRAIN_KEEP_PER_CLIENT = 8  # finished jobs kept per client: a client's flood evicts only its own
TRAIN_KEEP_JOBS = 2000  # finished jobs kept at most in all (a memory bound, ~20 MB)

MAX_BODY_BYTES = 256 * 1024  # a 1000-step run with three schedules is about 100 KB
assert VARIANT_DEFAULT in VARIANTS and SQUASH_DEFAULT in SQUASHES


def page_config() -> dict:
    """The ranges and defaults the page needs, as plain JSON-able values."""
    return {
        "tape": {
            "min_steps": TAPE_MIN_STEPS,
            "max_steps": TAPE_MAX_STEPS,
            "value_limit": TAPE_VALUE_LIMIT,
            "value_step": TAPE_VALUE_STEP,
            "default": list(DEFAULT_TAPE),
        },
        "gate": {
            "min": GATE_MIN,
            "max": GATE_MAX,
            "step": GATE_STEP,
            "key_step": GATE_KEY_STEP,
            "fine_step": GATE_FINE_STEP,
            "coarse_step": GATE_COARSE_STEP,
        },
        "gate_default": GATE_DEFAULT,
        "self_loop": {
            "min": SELF_LOOP_MIN,
            "max": SELF_LOOP_MAX,
            "step": SELF_LOOP_STEP,
            "default": SELF_LOOP_DEFAULT,
            "rnn_default": RNN_SELF_LOOP_DEFAULT,
        },
        "variants": list(VARIANTS),
        "variant_default": VARIANT_DEFAULT,
        "gates": list(GATES),
        "variant": declaration(),  # gates, forget gate, peepholes, rows, self-loop of each
        "menu_variants": [v for v in VARIANTS if v != "rnn"],  # the plain RNN runs beside the cell
        "squashes": list(SQUASHES),
        "squash_default": SQUASH_DEFAULT,
        "hideable": list(HIDEABLE_CONTROLS),
        "weight_limit": WEIGHT_LIMIT,
        "fill": {"scales": list(FILL_SCALES), "default": FILL_SCALE_DEFAULT},
        "speed": {"choices": list(PLAY_SPEEDS), "default": PLAY_SPEED_DEFAULT},
        "train": {
            "lag_min": TRAIN_LAG_MIN,
            "lag_max": TRAIN_LAG_MAX,
            "lag_default": TRAIN_LAG_DEFAULT,
            "seed_max": TRAIN_SEED_MAX,
            "budget_max": TRAIN_BUDGET_MAX,
            "tasks": list(TRAIN_TASKS),
            "models": list(TRAIN_MODELS),
        },
    }
