"""Translate between API schemas and the NumPy model: requests in, JSON bytes out."""

from itertools import repeat

import numpy as np
import orjson

from ..errors import FieldError
from .. import model
from ..model import Trace, Weights
from ..model.cell import ROWS, gates_of
from ..schemas import RunRequest, StepRequest

STEP_FIELDS = ("t", "x", "input_gate", "forget_gate", "output_gate", "cell_input", "cell", "output")
SCHEMA_ROW = {"input": "input", "forget": "forget", "cell": "cell_input", "output": "output"}
DEFAULT_WEIGHTS = {row: {"wx": 1.0 if row == "cell" else 0.0, "wh": 0.0, "b": 0.0, "wc": 0.0}
                   for row in SCHEMA_ROW}


def _used_weights(variant: str) -> dict[str, tuple[str, ...]]:
    """Which weight entries a variant reads; every other entry must keep its default."""
    if variant == "rnn":
        return {"cell": ("wx", "wh", "b")}
    used = {row: ("wx", "wh", "b") for row in ("cell", *gates_of(variant))}
    if variant == "peephole":
        used.update({g: ("wx", "wh", "b", "wc") for g in gates_of(variant)})
    return used


def _schedules(req: RunRequest | StepRequest) -> dict:
    """The gates given a schedule (run) or a value (step), in field order."""
    return {g: v for g in ("input", "forget", "output") if (v := getattr(req.gates, g)) is not None}


def _check(req: RunRequest | StepRequest, steps: int | None) -> None:
    """Cross-field rules a single field's schema cannot state."""
    for gate, schedule in _schedules(req).items():
        if gate not in gates_of(req.variant):
            raise FieldError(f"gates.{gate}", f"the {req.variant} variant has no {gate} gate")
        if steps is not None and len(schedule) != steps:
            raise FieldError(f"gates.{gate}", f"has {len(schedule)} values; the tape has {steps}")
    if "weights" not in req.model_fields_set:
        return  # the defaults, which every variant accepts
    used = _used_weights(req.variant)
    for row, defaults in DEFAULT_WEIGHTS.items():
        entries = getattr(req.weights, row)
        for name, default in defaults.items():
            if name not in used.get(row, ()) and getattr(entries, name) != default:
                raise FieldError(f"weights.{row}.{name}",
                                 f"is not used by the {req.variant} variant; leave it at its default")


def _weights(req: RunRequest | StepRequest) -> Weights:
    if "weights" not in req.model_fields_set:
        return _DEFAULT  # the model mutates nothing, so one copy serves every request
    rows = {SCHEMA_ROW[row]: getattr(req.weights, row) for row in SCHEMA_ROW}
    return Weights.scalar({row: {name: getattr(w, name) for name in ("wx", "wh", "b", "wc")}
                           for row, w in rows.items()})


_DEFAULT = Weights.scalar({SCHEMA_ROW[row]: entries for row, entries in DEFAULT_WEIGHTS.items()})
for _array in vars(_DEFAULT).values():
    _array.flags.writeable = False  # shared by requests: a write would raise, not leak


def _steps(trace: Trace, first_t: int) -> list[dict]:
    """One dict per step, STEP_FIELDS in order; raises FieldError if the stored value or
    the output overflowed. All columns go through one array, converted to floats at once."""
    present = [name for name in STEP_FIELDS[1:] if getattr(trace, name) is not None]
    # + 0.0 turns -0.0 into 0.0 so nobody sees a "negative zero" stored value.
    table = np.stack([getattr(trace, name)[:, 0, 0] for name in present]) + 0.0
    finite = np.isfinite(table[-2:])  # cell and output (STEP_FIELDS ends with them)
    if not finite.all():
        step = int(np.argmin(finite.all(axis=0))) + 1
        raise FieldError("self_loop", f"the stored value overflowed at step {step}; "
                         "use a smaller self_loop or smaller weights", kind="overflow")
    values = dict(zip(present, table.tolist()))
    columns = [range(first_t, first_t + len(trace.x)),
               *(values.get(name, repeat(None)) for name in STEP_FIELDS[1:])]
    return [dict(zip(STEP_FIELDS, row)) for row in zip(*columns)]


def run(req: RunRequest) -> bytes:
    """POST /api/run: the whole trace as JSON bytes."""
    _check(req, len(req.tape))
    schedules = {g: np.asarray(s, dtype=float).reshape(-1, 1, 1) for g, s in _schedules(req).items()}
    trace = model.run(
        np.asarray(req.tape, dtype=float).reshape(-1, 1, 1), _weights(req),
        variant=req.variant, squash=req.squash, self_loop=req.self_loop, schedules=schedules,
        c0=np.array([[req.c0]]), h0=np.array([[req.h0]]),
    )
    steps = _steps(trace, 1)
    flow = (trace.error_flow()[:, 0, 0] + 0.0).tolist()
    return orjson.dumps({"variant": req.variant, "squash": req.squash,
                         "steps": steps, "error_flow": flow})


def step(req: StepRequest) -> bytes:
    """POST /api/step: one step from a given state, as JSON bytes."""
    _check(req, None)
    schedules = {g: np.array([[[v]]]) for g, v in _schedules(req).items()}
    trace = model.run(
        np.array([[[req.x]]]), _weights(req), variant=req.variant, squash=req.squash,
        self_loop=req.self_loop, schedules=schedules,
        c0=np.array([[req.state.c]]), h0=np.array([[req.state.h]]),
    )
    return orjson.dumps(_steps(trace, req.t)[0])


assert tuple(SCHEMA_ROW.values()) == ROWS
