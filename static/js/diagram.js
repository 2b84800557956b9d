// The cell diagram: tape value -> input gate -> memory cell with its self-loop ->
// output gate -> output. Built once; update() only moves and rewrites what changed.
import { el } from "./svg.js";
import { CONFIG, hasForget as forgetIn } from "./config.js";
import { Connections } from "./connections.js";
import { fmt, pct, sub, weight } from "./format.js";
import { t } from "./i18n.js";
import { part } from "./once.js";
import { computedGates } from "./state.js";

const gruDrawing = part(() => import("./gru_diagram.js")); // fetched when the GRU is first chosen

const WIRE_Y = 236;
const CELL = { x: 390, y: 146, w: 180, h: 180 };
const LOOP_TOP = 8; // control height of the loop arc; its peak is near y = 44
const VALVE_GAP = 64; // opening of a fully open gate, in SVG units

/** A gate drawn as two plates across a wire; the gap between them is how far it is open.
 *  With `beside`, its label and value sit to its right instead of above and below. Its plates
 *  slide to a new opening (app.css), but not to the first: they are drawn where they belong. */
function valve(parent, x, y, cls, { scale = 1, beside = false } = {}) {
  const g = el("g", { class: `valve ${cls} unplaced`, transform: `translate(${x} ${y})` }, parent);
  const plates = el("g", { transform: `scale(${scale})` }, g);
  const a = el("rect", { class: "plate", x: -9, width: 18, height: 40, rx: 4 }, plates);
  const b = el("rect", { class: "plate", x: -9, width: 18, height: 40, rx: 4 }, plates);
  const place = beside ? [{ x: 56, y: -2 }, { x: 56, y: 26 }] : [{ y: -84 }, { y: 104 }];
  const anchor = beside ? "start" : "middle";
  const label = el("text", { class: "valve-label", "text-anchor": anchor, ...place[0] }, g);
  const value = el("text", { class: "valve-value", "text-anchor": anchor, ...place[1] }, g);
  return {
    g, label, value,
    set(open) {
      const gap = VALVE_GAP * open;
      a.setAttribute("y", -40 - gap / 2);
      b.setAttribute("y", gap / 2);
      g.classList.toggle("closed", open < 0.02);
      value.textContent = pct(open);
      if (g.classList.contains("unplaced")) {
        getComputedStyle(a).y; // the first opening takes effect now, with no transition...
        g.classList.remove("unplaced"); // ...and the next ones slide
      }
    },
  };
}

