// The connections that compute a gate from its weights: a line from the tape value x_t
// (weight w_x) and one from the previous output y_{t-1} (weight w_h) to each computed
// gate, thicker for larger weights; none for a gate set by its slider or a zero weight.
// Used by both drawings (the LSTM cell's and the GRU's); it knows only where things are.
import { el } from "./svg.js";
import { computedGates } from "./state.js";

/** Stroke width for a weight: 1.5 for tiny ones, growing with |w| up to 8. */
const widthOf = (w) => Math.min(8, 1.5 + 1.5 * Math.abs(w));

export class Connections {
  /**
   * parent: the SVG group to draw in; from: {x: [px, py], h: [px, py]} where the tape value
   * and the previous output leave; to(gate): [px, py] where a gate takes its inputs, or null.
   */
  constructor(parent, { from, to, bend = 120 }) {
    this.group = el("g", { class: "connections" }, parent);
    this.from = from;
    this.to = to;
    this.bend = bend;
    this.lines = new Map(); // "gate|source" -> path
  }

  line(gate, source) {
    const key = `${gate}|${source}`;
    if (!this.lines.has(key)) {
      const [x1, y1] = this.from[source];
      const [x2, y2] = this.to(gate);
      const cy = Math.max(y1, y2) + this.bend * (y2 < 120 ? -1.6 : 1) * (source === "h" ? 0.7 : 0.45);
      this.lines.set(key, el("path", { class: `connection from-${source} gate-${gate}`, "data-gate": gate,
        d: `M${x1} ${y1} Q ${(x1 + x2) / 2} ${cy} ${x2} ${y2}` }, this.group));
    }
    return this.lines.get(key);
  }

  /** Show the connections of this state's computed gates. */
  update(state) {
    const computed = new Set(computedGates(state).filter((g) => this.to(g)));
    for (const path of this.lines.values()) path.style.display = "none";
    for (const gate of computed) {
      for (const [source, entry] of [["x", "wx"], ["h", "wh"]]) {
        const w = state.weights[gate][entry];
        if (w === 0) continue;
        const path = this.line(gate, source);
        path.style.display = "";
        path.style.strokeWidth = widthOf(w);
        path.classList.toggle("negative", w < 0);
      }
    }
  }
}
