// Beside the cell: a plain RNN on the same tape. Two lanes: what each one holds at every
// step, and how much of an error at the last step reaches each earlier step.
import { Plot, magnitude } from "./plot.js";
import { factor, fmt } from "./format.js";
import { t } from "./i18n.js";

// The keys hang from the top of the chart (CSS: text-before-edge), so the projector's larger
// size grows them downwards instead of cutting off their tops.
const KEY_Y = 2;

export class CompareView {
  constructor(memorySvg, flowSvg, { onJump }) {
    this.memory = new Plot(memorySvg, { left: 10, right: 390, top: 30, bottom: 160 });
    this.flow = new Plot(flowSvg, { left: 10, right: 390, top: 30, bottom: 140 });
    for (const plot of [this.memory, this.flow]) {
      plot.svg.addEventListener("click", (event) => {
        const step = plot.stepAt(event.clientX);
        if (step) onJump(step);
      });
    }
  }

  update({ state, cell, rnn, upTo = null }) {
    if (!cell || !rnn) return;
    this.drawMemory(state, cell, rnn, upTo);
    this.drawFlow(state, cell, rnn);
  }

  drawMemory(state, cell, rnn, upTo) {
    const p = this.memory;
    p.reset(cell.steps.length);
    p.marker(state.step, 26, 160);
    const [cells, rnns] = [cell.steps, rnn.steps].map((steps) => (upTo ? steps.slice(0, upTo) : steps));
    const scale = magnitude([cells.map((s) => s.cell), rnns.map((s) => s.cell)]);
    const y = (v) => Plot.y(v, -scale, scale, 34, 156);
    p.stairs(cell.steps.map(() => y(0)), { class: "axis" });
    p.stairs(rnns.map((s) => y(s.cell)), { class: "series rnn-line" });
    p.stairs(cells.map((s) => y(s.cell)), { class: "series cell-line" });
    const k = state.step - 1;
    p.text(10, KEY_Y, `${t("compare.cell")} ${fmt(cell.steps[k].cell)}`, { class: "lane-key cell-key" });
    p.text(210, KEY_Y, `${t("compare.rnn")} ${fmt(rnn.steps[k].cell)}`, { class: "lane-key rnn-key",
      "data-testid": "rnn-value" });
  }

  drawFlow(state, cell, rnn) {
    const p = this.flow;
    const n = cell.error_flow.length;
    p.reset(n);
    p.marker(state.step, 26, 140);
    const top = Math.max(1, Math.min(magnitude([cell.error_flow, rnn.error_flow]), 4));
    const y = (v) => Plot.y(v, 0, top, 34, 136);
    p.stairs(cell.error_flow.map(() => y(0)), { class: "axis" });
    p.stairs(rnn.error_flow.map(y), { class: "series rnn-line" });
    p.stairs(cell.error_flow.map(y), { class: "series cell-line" });
    p.text(10, KEY_Y, `${t("compare.cell")} ${factor(cell.error_flow[0])}`, { class: "lane-key cell-key",
      "data-testid": "cell-flow" });
    p.text(210, KEY_Y, `${t("compare.rnn")} ${factor(rnn.error_flow[0])}`, { class: "lane-key rnn-key",
      "data-testid": "rnn-flow" });
  }
}
