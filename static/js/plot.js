// Shared plotting pieces for the SVG charts: scales, step paths, the current-step marker.
import { el, clear } from "./svg.js";

const MARKER = 10; // the current step's least width, in SVG units

/** A plot area inside an SVG: x maps 1-based steps to columns, y maps values to rows. */
export class Plot {
  constructor(svg, { left, right, top, bottom }) {
    this.svg = svg;
    this.box = { left, right, top, bottom };
    this.layer = el("g", {}, svg);
  }

  reset(steps) {
    clear(this.layer);
    this.steps = steps;
    this.column = (this.box.right - this.box.left) / steps;
  }

  x(step) {
    return this.box.left + (step - 0.5) * this.column;
  }

  /** y for a value in [lo, hi] within a band [top, bottom]. */
  static y(value, lo, hi, top, bottom) {
    const v = Math.min(Math.max(value, lo), hi);
    return bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top);
  }

  /** A staircase through (step, y) points: each step's value held across its column. A run
   *  of equal values is one segment, so 1,000 steps of a held gate cost one line, not 1,000. */
  stairs(ys, attrs) {
    const r = (v) => Math.round(v * 10) / 10;
    const edge = (k) => r(this.box.left + k * this.column);
    const parts = [];
    let last = null;
    ys.forEach((value, k) => {
      const y = r(value);
      if (last === null) parts.push(`M${edge(0)} ${y}`);
      else if (y !== last) parts.push(`L${edge(k)} ${last}L${edge(k)} ${y}`);
      last = y;
    });
    if (last !== null) parts.push(`L${edge(ys.length)} ${last}`);
    return el("path", { d: parts.join(""), fill: "none", ...attrs }, this.layer);
  }

  line(ys, attrs) {
    const d = ys.map((y, k) => `${k ? "L" : "M"}${this.x(k + 1).toFixed(1)} ${y.toFixed(1)}`).join("");
    return el("path", { d, fill: "none", ...attrs }, this.layer);
  }

  /** Vertical bars, one per step from y0 to that step's y, drawn as a single path. */
  bars(ys, y0, width, cls) {
    const d = ys.map((y, k) => `M${(this.x(k + 1) - width / 2).toFixed(1)} ${y0.toFixed(1)}` +
      `V${y.toFixed(1)}h${width.toFixed(1)}V${y0.toFixed(1)}z`).join("");
    return el("path", { d, class: cls }, this.layer);
  }

  /** The current step's band, at least MARKER wide however many steps share the width,
   *  and with `pointer` a mark above it, so it is found at once on a long tape. */
  marker(step, top, bottom, { pointer = false } = {}) {
    const width = Math.max(this.column, MARKER);
    const x = this.x(step);
    if (pointer) el("path", { class: "current-pointer", d: `M${x - 9} ${top - 12}h18l-9 12z` }, this.layer);
    return el("rect", { class: "current-step", x: x - width / 2, y: top, width, height: bottom - top }, this.layer);
  }

  text(x, y, value, attrs = {}) {
    return el("text", { x, y, text: value, ...attrs }, this.layer);
  }

  /** The 1-based step under a client x coordinate, or null outside the plot. */
  stepAt(clientX) {
    const rect = this.svg.getBoundingClientRect();
    const viewWidth = this.svg.viewBox.baseVal.width;
    const x = ((clientX - rect.left) / rect.width) * viewWidth;
    const step = Math.floor((x - this.box.left) / this.column) + 1;
    return step >= 1 && step <= this.steps ? step : null;
  }
}

/** The largest magnitude in some arrays, at least `floor`. */
export function magnitude(arrays, floor = 1e-9) {
  let m = floor;
  for (const a of arrays) for (const v of a) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}
