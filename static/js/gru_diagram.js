// The GRU's own drawing, in the cell diagram's SVG: one state line carrying h from
// h_{t-1} (left) to h_t (right); the update gate as a valve pair where that line meets
// the candidate's wire (keep 1 - z of the old value, write z of the candidate h~); the
// reset gate on the recurrent input h_{t-1} that feeds the candidate.
import { Connections } from "./connections.js";
import { el } from "./svg.js";
import { fmt, pct, sub } from "./format.js";
import { t } from "./i18n.js";

const LINE_Y = 92; // the state line
const WIRE_Y = 260; // the tape value's wire into the candidate
const BOX = { x: 470, y: 214, w: 150, h: 92 }; // the candidate h~
const MIX_X = 700; // where keeping and writing meet
const RESET = [330, 178]; // the reset gate, on the way down from the state line

export class GruDrawing {
  /** svg: the diagram's SVG; valve(parent, x, y, cls, options): the diagram's gate drawing. */
  constructor(svg, valve) {
    this.svg = svg;
    const g = (this.group = el("g", { class: "gru-drawing" }, svg));
    const arrow = `url(#${svg.id}-arrow)`;
    const line = (cls, x1, y1, x2, y2, marker = true) => el("line", { class: `wire ${cls}`, x1, y1, x2, y2,
      ...(marker ? { "marker-end": arrow } : {}) }, g);
    // The state line: h_{t-1} -> keep valve -> mix -> h_t.
    line("gru-state", 150, LINE_Y, 560, LINE_Y, false);
    this.keepWire = line("gru-state gru-keep", 600, LINE_Y, MIX_X - 6, LINE_Y);
    line("gru-state", MIX_X, LINE_Y, 806, LINE_Y);
    el("circle", { class: "gru-mix", cx: MIX_X, cy: LINE_Y, r: 9 }, g);
    // x_t -> candidate; candidate -> write valve -> mix.
    line("flow-in", 150, WIRE_Y, BOX.x - 4, WIRE_Y);
    el("path", { class: "wire", d: `M${BOX.x + BOX.w} ${WIRE_Y} H ${MIX_X} V ${LINE_Y + 58}` }, g);
    this.writeWire = line("gru-write", MIX_X, LINE_Y + 34, MIX_X, LINE_Y + 12);
    // The recurrent input: down from the state line through the reset gate into the candidate.
    el("path", { class: "wire gru-recurrent", d: `M${RESET[0]} ${LINE_Y} V ${RESET[1] - 30}` }, g);
    this.recurrentWire = el("path", { class: "wire gru-recurrent", "marker-end": arrow,
      d: `M${RESET[0]} ${RESET[1] + 30} V ${BOX.y + 24} H ${BOX.x - 4}` }, g);
    this.recurrentLabel = el("text", { class: "flow-label", x: RESET[0] - 14, y: LINE_Y + 30, "text-anchor": "end" }, g);
    // The candidate box.
    el("rect", { class: "gru-box", x: BOX.x, y: BOX.y, width: BOX.w, height: BOX.h, rx: 18 }, g);
    this.boxTitle = el("text", { class: "gru-box-title", x: BOX.x + BOX.w / 2, y: BOX.y + BOX.h + 30,
      "text-anchor": "middle" }, g);
    this.boxValue = el("text", { class: "candidate-value", x: BOX.x + BOX.w / 2, y: BOX.y + BOX.h / 2 + 14,
      "text-anchor": "middle" }, g);
    // Gates: reset on the recurrent input; update as two valves, keep (1 - z) and write (z).
    this.reset = valve(g, RESET[0], RESET[1], "gate-reset", { scale: 0.6, beside: true });
    this.keep = valve(g, 580, LINE_Y, "gate-update gru-keep-valve", { scale: 0.6 });
    this.write = valve(g, MIX_X, LINE_Y + 44, "gate-update gru-write-valve", { scale: 0.6, beside: true });
    // Chips: x_t in, h_{t-1} on the left of the state line, h_t (the output) on the right.
    this.inChip = chip(g, 20, WIRE_Y, "gru-in");
    this.prevChip = chip(g, 20, LINE_Y, "gru-prev");
    this.outChip = chip(g, 810, LINE_Y, "gru-out");
    this.connections = new Connections(g, {
      from: { x: [85, WIRE_Y + 44], h: [875, LINE_Y + 44] },
      to: (gate) => ({ reset: [RESET[0] - 12, RESET[1] + 26], update: [MIX_X + 12, LINE_Y + 70] })[gate] ?? null,
      bend: 70,
    });
    this.group.style.display = "none";
    this.shown = false;
  }

  /** Draw the GRU for view {state, step, previous (h_{t-1})}; the rest of the SVG is hidden
   *  while it shows. Returns whether it is showing. */
  update({ state, step, previous }) {
    const on = state.variant === "gru";
    if (on !== this.shown) {
      for (const child of this.svg.children) {
        if (child.tagName !== "defs" && child !== this.group) child.style.display = on ? "none" : "";
      }
      this.group.style.display = on ? "" : "none";
      this.shown = on;
    }
    if (!on) return false;
    const z = step.update_gate;
    this.reset.set(step.reset_gate);
    this.keep.set(1 - z);
    this.write.set(z);
    this.reset.label.textContent = t("gate.reset");
    this.keep.label.textContent = `${t("gru.keep")} 1 − z`;
    this.write.label.textContent = `${t("gate.update")} · ${t("gru.write")} z`;
    this.keep.value.textContent = pct(1 - z);
    this.keepWire.style.opacity = 0.25 + 0.75 * (1 - z);
    this.writeWire.style.opacity = 0.25 + 0.75 * z;
    this.recurrentWire.style.opacity = 0.25 + 0.75 * step.reset_gate;
    this.recurrentLabel.textContent = t("gru.recurrent", { t: sub(step.t - 1) });
    this.boxTitle.textContent = t("gru.candidate");
    this.boxValue.textContent = fmt(step.cell_input);
    this.inChip.label.textContent = `x${sub(step.t)}`;
    this.inChip.value.textContent = step.label ?? fmt(step.x);
    this.prevChip.label.textContent = `h${sub(step.t - 1)}`;
    this.prevChip.value.textContent = fmt(previous);
    this.outChip.label.textContent = `h${sub(step.t)}`;
    this.outChip.value.textContent = fmt(step.cell);
    if (state.computed) this.connections.update(state); // (the training lab's view has no modes)
    return true;
  }
}

function chip(parent, x, y, cls) {
  const g = el("g", { class: `chip ${cls}` }, parent);
  el("rect", { x, y: y - 44, width: 130, height: 88, rx: 14 }, g);
  const label = el("text", { class: "chip-label", x: x + 65, y: y - 14, "text-anchor": "middle" }, g);
  const value = el("text", { class: "chip-value", x: x + 65, y: y + 28, "text-anchor": "middle" }, g);
  return { label, value };
}
