"""Translate between API schemas and the model: requests in, JSON bytes out. The API
steps one cell, so it calls the model's one-cell float path (`model.one_cell`), which
`model.run` itself uses for one cell."""

from itertools import count
from math import isfinite

import orjson

from ..errors import FieldError
from ..model.one_cell import OneCellRun, run_one
from ..model.variants import GATES, VARIANT, gates_of
from ..schemas import DEFAULT_WEIGHTS, SCHEMA_ROW, RunRequest, StepRequest, used_weights

FIELD = {model_row: field for field, model_row in SCHEMA_ROW.items()}  # model weight row -> request field


def _schedules(req: RunRequest | StepRequest) -> dict:
    """The gates given a schedule (run) or a value (step), in field order."""
    return {g: v for g in GATES if (v := getattr(req.gates, g)) is not None}


def _check(req: RunRequest | StepRequest, steps: int | None) -> None:
    """Cross-field rules a single field's schema cannot state."""
    for gate, schedule in _schedules(req).items():
        if gate not in gates_of(req.variant):
            raise FieldError(f"gates.{gate}", f"the {req.variant} variant has no {gate} gate")
        if steps is not None and len(schedule) != steps:
            raise FieldError(f"gates.{gate}", f"has {len(schedule)} values; the tape has {steps}")
    if not VARIANT[req.variant].self_loop and req.self_loop != 1.0:
        raise FieldError("self_loop", f"is not used by the {req.variant} variant; leave it at 1")
    if "weights" not in req.model_fields_set:
        return  # the defaults, which every variant accepts
    used = used_weights(req.variant)
    for row, defaults in DEFAULT_WEIGHTS.items():
        entries = getattr(req.weights, row)
        for name, default in defaults.items():
            if name not in used.get(row, ()) and getattr(entries, name) != default:
                raise FieldError(
                    f"weights.{row}.{name}", f"is not used by the {req.variant} variant; leave it at its default"
                )


def _weights(req: RunRequest | StepRequest) -> tuple[tuple[float, ...], ...]:
    """w_x, w_h, b, w_c: four weights each, in the variant's row order (unused rows 0)."""
    if "weights" not in req.model_fields_set:
        return _DEFAULT
    order = _ORDER[req.variant]
    rows = [getattr(req.weights, FIELD[row]) if row else _ZERO for row in order]
    return tuple(tuple(getattr(w, name) for w in rows) for name in ("wx", "wh", "b", "wc"))


def _row_order(variant: str) -> tuple[str | None, ...]:
    """The model row at each of the four weight positions, None where unused."""
    rows = VARIANT[variant].rows
    if variant == "rnn":
        rows = {"input": 0, "forget": 1, "cell_input": 2, "output": 3}  # one used, others at defaults
    at = {k: row for row, k in rows.items()}
    return tuple(at.get(k) for k in range(4))


class _Zero:
    wx = wh = b = wc = 0.0


_ZERO = _Zero()
_ORDER = {variant: _row_order(variant) for variant in VARIANT}
# Shared by every request, so immutable: tuples, not lists (the same for every variant:
# the cell-input row is row 2 in each, and every other default weight is 0).
_DEFAULT = tuple(
    tuple(DEFAULT_WEIGHTS[FIELD[row]][name] if row else 0.0 for row in _ORDER["forget"])
    for name in ("wx", "wh", "b", "wc")
)


def _steps(trace: OneCellRun, tape: list[float], first_t: int) -> list[dict]:
    """One dict per step (the API's Step); raises FieldError if the stored value or the
    output overflowed."""
    if not (all(map(isfinite, trace.cell)) and all(map(isfinite, trace.output))):
        t = next(t for t, (c, y) in enumerate(zip(trace.cell, trace.output)) if not (isfinite(c) and isfinite(y)))
        if trace.update_gate is not None:  # gru: no self-loop; only weights can make h grow
            raise FieldError(
                "weights", f"the stored value overflowed at step {t + first_t}; use smaller weights", kind="overflow"
            )
        raise FieldError(
            "self_loop",
            f"the stored value overflowed at step {t + first_t}; use a smaller self_loop or smaller weights",
            kind="overflow",
        )
    # + 0.0 turns -0.0 into 0.0 so nobody sees a "negative zero" stored value.
    if trace.update_gate is not None:  # gru: h_t is both cell and output
        assert trace.reset_gate is not None and trace.cell_input is not None
        return [
            {
                "t": t,
                "x": x + 0.0,
                "input_gate": None,
                "forget_gate": None,
                "output_gate": None,
                "update_gate": z + 0.0,
                "reset_gate": r + 0.0,
                "cell_input": n + 0.0,
                "cell": h + 0.0,
                "output": h + 0.0,
            }
            for t, x, z, r, n, h in zip(
                count(first_t), tape, trace.update_gate, trace.reset_gate, trace.cell_input, trace.cell
            )
        ]
    if trace.input_gate is None:  # rnn: no gates, no cell input; h_t is both cell and output
        return [
            {
                "t": t,
                "x": x + 0.0,
                "input_gate": None,
                "forget_gate": None,
                "output_gate": None,
                "cell_input": None,
                "cell": h + 0.0,
                "output": h + 0.0,
            }
            for t, x, h in zip(count(first_t), tape, trace.cell)
        ]
    # The LSTM variants: every gate is reported (the 1997 cell's forget gate as its self-loop).
    assert trace.forget_gate is not None and trace.output_gate is not None and trace.cell_input is not None
    return [
        {
            "t": t,
            "x": x + 0.0,
            "input_gate": i + 0.0,
            "forget_gate": f + 0.0,
            "output_gate": o + 0.0,
            "cell_input": z + 0.0,
            "cell": c + 0.0,
            "output": y + 0.0,
        }
        for t, x, i, f, o, z, c, y in zip(
            count(first_t),
            tape,
            trace.input_gate,
            trace.forget_gate,
            trace.output_gate,
            trace.cell_input,
            trace.cell,
            trace.output,
        )
    ]


def _run(req: RunRequest | StepRequest, tape: list[float], schedules: dict, c0: float, h0: float):
    bh = req.weights.cell.bh if "weights" in req.model_fields_set else 0.0
    return run_one(
        tape,
        *_weights(req),
        bh=bh,
        variant=req.variant,
        squash=req.squash,
        self_loop=req.self_loop,
        schedules=schedules,
        c0=c0,
        h0=h0,
    )


def run(req: RunRequest) -> bytes:
    """POST /api/run: the whole trace as JSON bytes."""
    _check(req, len(req.tape))
    trace = _run(req, req.tape, _schedules(req), req.c0, req.h0)
    steps = _steps(trace, req.tape, 1)
    flow = [v + 0.0 for v in trace.error_flow()]
    return orjson.dumps({"variant": req.variant, "squash": req.squash, "steps": steps, "error_flow": flow})


def step(req: StepRequest) -> bytes:
    """POST /api/step: one step from a given state, as JSON bytes."""
    _check(req, None)
    schedules = {g: [v] for g, v in _schedules(req).items()}
    trace = _run(req, [req.x], schedules, req.state.c, req.state.h)
    return orjson.dumps(_steps(trace, [req.x], req.t)[0])
