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

/** c_t = (loop factor) * c_{t-1} + i * g = ..., with the numbers of this step
 *  (for the GRU: h_t = (1 - z) * h_{t-1} + z * h~_t). */
export function equation(state, step, previousCell) {
  const n = sub(step.t);
  if (state.variant === "gru") {
    const z = step.update_gate;
    return `h${n} = (1 − ${fmt(z)}) × ${fmt(previousCell)} + ${fmt(z)} × ${fmt(step.cell_input)} = ${fmt(step.cell)}`;
  }
  const carry = hasForget(state.variant) ? state.selfLoop * step.forget_gate : step.forget_gate;
  return `c${n} = ${fmt(carry)} × ${fmt(previousCell)} + ${fmt(step.input_gate)} × ${fmt(step.cell_input)}` +
    ` = ${fmt(step.cell)}      y${n} = ${fmt(step.output_gate)} × h(${fmt(step.cell)}) = ${fmt(step.output)}`;
}
