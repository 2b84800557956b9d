"""Request and response schemas of the public API. Ranges come from app.config."""

from typing import TYPE_CHECKING, Annotated, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from . import config as cfg
from .model.variants import SQUASH_NAMES, VARIANT, VARIANTS

# Strict: numbers must be JSON numbers (no "0.5" strings, no booleans), finite, and no
# field may appear that the schema does not name. Frozen: a request is a value.
STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, frozen=True)


def shared_default(model: type[BaseModel]):
    """A nested object's default: one frozen instance shared by every request (request
    models are frozen, so nothing can change it), shown as the default in the OpenAPI
    schema. A model instance given as `default` would be deep-copied on every validation,
    ~20 us of a ~100 us request."""
    instance = model()
    return Field(default_factory=lambda: instance, json_schema_extra={"default": instance.model_dump()})


SCHEMA_ROW = {
    "input": "input",
    "forget": "forget",
    "cell": "cell_input",
    "output": "output",
    "update": "update",
    "reset": "reset",
}  # request field -> model weight row
DEFAULT_WEIGHTS = {
    row: {"wx": 1.0 if row == "cell" else 0.0, "wh": 0.0, "b": 0.0, "wc": 0.0, **({"bh": 0.0} if row == "cell" else {})}
    for row in SCHEMA_ROW
}
_FIELD = {model_row: field for field, model_row in SCHEMA_ROW.items()}


def used_weights(variant: str) -> dict[str, tuple[str, ...]]:
    """Which weight entries a variant reads; every other entry must keep its default."""
    v = VARIANT[variant]
    used: dict[str, tuple[str, ...]] = {_FIELD[row]: ("wx", "wh", "b") for row in v.rows}
    if v.peepholes:
        used.update({g: ("wx", "wh", "b", "wc") for g in v.gates})
    if variant == "gru":
        used["cell"] += ("bh",)
    return used


def unused_weight_rules() -> dict:
    """The rule above as JSON Schema (OpenAPI 3.1 `if`/`then`): for each variant, the
    entries it does not read are `const` at their defaults. No `variant` means the default."""
    rules = []
    for variant in VARIANTS:
        used = used_weights(variant)
        rows = {
            row: {
                "properties": {
                    name: {"const": default} for name, default in entries.items() if name not in used.get(row, ())
                }
            }
            for row, entries in DEFAULT_WEIGHTS.items()
        }
        condition: dict = {"properties": {"variant": {"const": variant}}}
        if variant != cfg.VARIANT_DEFAULT:
            condition["required"] = ["variant"]
        rules.append({"if": condition, "then": {"properties": {"weights": {"properties": rows}}}})
    return {"allOf": rules}


def whole_number(value):
    """82.0 -> 82: JSON Schema's `integer` includes numbers with no fractional part."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


if TYPE_CHECKING:  # a type checker cannot read a Literal built at run time
    Variant = str
    SquashName = str
else:
    Variant = Literal[VARIANTS]  # declared once, in app/model/variants.py
    SquashName = Literal[SQUASH_NAMES]
GateValue = Annotated[float, Field(ge=cfg.GATE_MIN, le=cfg.GATE_MAX)]
TapeValue = Annotated[float, Field(ge=-cfg.TAPE_VALUE_LIMIT, le=cfg.TAPE_VALUE_LIMIT)]
StateValue = Annotated[float, Field(ge=-cfg.STATE_LIMIT, le=cfg.STATE_LIMIT)]
WeightValue = Annotated[float, Field(ge=-cfg.WEIGHT_LIMIT, le=cfg.WEIGHT_LIMIT)]
Schedule = Annotated[list[GateValue], Field(min_length=cfg.TAPE_MIN_STEPS, max_length=cfg.TAPE_MAX_STEPS)]
SelfLoop = Annotated[
    float,
    Field(
        cfg.SELF_LOOP_DEFAULT,
        ge=cfg.SELF_LOOP_MIN,
        le=cfg.SELF_LOOP_MAX,
        description="Fixed weight of the cell's self-loop (the RNN's recurrent weight for "
        "`rnn`). 1.0 is the constant error carousel; below 1 the memory leaks.",
    ),
]
VariantField = Annotated[
    Variant,
    Field(
        cfg.VARIANT_DEFAULT,
        description="`lstm1997`: input and output gates only; `forget`: "
        "adds the forget gate (2000); `peephole`: gates also see the state; `rnn`: no gates; "
        "`gru`: update and reset gates, h_t = (1 - z) h_{t-1} + z g(...), no self-loop.",
    ),
]
SquashField = Annotated[
    SquashName,
    Field(
        cfg.SQUASH_DEFAULT,
        description="Squashing of cell input g and output h: `identity` "
        "(the cell stores the tape's value itself), `tanh`, or the paper's `paper` "
        "(g = 4 sigmoid - 2, h = 2 sigmoid - 1). For `rnn` it is the activation; for `gru`, "
        "g squashes the candidate h~.",
    ),
]


class GateWeights(BaseModel):
    """Weights of one unit: net = wx*x_t + wh*y_{t-1} + b (+ wc*c for peepholes)."""

    model_config = STRICT
    wx: WeightValue = Field(0.0, description="Weight from the tape value x_t.")
    wh: WeightValue = Field(0.0, description="Weight from the previous output y_{t-1}.")
    b: WeightValue = Field(0.0, description="Bias.")
    wc: WeightValue = Field(0.0, description="Peephole weight from the stored value (`peephole` variant only).")


class CellInputWeights(GateWeights):
    wx: WeightValue = Field(1.0, description="Weight from x_t; 1 stores the tape value.")
    bh: WeightValue = Field(
        0.0,
        description="`gru` only: recurrent bias inside the reset, h~ = g(wx x + b + r (wh h + bh)) (PyTorch's b_hn).",
    )


class Weights(BaseModel):
    """One object per gate and one for the cell input; rows i, f, g, o of PyTorch's
    nn.LSTMCell(1, 1) weight_ih (wx), weight_hh (wh) and bias_ih (b). For `gru`, rows
    reset, update and cell are nn.GRUCell's r, z, n (see docs/api.md for the signs).
    Entries the variant does not read must keep their defaults (else 422)."""

    model_config = STRICT
    input: GateWeights = shared_default(GateWeights)
    forget: GateWeights = shared_default(GateWeights)
    cell: CellInputWeights = shared_default(CellInputWeights)
    output: GateWeights = shared_default(GateWeights)
    update: GateWeights = shared_default(GateWeights)
    reset: GateWeights = shared_default(GateWeights)


class Schedules(BaseModel):
    """Per-step gate activations in [0, 1], one per tape step. A gate with no schedule
    is computed from its weights."""

    model_config = STRICT
    input: Optional[Schedule] = None
    forget: Optional[Schedule] = None
    output: Optional[Schedule] = None
    update: Optional[Schedule] = Field(None, description="`gru`: how much of h~ is written.")
    reset: Optional[Schedule] = Field(None, description="`gru`: how much of h_{t-1} h~ sees.")


class GateValues(BaseModel):
    """This step's gate activations in [0, 1]; a gate left out is computed."""

    model_config = STRICT
    input: Optional[GateValue] = None
    forget: Optional[GateValue] = None
    output: Optional[GateValue] = None
    update: Optional[GateValue] = None
    reset: Optional[GateValue] = None