export class CellDiagram {
  constructor(svg) {
    this.svg = svg;
    const id = (name) => `${svg.id}-${name}`; // unique per diagram on the page
    const arrow = `url(#${id("arrow")})`;
    const defs = el("defs", {}, svg);
    const marker = el("marker", { id: id("arrow"), viewBox: "0 0 10 10", refX: 8, refY: 5,
      markerWidth: 22, markerHeight: 22, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" }, defs);
    el("path", { d: "M0 0 L10 5 L0 10 z", class: "arrowhead" }, marker);
    const clip = el("clipPath", { id: id("clip") }, defs);
    el("rect", { x: CELL.x, y: CELL.y, width: CELL.w, height: CELL.h, rx: 22 }, clip);

    // Wires: in, between gate and cell, cell to output gate, out.
    this.wireIn = el("line", { class: "wire", x1: 150, y1: WIRE_Y, x2: 232, y2: WIRE_Y }, svg);
    this.wireWrite = el("line", { class: "wire flow-in", x1: 268, y1: WIRE_Y, x2: CELL.x - 4,
      y2: WIRE_Y, "marker-end": arrow }, svg);
    this.wireRead = el("line", { class: "wire", x1: CELL.x + CELL.w, y1: WIRE_Y, x2: 692, y2: WIRE_Y }, svg);
    this.wireOut = el("line", { class: "wire flow-out", x1: 728, y1: WIRE_Y, x2: 806, y2: WIRE_Y,
      "marker-end": arrow }, svg);
    this.writeLabel = el("text", { class: "flow-label", x: 322, y: WIRE_Y - 18, "text-anchor": "middle" }, svg);

    // The self-loop over the cell, its weight, and the forget gate on it.
    const left = CELL.x + 34, right = CELL.x + CELL.w - 34;
    this.loop = el("path", { class: "loop", d: `M${right} ${CELL.y} C ${right + 80} ${LOOP_TOP},
      ${left - 80} ${LOOP_TOP}, ${left} ${CELL.y - 8}`, "marker-end": arrow }, svg);
    this.loopLabel = el("text", { class: "loop-label", x: left - 60, y: 70, "text-anchor": "end" }, svg);
    this.forget = valve(svg, CELL.x + CELL.w / 2, 44, "gate-forget", { scale: 0.6, beside: true });

    // Peephole connections (dashed) from the cell to each gate.
    this.peeps = [
      el("path", { class: "peephole", d: `M${CELL.x} ${CELL.y + 30} Q 300 ${CELL.y - 10} 250 ${WIRE_Y - 70}` }, svg),
      el("path", { class: "peephole", d: `M${CELL.x + CELL.w} ${CELL.y + 30} Q 660 ${CELL.y - 10} 710 ${WIRE_Y - 70}` }, svg),
    ];

    // The cell: a tank whose fill rises for positive values and sinks for negative ones.
    el("rect", { class: "cell-body", x: CELL.x, y: CELL.y, width: CELL.w, height: CELL.h, rx: 22 }, svg);
    this.fill = el("rect", { class: "cell-fill", x: CELL.x, width: CELL.w, "clip-path": `url(#${id("clip")})` }, svg);
    el("line", { class: "cell-zero", x1: CELL.x, x2: CELL.x + CELL.w, y1: CELL.y + CELL.h / 2,
      y2: CELL.y + CELL.h / 2 }, svg);
    el("rect", { class: "cell-outline", x: CELL.x, y: CELL.y, width: CELL.w, height: CELL.h, rx: 22 }, svg);
    this.scaleMarks = fillScale(svg);
    this.cellTitle = el("text", { class: "cell-title", x: CELL.x + CELL.w / 2, y: CELL.y + CELL.h + 34,
      "text-anchor": "middle" }, svg);
    this.cellValue = el("text", { class: "cell-value", x: CELL.x + CELL.w / 2, y: CELL.y + CELL.h / 2 + 16,
      "text-anchor": "middle" }, svg);

    // Gates on the wire.
    this.input = valve(svg, 250, WIRE_Y, "gate-input");
    this.output = valve(svg, 710, WIRE_Y, "gate-output");

    // The tape value coming in and the output going out.
    this.inChip = this.chip(20, "chip-in");
    this.outChip = this.chip(810, "chip-out");
    this.pulses = [el("circle", { class: "pulse pulse-in", r: 16, cy: WIRE_Y, cx: 150 }, svg),
      el("circle", { class: "pulse pulse-out", r: 16, cy: WIRE_Y, cx: CELL.x + CELL.w }, svg)];
    this.loopPulse = el("circle", { class: "pulse loop-pulse", r: 16, cx: 0, cy: 0 }, svg);
    this.lastStep = null;
    this.addComputedGates(svg);
    this.gru = null; // the GRU's drawing (gru_diagram.js), made when first needed
    this.loading = null; // its fetch, and the newest view waiting for it
    this.waiting = null;
  }

  /** Fetch the GRU's drawing, the diagram hidden meanwhile (no LSTM drawn for a GRU), then
   *  draw the newest view with it. If it cannot be fetched, the next drawing tries again. */
  loadGru(view) {
    this.waiting = view;
    this.svg.style.visibility = "hidden";
    this.loading ??= gruDrawing()
      .then(({ GruDrawing }) => {
        this.gru ??= new GruDrawing(this.svg, valve);
        if (this.waiting) this.update(this.waiting);
      }, () => {}) // once.js has said so
      .finally(() => (this.loading = null));
  }

  /** The lines that carry x_t and y_{t-1} into each computed gate (see connections.js). */
  addComputedGates(svg) {
    const at = { input: [250, WIRE_Y + 46], output: [710, WIRE_Y + 46], forget: [CELL.x + CELL.w / 2 - 22, 44] };
    this.connections = new Connections(svg, {
      from: { x: [85, WIRE_Y + 44], h: [875, WIRE_Y + 44] }, to: (gate) => at[gate] ?? null,
    });
  }

  /** Computed gates' connections, and peepholes drawn as acting only where a gate is computed. */
  updateComputedGates(state) {
    if (!state.computed) return; // the training lab's view: every gate computed, nothing to switch
    this.connections.update(state);
    const computed = computedGates(state);
    const acting = [computed.includes("input") || computed.includes("forget"), computed.includes("output")];
    this.peeps.forEach((p, k) => p.classList.toggle("acting", acting[k]));
  }

  chip(x, cls) {
    const g = el("g", { class: `chip ${cls}` }, this.svg);
    el("rect", { x, y: WIRE_Y - 44, width: 130, height: 88, rx: 14 }, g);
    const label = el("text", { class: "chip-label", x: x + 65, y: WIRE_Y - 14, "text-anchor": "middle" }, g);
    const value = el("text", { class: "chip-value", x: x + 65, y: WIRE_Y + 28, "text-anchor": "middle" }, g);
    return { label, value };
  }

  /** view: {state, step (object of the current step), scale (the fill's fixed range ±scale),
   *  previous (the stored value before this step)} */
  update(view) {
    const { state, step, scale, previous = 0 } = view;
    if (!this.gru && state.variant === "gru") return this.loadGru(view);
    this.waiting = null;
    this.svg.style.visibility = "";
    if (this.gru?.update({ state, step, previous })) return;
    this.updateComputedGates(state);
    const hasForget = forgetIn(state.variant);
    this.input.set(step.input_gate);
    this.output.set(step.output_gate);
    this.input.label.textContent = t("gate.input");
    this.output.label.textContent = t("gate.output");
    this.forget.g.style.display = hasForget ? "" : "none";
    if (hasForget) {
      this.forget.set(step.forget_gate);
      this.forget.label.textContent = t("gate.forget");
    }
    for (const p of this.peeps) p.style.display = CONFIG.variant[state.variant]?.peepholes ? "" : "none";
    this.loopLabel.textContent = `w = ${weight(state.selfLoop)}`;
    this.loop.classList.toggle("leaky", state.selfLoop !== 1);

    this.inChip.label.textContent = `x${sub(step.t)}`;
    this.inChip.value.textContent = step.label ?? fmt(step.x);
    this.outChip.label.textContent = `y${sub(step.t)}`;
    this.outChip.value.textContent = fmt(step.output);
    this.cellTitle.textContent = t("cell.title");
    this.cellValue.textContent = fmt(step.cell);

    const written = step.input_gate * step.cell_input;
    this.writeLabel.textContent = Math.abs(written) > 5e-4 ? `+${fmt(written)}`.replace("+-", "−") : "";
    this.wireWrite.style.opacity = 0.25 + 0.75 * step.input_gate;
    this.wireOut.style.opacity = 0.25 + 0.75 * step.output_gate;
    this.wireWrite.style.strokeWidth = 3 + 7 * step.input_gate;
    this.wireOut.style.strokeWidth = 3 + 7 * step.output_gate;

    this.drawFill(step.cell, scale || 1);

    if (this.lastStep !== null && step.t === this.lastStep + 1) this.animate(step, state, scale || 1);
    this.lastStep = step.t;
  }

  /** The fill: `value` against the fixed range ±scale, marked where it goes beyond. */
  drawFill(value, scale) {
    const half = CELL.h / 2 - 6;
    const level = Math.min(1, Math.abs(value) / scale) * half;
    const mid = CELL.y + CELL.h / 2;
    this.fill.setAttribute("y", value >= 0 ? mid - level : mid);
    this.fill.setAttribute("height", level);
    this.fill.classList.toggle("negative", value < 0);
    const { top, bottom, beyond } = this.scaleMarks;
    top.textContent = `+${fmt(scale)}`;
    bottom.textContent = `−${fmt(scale)}`;
    const over = Math.abs(value) > scale * (1 + 1e-9);
    beyond.style.display = over ? "" : "none";
    if (over) {
      beyond.textContent = value > 0 ? "▲" : "▼";
      beyond.setAttribute("y", value > 0 ? CELL.y + 30 : CELL.y + CELL.h - 10);
    }
  }

  /** A value visibly passes through each gate that is open on this step, and the stored
   *  value travels once round the self-loop. Nothing moves when the system asks for no motion. */
  animate(step, state, scale) {
    if (window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    const [inPulse, outPulse] = this.pulses;
    pulse(inPulse, 150, CELL.x + 10, step.input_gate);
    pulse(outPulse, CELL.x + CELL.w, 800, step.output_gate);
    this.hold(step, state, scale);
  }

  /** The hold, seen: a dot sized by the value the cell held travels round the loop and comes
   *  back scaled by what the loop keeps (w, times the forget gate where there is one). */
  hold(step, state, scale) {
    const held = step.t > 1 ? Math.abs(step.cell - step.input_gate * step.cell_input) : 0;
    const keeps = state.variant === "lstm1997" ? state.selfLoop : state.selfLoop * step.forget_gate;
    const before = keeps > 1e-9 ? held / keeps : 0; // what was stored at the step before
    if (before < 1e-3 || !this.loopPulse.animate) return;
    const size = (v) => 6 + 14 * Math.min(1, v / scale);
    const length = this.loop.getTotalLength();
    const frames = Array.from({ length: 13 }, (_, k) => {
      const at = this.loop.getPointAtLength((length * k) / 12);
      const r = size(before) + ((size(held) - size(before)) * k) / 12;
      return { transform: `translate(${at.x}px, ${at.y}px) scale(${r / 16})`, opacity: 0.85 };
    });
    this.loopPulse.animate(frames, { duration: 700, easing: "ease-in-out" });
  }
}

/** The fill's range, written at the tank's top and bottom, and the mark of a value beyond it. */
function fillScale(svg) {
  const x = CELL.x + CELL.w - 10;
  const top = el("text", { class: "fill-mark", x, y: CELL.y + 26, "text-anchor": "end" }, svg);
  const bottom = el("text", { class: "fill-mark", x, y: CELL.y + CELL.h - 10, "text-anchor": "end" }, svg);
  const beyond = el("text", { class: "fill-beyond", x: CELL.x + 14, "text-anchor": "start" }, svg);
  return { top, bottom, beyond };
}

function pulse(circle, from, to, open) {
  if (open < 0.05 || !circle.animate) return;
  const travel = [
    { transform: "translateX(0)", opacity: 0.9 },
    { transform: `translateX(${to - from}px)`, opacity: 0.9 * open + 0.1 },
  ];
  circle.animate(travel, { duration: 420, easing: "ease-in-out" });
}
