// Words for what the diagram shows: the figure's text alternative, the equation line,
// and what a screen reader hears after each step.
import { gatesOf, hasForget } from "./config.js";
import { fmt, pct, sub, weight } from "./format.js";
import { t } from "./i18n.js";

export function describeStep(state, step) {
  const gates = gatesOf(state.variant).map((g) => `${t(`gate.${g}`)} ${pct(step[`${g}_gate`])}`).join(", ");
  const common = { step: step.t, steps: state.tape.length, gates, x: fmt(step.x), cell: fmt(step.cell) };
  if (state.variant === "gru") return t("describe.gru_step", { ...common, candidate: fmt(step.cell_input) });
  return t("describe.step", { ...common, output: fmt(step.output), w: weight(state.selfLoop) });
}

/** The step's equations, each a string: c_t = (loop factor) * c_{t-1} + i * g(x) = ... and
 *  y_t = o * h(c_t) = ..., with the numbers of this step; g is named (with its value)
 *  whenever it squashes, so "0 × -0.199" never appears unexplained.
 *  For the GRU: h_t = (1 - z) * h_{t-1} + z * h~_t. */
export function equations(state, step, previousCell) {
  const n = sub(step.t);
  if (state.variant === "gru") {
    const z = step.update_gate;
    return [`h${n} = (1 − ${fmt(z)}) × ${fmt(previousCell)} + ${fmt(z)} × ${fmt(step.cell_input)} = ${fmt(step.cell)}`];
  }
  const carry = hasForget(state.variant) ? state.selfLoop * step.forget_gate : step.forget_gate;
  const g = state.squash === "identity" ? fmt(step.cell_input) : `g(${fmt(step.x)})`;
  const named = state.squash === "identity" ? "" : `, g(${fmt(step.x)}) = ${fmt(step.cell_input)}`;
  return [
    `c${n} = ${fmt(carry)} × ${fmt(previousCell)} + ${fmt(step.input_gate)} × ${g} = ${fmt(step.cell)}${named}`,
    `y${n} = ${fmt(step.output_gate)} × h(${fmt(step.cell)}) = ${fmt(step.output)}`,
  ];
}