class State(BaseModel):
    model_config = STRICT
    c: StateValue = Field(0.0, description="Stored value c_{t-1} (h_{t-1} for `rnn`).")
    h: StateValue = Field(0.0, description="Previous output y_{t-1}.")


class RunRequest(BaseModel):
    model_config = ConfigDict(**STRICT, json_schema_extra=unused_weight_rules())
    variant: VariantField
    tape: list[TapeValue] = Field(
        min_length=cfg.TAPE_MIN_STEPS,
        max_length=cfg.TAPE_MAX_STEPS,
        description=f"Input value of each step, |x| <= {cfg.TAPE_VALUE_LIMIT:g}.",
        examples=[list(cfg.DEFAULT_TAPE)],
    )
    gates: Schedules = shared_default(Schedules)
    weights: Weights = shared_default(Weights)
    squash: SquashField
    self_loop: SelfLoop
    c0: StateValue = Field(0.0, description="Initial stored value.")
    h0: StateValue = Field(0.0, description="Initial output.")


class StepRequest(BaseModel):
    model_config = ConfigDict(**STRICT, json_schema_extra=unused_weight_rules())
    variant: VariantField
    x: TapeValue = Field(description="This step's input value.")
    gates: GateValues = shared_default(GateValues)
    weights: Weights = shared_default(Weights)
    squash: SquashField
    self_loop: SelfLoop
    state: State = shared_default(State)
    t: Annotated[int, BeforeValidator(whole_number)] = Field(
        1, ge=1, le=cfg.TAPE_MAX_STEPS, description="Step number echoed back."
    )


class Step(BaseModel):
    """Everything the cell computed at step t. Gates the variant lacks are null."""

    t: int = Field(description="1-based step number.")
    x: float
    input_gate: Optional[float]
    forget_gate: Optional[float] = Field(
        description="For `lstm1997`, the self-loop weight that multiplies the old state."
    )
    output_gate: Optional[float]
    update_gate: Optional[float] = Field(None, description="`gru` only (absent otherwise): z_t.")
    reset_gate: Optional[float] = Field(None, description="`gru` only (absent otherwise): r_t.")
    cell_input: Optional[float] = Field(description="g(z_t); h~_t for `gru`; null for `rnn`.")
    cell: float = Field(description="Stored value c_t (h_t for `rnn` and `gru`).")
    output: float = Field(description="Cell output y_t = o_t * h(c_t) (h_t for `rnn` and `gru`).")


class RunResponse(BaseModel):
    variant: Variant
    squash: SquashName
    steps: list[Step]
    error_flow: list[float] = Field(
        description="error_flow[t-1]: the factor by which an error at the last step's "
        "stored value is scaled on reaching step t's along the self-loop."
    )


class ErrorItem(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. `tape[3]`.")
    message: str
    type: str


class ErrorResponse(BaseModel):
    error: str
    message: str = Field(description="One plain sentence naming the field.")
    fields: list[str]
    detail: list[ErrorItem] = Field(description="The first problems (at most 10).")
    more: Optional[int] = Field(None, description="How many problems were not listed, if any.")
