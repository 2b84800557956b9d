"""The shape of a lesson file, with every rule a broken file could break.

Ranges come from app.config, gates from the model, languages from app.ui_strings, so a
lesson can never ask for what the sliders or the API would refuse.
"""

from typing import TYPE_CHECKING, Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .. import config as cfg
from ..model import SQUASHES, VARIANT
from ..model.cell import gates_of
from ..model.paths import error_paths
from ..ui_strings import CODES

STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
GateValue = Annotated[float, Field(ge=cfg.GATE_MIN, le=cfg.GATE_MAX)]
TapeValue = Annotated[float, Field(ge=-cfg.TAPE_VALUE_LIMIT, le=cfg.TAPE_VALUE_LIMIT)]
LoopValue = Annotated[float, Field(ge=cfg.SELF_LOOP_MIN, le=cfg.SELF_LOOP_MAX)]
WeightValue = Annotated[float, Field(ge=-cfg.WEIGHT_LIMIT, le=cfg.WEIGHT_LIMIT)]
if TYPE_CHECKING:  # a type checker cannot read a Literal built at run time
    MenuVariant = str
else:
    MenuVariant = Literal[tuple(cfg.page_config()["menu_variants"])]


class Text(BaseModel):
    """One text in every language of the page; none may be empty."""

    model_config = ConfigDict(extra="forbid", strict=True)
    en: str = Field(min_length=1)
    zh_hant: str = Field(alias="zh-Hant", min_length=1)
    zh_hans: str = Field(alias="zh-Hans", min_length=1)

    def get(self, lang: str) -> str:
        return {"en": self.en, "zh-Hant": self.zh_hant, "zh-Hans": self.zh_hans}[lang]

    @field_validator("en", "zh_hant", "zh_hans")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


assert set(CODES) == {"en", "zh-Hant", "zh-Hans"}, "Text needs a field for every language"


class Predict(BaseModel):
    """Ask the student for this quantity of the cell before the step is shown."""

    model_config = STRICT
    quantity: Literal["cell", "output"]


class Comparison(BaseModel):
    """A table the lesson shows, computed by the model (never typed into the lesson):
    `paths` is model.paths.error_paths(steps, w)."""

    model_config = STRICT
    kind: Literal["paths"]
    steps: int = Field(ge=1, le=cfg.TAPE_MAX_STEPS)
    w: float = Field(ge=cfg.SELF_LOOP_MIN, le=cfg.SELF_LOOP_MAX)

    def rows(self) -> list[dict]:
        return [p._asdict() for p in error_paths(self.steps, self.w)]


class LessonStep(BaseModel):
    """The text shown from step `at` on (1-based), and maybe a question asked before it."""

    model_config = STRICT
    at: int = Field(ge=1, le=cfg.TAPE_MAX_STEPS)
    text: Text
    predict: Optional[Predict] = None


class Lesson(BaseModel):
    """One guided lesson: the page's state at its start, and its texts.

    gates maps each gate the variant has to one activation in [0, 1] per tape step, or
    null for "carry the previous step's value" (as the page's gate schedules do).
    """

    model_config = STRICT
    id: str = Field(pattern=r"^[a-z0-9-]{1,40}$")
    order: int = Field(ge=1)
    title: Text
    summary: Text
    variant: MenuVariant
    squash: str
    self_loop: LoopValue = cfg.SELF_LOOP_DEFAULT
    rnn_self_loop: LoopValue = cfg.RNN_SELF_LOOP_DEFAULT
    tape: list[TapeValue] = Field(min_length=cfg.TAPE_MIN_STEPS, max_length=cfg.TAPE_MAX_STEPS)
    gates: dict[str, list[Optional[GateValue]]]
    computed: list[str] = []  # gates computed from `weights` instead of scheduled
    weights: dict[str, dict[str, WeightValue]] = {}  # as /api/run's weights (rows -> entries)
    comparison: Optional[Comparison] = None
    start_step: int = Field(1, ge=1)
    steps: list[LessonStep] = Field(min_length=1)

    @field_validator("squash")
    @classmethod
    def known_squash(cls, value: str) -> str:
        if value not in SQUASHES:
            raise ValueError(f"must be one of {', '.join(SQUASHES)}")
        return value

    @model_validator(mode="after")
    def consistent(self) -> "Lesson":
        n = len(self.tape)
        if not set(self.computed) <= set(gates_of(self.variant)):
            raise ValueError(f"computed gates must be among {list(gates_of(self.variant))}")
        wanted = set(gates_of(self.variant)) - set(self.computed)
        if set(self.gates) != wanted:
            raise ValueError(f"gates must be exactly {sorted(wanted)} for {self.variant}, not {sorted(self.gates)}")
        for gate, schedule in self.gates.items():
            if len(schedule) != n:
                raise ValueError(f"gates.{gate} has {len(schedule)} values; the tape has {n}")
        if self.start_step > n:
            raise ValueError(f"start_step {self.start_step} is past the tape's {n} steps")
        ats = [s.at for s in self.steps]
        if ats != sorted(set(ats)):
            raise ValueError(f"steps must be in increasing order of `at`, each once: {ats}")
        if ats[-1] > n:
            raise ValueError(f"steps[].at {ats[-1]} is past the tape's {n} steps")
        if ats[0] > self.start_step:
            raise ValueError("the first step text must be shown at or before start_step")
        for s in self.steps:
            if s.predict and s.at <= self.start_step:
                raise ValueError(
                    f"the question at step {s.at} could never be asked: the lesson starts at step {self.start_step}"
                )
        return self

    def effective(self, gate: str) -> list[float]:
        """The schedule with nulls filled by the previous value (the gate's default before
        the first value, as on the page)."""
        carried = cfg.GATE_DEFAULT[gate]
        values = []
        for v in self.gates[gate]:
            carried = carried if v is None else v
            values.append(carried)
        return values

    def run_body(self) -> dict:
        """The /api/run body the page sends for this lesson's setup."""
        body: dict[str, object] = {
            "variant": self.variant,
            "squash": self.squash,
            "tape": self.tape,
            "gates": {g: self.effective(g) for g in self.gates},
        }
        if VARIANT[self.variant].self_loop:
            body["self_loop"] = self.self_loop
        if self.weights:
            body["weights"] = self.weights
        return body


class LessonSummary(BaseModel):
    """One entry of GET /api/lessons, texts in the requested language."""

    id: str
    order: int
    title: str
    summary: str


class ResolvedPredict(BaseModel):
    quantity: Literal["cell", "output"]


class ResolvedStep(BaseModel):
    at: int
    text: str
    predict: Optional[ResolvedPredict] = None


class ResolvedLesson(LessonSummary):
    """GET /api/lessons/{id}: the whole lesson, texts in the requested language."""

    lang: str
    variant: str
    squash: str
    self_loop: float
    rnn_self_loop: float
    tape: list[float]
    gates: dict[str, list[Optional[float]]]
    computed: list[str] = []
    weights: dict[str, dict[str, float]] = {}
    comparison: Optional[list[dict]] = None  # rows {architecture, steps, survives}
    start_step: int
    steps: list[ResolvedStep]
