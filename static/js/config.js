// The ranges and defaults of app/config.py, embedded in the page by the template; the
// variants (their gates, forget gate, peepholes, weight rows) as app/model/variants.py
// declares them.
export const CONFIG = JSON.parse(document.getElementById("lab-config").textContent);

// localStorage: the class this browser teaches (class-teacher.js), so a reload takes it up again.
export const TEACHING_KEY = "lstm-lab.class";

export const GATES = CONFIG.gates; // every gate any variant has
export const GATE_DEFAULT = CONFIG.gate_default; // closed, keep, closed; GRU: keep, let h_{t-1} in

/** The gates a variant has (the 1997 cell has no forget gate, a plain RNN none). */
export function gatesOf(variant) {
  return CONFIG.variant[variant]?.gates ?? [];
}

/** Whether a forget gate multiplies the old stored value. */
export const hasForget = (variant) => Boolean(CONFIG.variant[variant]?.has_forget);
