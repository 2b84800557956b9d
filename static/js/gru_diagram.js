// The GRU's own drawing, in the cell diagram's SVG: one state line carrying h from
// h_{t-1} (left) to h_t (right); the update gate as a valve pair where that line meets
// the candidate's wire (keep 1 - z of the old value, write z of the candidate h~); the
// reset gate on the recurrent input h_{t-1} that feeds the candidate.
import { Connections } from "./connections.js";
import { el } from "./svg.js";
import { fmt, pct, sub } from "./format.js";
import { t } from "./i18n.js";

const LINE_Y = 110; // the state line
const BOX = { x: 430, y: 200, w: 150, h: 120 }; // the candidate h~
const X_Y = 290; // the tape value's wire into the candidate
const REC_Y = 226; // the recurrent input's wire into the candidate
const OUT_Y = BOX.y + BOX.h / 2; // the candidate's wire out, to the write valve
const MIX_X = 720; // where keeping and writing meet
const DOWN_X = 300; // where the recurrent input leaves the state line
const PHONE = "(max-width: 600px)"; // app.css's phone rule: the words grow to 34 units

// Where the words go, as [x, y, text-anchor]: a valve's label and value relative to the
// valve, the rest in the SVG's units. `wide` is for the desktop's 22-24 unit words; `large`
// for a phone's 34 and a projector's 31-34, which would run into each other there: each
// valve's label and value go on one line, or beside a wire, where the room is.
const LAYOUT = {
  wide: {
    resetLabel: [0, -84, "middle"], resetValue: [0, -54, "middle"],
    keepLabel: [0, -80, "middle"], keepValue: [0, -50, "middle"],
    writeLabel: [0, 70, "middle"], writeValue: [0, 100, "middle"],
    updateLabel: [MIX_X + 16, LINE_Y + 90, "start"], updateValue: [MIX_X + 16, LINE_Y + 118, "start"],
    recurrentLabel: [DOWN_X - 10, LINE_Y + 56, "end"], boxTitle: [BOX.x + BOX.w / 2, BOX.y + BOX.h + 30, "middle"],
  },
  large: {
    resetLabel: [-58, -70, "start"], resetValue: [-16, 46, "end"], // above right, below left
    keepLabel: [-12, -56, "end"], keepValue: [12, -56, "start"], // either side, over the line
    writeLabel: [92, -64, "start"], writeValue: [92, -16, "start"], // right of the wire up
    updateLabel: [656, 300, "start"], updateValue: [656, 344, "start"], // under the write valve
    recurrentLabel: [DOWN_X - 10, 204, "end"], boxTitle: [BOX.x + BOX.w / 2, BOX.y + BOX.h + 36, "middle"],
  },
};

export class GruDrawing {
  /** svg: the diagram's SVG; valve(parent, x, y, cls, options): the diagram's gate drawing. */
  constructor(svg, valve) {
    this.svg = svg;
    const g = (this.group = el("g", { class: "gru-drawing" }, svg));
    const arrow = `url(#${svg.id}-arrow)`;
    const path = (cls, d, marker = true) => el("path", { class: `wire gru-path ${cls}`, d,
      ...(marker ? { "marker-end": arrow } : {}) }, g);
    // The state line: h_{t-1} -> keep valve -> mix -> h_t.
    path("gru-state", `M150 ${LINE_Y} H 540`, false);
    this.keepWire = path("gru-state", `M580 ${LINE_Y} H ${MIX_X - 8}`);
    path("gru-state", `M${MIX_X} ${LINE_Y} H 806`);
    el("circle", { class: "gru-mix", cx: MIX_X, cy: LINE_Y, r: 9 }, g);
    // x_t -> candidate; candidate -> write valve -> up into the mix.
    path("flow-in", `M150 ${X_Y} H ${BOX.x - 4}`);
    path("", `M${BOX.x + BOX.w} ${OUT_Y} H 620`, false);
    this.writeWire = path("gru-write", `M660 ${OUT_Y} H ${MIX_X} V ${LINE_Y + 12}`);
    // The recurrent input: down from the state line, through the reset gate, into the candidate.
    path("gru-recurrent", `M${DOWN_X} ${LINE_Y} V ${REC_Y} H 346`, false);
    this.recurrentWire = path("gru-recurrent", `M394 ${REC_Y} H ${BOX.x - 4}`);
    this.recurrentLabel = el("text", { class: "flow-label" }, g); // placed by place()
    // The candidate box.
    el("rect", { class: "gru-box", x: BOX.x, y: BOX.y, width: BOX.w, height: BOX.h, rx: 18 }, g);
    this.boxTitle = el("text", { class: "gru-box-title" }, g);
    this.boxValue = el("text", { class: "candidate-value", x: BOX.x + BOX.w / 2, y: OUT_Y + 14,
      "text-anchor": "middle" }, g);
    // Gates: reset on the recurrent input; the update gate as two valves, keep (1 - z) on the
    // state line and write (z) on the candidate's way in, with its name and z (placed by place()).
    this.reset = valve(g, 370, REC_Y, "gate-reset", { scale: 0.6 });
    this.keep = valve(g, 560, LINE_Y, "gate-update", { scale: 0.6 });
    this.write = valve(g, 640, OUT_Y, "gate-update", { scale: 0.6 });
    this.updateLabel = el("text", { class: "valve-label gate-update-name" }, g);
    this.updateValue = el("text", { class: "valve-value gate-update-name" }, g);
    // Chips: x_t in, h_{t-1} at the start of the state line, h_t (the output) at its end.
    this.inChip = chip(g, 20, X_Y, "gru-in");
    this.prevChip = chip(g, 20, LINE_Y, "gru-prev");
    this.outChip = chip(g, 810, LINE_Y, "gru-out");
    this.connections = new Connections(g, {
      from: { x: [85, X_Y + 44], h: [875, LINE_Y + 44] },
      to: (gate) => ({ reset: [370, REC_Y + 30], update: [MIX_X + 8, LINE_Y + 60] })[gate] ?? null,
      bend: 60,
    });
    this.group.style.display = "none";
    this.shown = false;
    this.layout = null; // "wide" or "large", once placed
    this.phone = window.matchMedia(PHONE);
    this.phone.addEventListener("change", () => this.place());
  }

  /** Put the words where LAYOUT says for the page's word size now (phone or projector: large). */
  place() {
    const name = this.phone.matches || document.body.classList.contains("projector") ? "large" : "wide";
    if (name === this.layout) return;
    this.layout = name;
    const texts = {
      resetLabel: this.reset.label, resetValue: this.reset.value, keepLabel: this.keep.label,
      keepValue: this.keep.value, writeLabel: this.write.label, writeValue: this.write.value,
      updateLabel: this.updateLabel, updateValue: this.updateValue,
      recurrentLabel: this.recurrentLabel, boxTitle: this.boxTitle,
    };
    for (const [key, [x, y, anchor]] of Object.entries(LAYOUT[name])) {
      texts[key].setAttribute("x", x);
      texts[key].setAttribute("y", y);
      texts[key].setAttribute("text-anchor", anchor);
    }
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
    this.place(); // (projector mode may have changed)
    const z = step.update_gate;
    this.reset.set(step.reset_gate);
    this.keep.set(1 - z);
    this.write.set(z);
    this.reset.label.textContent = t("gate.reset");
    this.keep.label.textContent = `${t("gru.keep")} 1 − z`;
    this.write.label.textContent = `${t("gru.write")} z`;
    this.keep.value.textContent = pct(1 - z);
    this.updateLabel.textContent = t("gate.update");
    this.updateValue.textContent = `z = ${pct(z)}`;
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
