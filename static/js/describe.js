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

/** c_t = (loop factor) * c_{t-1} + i * g = ..., with the numbers of this step. */
export function equation(state, step, previousCell) {
  const carry = state.variant === "lstm1997" ? step.forget_gate : state.selfLoop * step.forget_gate;
  return `c${sub(step.t)} = ${fmt(carry)} × ${fmt(previousCell)} + ${fmt(step.input_gate)} × ${fmt(step.cell_input)}` +
    ` = ${fmt(step.cell)}      y${sub(step.t)} = ${fmt(step.output_gate)} × h(${fmt(step.cell)}) = ${fmt(step.output)}`;
}
