// Words for what the diagram shows: the figure's text alternative, the equation line,
// and what a screen reader hears after each step.
import { fmt, pct, sub, weight } from "./format.js";
import { t } from "./i18n.js";

export function describeStep(state, step) {
  const gates = [`${t("gate.input")} ${pct(step.input_gate)}`, `${t("gate.output")} ${pct(step.output_gate)}`];
  if (state.variant !== "lstm1997") gates.splice(1, 0, `${t("gate.forget")} ${pct(step.forget_gate)}`);
  return t("describe.step", {
    step: step.t, steps: state.tape.length, gates: gates.join(", "),
    x: fmt(step.x), cell: fmt(step.cell), output: fmt(step.output), w: weight(state.selfLoop),
  });
}

/** c_t = (loop factor) * c_{t-1} + i * g(x) = ..., with the numbers of this step; g is named
 *  (with its value) whenever it squashes, so "0 × -0.199" never appears unexplained. */
export function equation(state, step, previousCell) {
  const carry = state.variant === "lstm1997" ? step.forget_gate : state.selfLoop * step.forget_gate;
  const g = state.squash === "identity" ? fmt(step.cell_input) : `g(${fmt(step.x)})`;
  const named = state.squash === "identity" ? "" : `, g(${fmt(step.x)}) = ${fmt(step.cell_input)}`;
  return `c${sub(step.t)} = ${fmt(carry)} × ${fmt(previousCell)} + ${fmt(step.input_gate)} × ${g}` +
    ` = ${fmt(step.cell)}${named}      y${sub(step.t)} = ${fmt(step.output_gate)} × h(${fmt(step.cell)}) = ${fmt(step.output)}`;
}
