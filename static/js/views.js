// The views of the main page, drawn from the store's state and run only: the controls,
// the tape, the diagram with its readout and words, and the charts.
import { TimelineChart } from "./chart.js";
import { CompareView } from "./compare.js";
import { describeStep, equations } from "./describe.js";
import { CellDiagram } from "./diagram.js";
import { fmt } from "./format.js";
import { GateModes } from "./gatemode.js";
import { language, t } from "./i18n.js";
import { change } from "./store.js";
import { TapeView } from "./tape.js";

const $ = (id) => document.getElementById(id);

export class Views {
  /** controls, lessons, training: the panels that also draw from the state;
   *  playback: where a chosen step goes, and whether it is playing. */
  constructor({ controls, lessons, training, playback }) {
    Object.assign(this, { controls, lessons, training, playback });
    const stepTo = (n) => playback.stepTo(n);
    this.diagram = new CellDiagram($("diagram"));
    this.tape = new TapeView($("tape"), {
      onJump: stepTo,
      onEdit: (step, value) => change((s) => (s.tape[step - 1] = Math.max(-100, Math.min(100, value)))),
    });
    this.chart = new TimelineChart($("timeline"), $("timeline-legend"), { onJump: stepTo });
    this.compare = new CompareView($("memory-chart"), $("flow-chart"), { onJump: stepTo });
    this.gateModes = new GateModes({ change });
    this.chartView = null;
    this.lastAnnounced = null;
    this.draw = this.draw.bind(this);
  }

  /** The store's subscriber: everything when `withRun`, else the controls only. */
  draw({ state, run, withRun }) {
    this.drawControls(state, run);
    if (withRun && run) this.drawRun(state, run);
  }

  drawControls(state, run) {
    document.body.classList.toggle("projector", state.projector); // first: the views measure in it
    this.controls.update({ state, playing: this.playback.playing });
    this.gateModes.update({ state, step: run?.cell.steps[state.step - 1] });
    this.tape.update({ state, cell: run?.cell });
    $("projector-toggle").checked = state.projector;
    $("language").value = language();
    for (const node of document.querySelectorAll("[data-control]")) {
      node.classList.toggle("teacher-hidden", state.hide.includes(node.dataset.control));
    }
    if (!state.lesson && this.lessons.active) this.lessons.close();
    this.lessons.update(state, run?.cell);
    this.training.update(state);
  }

  drawRun(state, run) {
    document.body.dataset.run = run.provisional ? "page" : "server"; // who computed what is shown
    const step = run.cell.steps[state.step - 1];
    $("cell-value").textContent = fmt(step.cell);
    $("output-value").textContent = fmt(step.output);
    if (!performance.getEntriesByName("lab:first-render").length) performance.mark("lab:first-render");
    const previous = state.step > 1 ? run.cell.steps[state.step - 2].cell : 0;
    this.diagram.update({ state, step, scale: state.fill, previous });
    showEquations($("equation"), equations(state, step, previous));
    const words = describeStep(state, step);
    $("diagram-desc").textContent = words;
    this.announce(state, words);
    // In a lesson the charts stop at the current step, so they never give an answer away.
    this.drawChartsInThisFrame({ state, cell: run.cell, rnn: run.rnn, upTo: state.lesson ? state.step : null });
  }

  // The charts are drawn just before the frame is painted, together with the stored value,
  // and only once however many answers arrive within one frame.
  drawChartsInThisFrame(view) {
    if (!this.chartView) {
      requestAnimationFrame(() => {
        this.chart.update(this.chartView);
        this.compare.update(this.chartView);
        this.chartView = null;
      });
    }
    this.chartView = view;
  }

  /** Speak steps (and a new language), not every slider tick. */
  announce(state, words) {
    const key = `${state.step}|${language()}`;
    if (this.lastAnnounced === key) return;
    this.lastAnnounced = key;
    $("live").textContent = words;
  }

  /** Say the step again after the language changed. */
  announceAgain() {
    this.lastAnnounced = null;
  }

  showConnection(status, detail) {
    const banner = $("connection");
    banner.hidden = status === "online";
    if (status === "offline") banner.textContent = t("connection.offline");
    if (status === "error") banner.textContent = t("connection.error", { message: detail.message });
  }
}

const EQUATION_GAP = "      "; // between the cell's equation and the output's

/** Each equation in a box of its own, so a narrow screen breaks the line between them (or,
 *  for one too long for the line, inside it), never between "y₃" and its "= ...". */
function showEquations(node, lines) {
  if (node.textContent === lines.join(EQUATION_GAP)) return;
  node.replaceChildren(...lines.flatMap((line, k) => {
    const box = document.createElement("span");
    box.className = "eq";
    box.textContent = line;
    return k ? [EQUATION_GAP, box] : [box];
  }));
}

export function showNotice(text) {
  $("notice").hidden = !text;
  $("notice").textContent = text;
}
