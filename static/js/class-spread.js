// The spread of a class's answers as a dot plot on one number line (320 x 64): one dot
// per answer, equal answers stacked, and the right value marked once it is revealed.
import { fmt } from "./format.js";
import { clear, el } from "./svg.js";

const LEFT = 16;
const RIGHT = 304;
const AXIS = 44;
const DOT = 5;

/** Draw `values` (numbers) and `right` (a number, or null before the reveal) into `svg`. */
export function drawSpread(svg, values, right) {
  clear(svg);
  const all = right === null ? values : [...values, right];
  let lo = Math.min(0, ...all);
  let hi = Math.max(1, ...all);
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const x = (v) => LEFT + ((v - lo) / (hi - lo)) * (RIGHT - LEFT);
  el("line", { x1: LEFT, x2: RIGHT, y1: AXIS, y2: AXIS, class: "spread-axis" }, svg);
  for (const v of [lo + pad, hi - pad]) {
    el("text", { x: x(v), y: AXIS + 16, "text-anchor": "middle", class: "spread-tick", text: fmt(v) }, svg);
  }
  // Answers that round to one dot position stack upwards, closer together when many do.
  const column = (v) => Math.round(x(v) / (2 * DOT));
  const counts = new Map();
  for (const v of values) counts.set(column(v), (counts.get(column(v)) ?? 0) + 1);
  const rise = Math.min(2 * DOT + 1, (AXIS - 2 * DOT - 2) / Math.max(1, Math.max(0, ...counts.values()) - 1));
  const stacks = new Map();
  for (const v of values) {
    const height = stacks.get(column(v)) ?? 0;
    stacks.set(column(v), height + 1);
    el("circle", { cx: x(v), cy: AXIS - DOT - 1 - height * rise, r: DOT, class: "spread-dot" }, svg);
  }
  if (right !== null) {
    el("line", { x1: x(right), x2: x(right), y1: 2, y2: AXIS + 4, class: "spread-right" }, svg);
    const anchor = x(right) > (LEFT + RIGHT) / 2 ? "end" : "start";
    const dx = anchor === "end" ? -4 : 4;
    el("text", { x: x(right) + dx, y: 10, "text-anchor": anchor, class: "spread-right-label", text: fmt(right) }, svg);
  }
}
