// The ranges and defaults of app/config.py, embedded in the page by the template.
export const CONFIG = JSON.parse(document.getElementById("lab-config").textContent);

export const GATES = ["input", "forget", "output"];
export const GATE_DEFAULT = { input: 0, forget: 1, output: 0 }; // closed, keep, closed

/** The gates a variant has (the 1997 cell has no forget gate, a plain RNN none). */
export function gatesOf(variant) {
  return { lstm1997: ["input", "output"], rnn: [] }[variant] ?? GATES;
}
