// The timeline: gates (top band) and tape value, stored value and output (bottom band)
// over every step, with the current step marked. Clicking a column jumps to that step.
import { gatesOf } from "./config.js";
import { Plot, magnitude } from "./plot.js";
import { t } from "./i18n.js";

const GATE_BAND = [22, 96];
const VALUE_BAND = [122, 248];

export class TimelineChart {
  constructor(svg, legendList, { onJump }) {
    this.legendList = legendList;
    this.plot = new Plot(svg, { left: 110, right: 1188, top: 10, bottom: 250 });
    svg.addEventListener("click", (event) => {
      const step = this.plot.stepAt(event.clientX);
      if (step) onJump(step);
    });
  }

  /** upTo: draw only the steps up to this one (lessons), keeping the full width. */
  update({ state, cell, upTo = null }) {
    if (!cell) return;
    const p = this.plot;
    p.reset(cell.steps.length);
    const steps = upTo ? cell.steps.slice(0, upTo) : cell.steps;
    p.marker(state.step, 12, 250, { pointer: true });
    const [gTop, gBottom] = GATE_BAND;
    const [vTop, vBottom] = VALUE_BAND;
    if (gatesOf(state.variant).length) p.text(8, gTop + 30, t("chart.gates"), { class: "band-label" }); // a plain RNN has none
    p.text(8, vTop + 60, t("chart.values"), { class: "band-label" });
    p.stairs(cell.steps.map(() => gBottom), { class: "axis" });
    for (const gate of gatesOf(state.variant)) {
      const ys = steps.map((s) => Plot.y(s[`${gate}_gate`], 0, 1, gTop, gBottom));
      p.stairs(ys, { class: `series gate-${gate}` });
    }
    const scale = magnitude([steps.map((s) => s.x), steps.map((s) => s.cell), steps.map((s) => s.output)]);
    const yv = (v) => Plot.y(v, -scale, scale, vTop, vBottom);
    p.stairs(cell.steps.map(() => yv(0)), { class: "axis" });
    const barWidth = Math.max(1, p.column * 0.35);
    p.bars(steps.map((s) => yv(s.x)), yv(0), barWidth, "tape-bar");
    p.stairs(steps.map((s) => yv(s.cell)), { class: "series cell-line" });
    p.stairs(steps.map((s) => yv(s.output)), { class: "series output-line" });
    this.legend(state);
  }

  legend(state) {
    const items = [["tape-key", t("chart.tape")], ["cell-key", t("chart.cell")], ["output-key", t("chart.output")],
      ...gatesOf(state.variant).map((g) => [`gate-${g}-key`, t(`gate.${g}`)])];
    this.legendList.replaceChildren(...items.map(([cls, label]) => {
      const li = document.createElement("li");
      li.innerHTML = `<i class="swatch ${cls}"></i>`;
      li.append(label);
      return li;
    }));
  }
}
