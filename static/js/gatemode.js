// Gates that look at the input: each gate of the variant is either set by its slider at
// each step or computed from its weights, gate = sigmoid(w_x x_t + w_h y_{t-1} + b [+ w_c c]).
// This view wires each gate's switch and weight fields (and the cell input's) to the state,
// shows what a computed gate came to at the current step, and says whether peepholes act.
import { CONFIG, GATES } from "./config.js";
import { pct } from "./format.js";
import { t } from "./i18n.js";
import { computedGates } from "./state.js";

const $ = (id) => document.getElementById(id);
const limit = CONFIG.weight_limit;

export class GateModes {
  /** change(mutate) edits the state. */
  constructor({ change }) {
    for (const gate of GATES) {
      $(`gate-${gate}-computed`).addEventListener("change", (event) => change((s) => {
        s.computed = s.computed.filter((g) => g !== gate);
        if (event.target.checked) s.computed.push(gate);
      }));
    }
    this.fields = [...document.querySelectorAll("input[data-row][data-entry]")];
    for (const input of this.fields) {
      const { row, entry } = input.dataset;
      input.addEventListener("input", () => {
        const value = Number(input.value);
        if (input.value.trim() === "" || !Number.isFinite(value)) return; // keep the last good value
        change((s) => (s.weights[row][entry] = Math.min(limit, Math.max(-limit, value))));
      });
    }
  }

  /** view: {state, step (the current step of the run shown, or undefined)} */
  update({ state, step }) {
    const computed = computedGates(state);
    // Nothing here changes while a slider is dragged: redraw only when what it shows does.
    const shownValues = computed.map((g) => step?.[`${g}_gate`]);
    const key = JSON.stringify([state.variant, computed, state.weights, shownValues, t("gatemode.computed")]);
    if (key === this.key) return;
    this.key = key;
    const declared = CONFIG.variant[state.variant];
    for (const gate of GATES) {
      const on = computed.includes(gate);
      const slider = $(`gate-${gate}`);
      $(`gate-${gate}-computed`).checked = on;
      slider.disabled = on;
      $(`gate-${gate}-weights`).hidden = !on;
      $(`gate-${gate}-weights`).querySelector("legend").textContent = t("gatemode.weights", { gate: t(`gate.${gate}`) });
      const value = step?.[`${gate}_gate`];
      if (on && typeof value === "number") {
        slider.value = value;
        $(`gate-${gate}-value`).textContent = pct(value);
        slider.setAttribute("aria-valuetext", t("gatemode.computed_spoken", { gate: t(`gate.${gate}`), value: pct(value) }));
      }
    }
    for (const label of document.querySelectorAll(".weight-wc")) label.hidden = !declared.peepholes;
    for (const label of document.querySelectorAll(".weight-bh")) label.hidden = state.variant !== "gru";
    $("cell-weights").hidden = !(computed.length || state.variant === "gru");
    for (const input of this.fields) {
      const value = state.weights[input.dataset.row][input.dataset.entry];
      if (document.activeElement !== input && Number(input.value) !== value) input.value = value;
    }
    const note = $("peephole-note");
    note.hidden = !declared.peepholes;
    note.textContent = computed.length ? t("peephole.active") : t("peephole.idle");
  }
}
