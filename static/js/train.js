// The training lab: start a run on the server, follow it live (server-sent events), stop
// it, and afterwards play a test sequence through the learned cell with the same diagram
// and timeline as the main view. Settings live in the page state (and so in the URL);
// a run's progress and result are the server's and are only shown here.
import { TimelineChart } from "./chart.js";
import { CellDiagram } from "./diagram.js";
import { fmt, pct } from "./format.js";
import { language, t } from "./i18n.js";
import { el, clear } from "./svg.js";

const $ = (id) => document.getElementById(id);

/** The curve's plot box for an SVG `width` CSS px wide whose text is `font` px: one SVG
 *  unit is one CSS px (the viewBox follows the width), so the labels are `font` px on
 *  every screen, and the margins grow with them. */
export function curveLayout(width, font) {
  const height = Math.round(font * 11);
  return { width, height, font, left: Math.round(font * 2.2 + 8), right: width - 4, top: Math.round(font * 0.8),
    bottom: height - Math.round(font * 1.8) };
}

export class TrainPanel {
  /** change(mutate) edits the page state, as every control does; classCode() is the live
   *  class this page is a student of, or null (its teacher sees the class's runs). */
  constructor({ change, classCode = () => null }) {
    this.change = change;
    this.classCode = classCode;
    this.run = null; // {id, budget, events: EventSource}
    this.progress = []; // [{sequences, error, solved_fraction}]
    this.guess = null; // {loss, solved_fraction} of a network with no memory, or null
    this.result = null;
    this.demoStep = 1;
    this.demoTimer = null;
    this.diagram = new CellDiagram($("train-diagram"));
    this.timeline = new TimelineChart($("train-demo-timeline"), $("train-demo-legend"), {
      onJump: (step) => this.showDemoStep(step),
    });
    const fields = { task: "train-task", lag: "train-lag", model: "train-model", seed: "train-seed" };
    for (const [key, id] of Object.entries(fields)) {
      $(id).addEventListener("change", () => {
        const input = $(id);
        if (input.type === "number" && !input.checkValidity()) return; // the browser says why
        change((s) => (s.train = { ...s.train, [key]: input.type === "number" ? Number(input.value) : input.value }));
      });
    }
    $("train-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if ($("train-form").reportValidity()) this.start(this.settings);
    });
    $("train-stop").addEventListener("click", () => this.stop());
    $("train-demo-step").addEventListener("input", (e) => this.showDemoStep(Number(e.target.value)));
    $("train-demo-play").addEventListener("click", () => this.toggleDemo());
    this.curveWidth = 0;
    // The viewBox follows the curve's width (a phone, a window resized, the panel shown).
    new ResizeObserver(() => {
      if ($("train-curve").clientWidth !== this.curveWidth) this.drawCurve();
    }).observe($("train-curve"));
  }

  /** Put the state's settings on the form; show or hide the panel. */
  update(state) {
    const panel = $("train");
    const open = Boolean(state.train);
    panel.hidden = !open;
    $("open-train").setAttribute("aria-expanded", String(open));
    if (!open) return;
    this.settings = state.train;
    if (this.curveLanguage !== language()) this.drawCurve(); // its words in the page's language
    for (const [key, id] of [["task", "train-task"], ["lag", "train-lag"], ["model", "train-model"], ["seed", "train-seed"]]) {
      if (document.activeElement !== $(id)) $(id).value = String(state.train[key]);
    }
    this.showRunning();
  }

  async start(settings) {
    this.stop();
    this.progress = [];
    this.guess = null;
    this.result = null;
    this.stopDemo();
    $("train-demo").hidden = true;
    this.say(t("train.starting"));
    let answer;
    try {
      const response = await fetch("/api/train", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ ...settings, ...(this.classCode() ? { class_code: this.classCode() } : {}) }),
      });
      answer = await response.json().catch(() => ({}));
      if (response.status === 429) {
        return this.say(t(answer.detail?.[0]?.type === "one_job_per_client" ? "train.busy_yours" : "train.busy"));
      }
      if (answer.detail?.[0]?.type === "jobs_split") return this.say(t("train.split"));
      if (!response.ok) return this.say(t("train.refused", { message: answer.message ?? response.status }));
    } catch {
      return this.say(t("train.lost"));
    }
    const events = new EventSource(`/api/train/${encodeURIComponent(answer.id)}/events`);
    this.run = { id: answer.id, budget: answer.budget ?? null, events };
    this.guess = answer.guess ?? null;
    // Every (re)connection begins with the whole curve so far: draw it afresh.
    events.addEventListener("history", (e) => this.onHistory(JSON.parse(e.data)));
    events.addEventListener("progress", (e) => this.onProgress(JSON.parse(e.data)));
    events.addEventListener("done", (e) => this.onDone(JSON.parse(e.data)));
    events.addEventListener("error", () => {
      // EventSource reconnects by itself; the server replays the end of a finished run.
      if (events.readyState === EventSource.CLOSED) this.say(t("train.lost"));
    });
    this.showRunning();
  }

  /** Stop the run under way, if any (the server keeps what it learned so far). */
  stop() {
    if (!this.run) return;
    fetch(`/api/train/${encodeURIComponent(this.run.id)}`, { method: "DELETE" }).catch(() => {});
  }

  onHistory({ points, guess }) {
    this.progress = points.slice();
    this.guess = guess ?? null;
    this.drawCurve();
  }

  onProgress(point) {
    this.progress.push(point);
    this.say(t("train.running", { sequences: point.sequences, percent: pct(point.solved_fraction ?? 0) }));
    this.drawCurve();
  }

  onDone(result) {
    this.run?.events.close();
    this.run = null;
    this.result = result;
    // The curve ends where the run ended: the test batch's share right and error.
    if (result.test_accuracy !== undefined) {
      this.progress.push({ sequences: result.sequences, error: result.final_error, solved_fraction: result.test_accuracy });
    }
    const params = { sequences: result.sequences, seconds: fmt(result.seconds) };
    this.say(t(`train.${{ solved: "solved", cancelled: "cancelled" }[result.status] ?? "failed"}`, params));
    this.showRunning();
    this.drawCurve();
    if (result.demo) this.showDemo(result);
  }

  showRunning() {
    const running = Boolean(this.run);
    $("train-start").disabled = running;
    $("train-stop").disabled = !running;
    for (const id of ["train-task", "train-lag", "train-model", "train-seed"]) $(id).disabled = running;
  }

  say(text) {
    $("train-status").textContent = text;
  }

  /** Share of recent sequences right (solid) and mean error (dashed) against sequences seen. */
  drawCurve() {
    const svg = $("train-curve");
    clear(svg);
    this.curveWidth = svg.clientWidth;
    this.curveLanguage = language();
    if (!this.curveWidth) return; // hidden: drawn when it shows (the ResizeObserver)
    const font = parseFloat(getComputedStyle(svg).fontSize);
    const layout = (this.layout = curveLayout(this.curveWidth, font));
    const { left, right, top, bottom } = layout;
    svg.setAttribute("viewBox", `0 0 ${layout.width} ${layout.height}`);
    const points = this.progress;
    const span = this.curveSpan(); // the sequences seen so far, not the budget the run may never use
    const x = (n) => left + (n / span) * (right - left);
    const y = (v) => bottom - Math.min(Math.max(v, 0), 1) * (bottom - top);
    el("path", { class: "axis", d: `M${left} ${top}V${bottom}H${right}` }, svg);
    const below = bottom + font * 1.3; // the x axis's labels
    for (const v of [0, 0.5, 1]) {
      el("text", { class: "curve-tick", x: left - font * 0.4, y: y(v) + font * 0.35, "text-anchor": "end", text: v }, svg);
    }
    el("text", { class: "curve-tick", x: left, y: below, "text-anchor": "start", text: 0 }, svg);
    el("text", { class: "curve-tick", x: right, y: below, "text-anchor": "end", text: span }, svg);
    el("text", { class: "curve-tick curve-axis", x: (left + right) / 2, y: below, "text-anchor": "middle",
      text: t("train.axis_sequences") }, svg);
    this.drawGuess(svg, y);
    if (!points.length) return;
    const path = (key) => points.map((p, k) => `${k ? "L" : "M"}${x(p.sequences).toFixed(1)} ${y(p[key] ?? 0).toFixed(1)}`).join("");
    el("path", { class: "series success-line", d: path("solved_fraction") }, svg);
    el("path", { class: "series error-line", d: path("error") }, svg);
  }

  /** Sequences the x axis spans: the run so far with room to grow (a run solved in 11,000
   * of a 200,000 budget would otherwise crowd into the first twentieth of the chart). */
  curveSpan() {
    const last = this.progress.length ? this.progress[this.progress.length - 1].sequences : 0;
    const end = Math.max(this.result?.sequences ?? 0, last);
    if (this.result) return Math.max(end, 1);
    const budget = this.run?.budget ?? Infinity;
    return Math.max(1, Math.min(budget, Math.ceil((end * 1.25 + 1000) / 1000) * 1000));
  }

  /** A network with no memory at all: a dotted line at the share right it can reach. */
  drawGuess(svg, y) {
    if (!this.guess) return;
    const { left, right, font } = this.layout;
    const level = y(this.guess.solved_fraction);
    el("path", { class: "guess-line", d: `M${left} ${level}H${right}` }, svg);
    const text = t("train.guess", { percent: pct(this.guess.solved_fraction), loss: fmt(this.guess.loss) });
    const label = el("text", { class: "curve-tick guess-label", x: right - 8, y: level - 8, "text-anchor": "end", text }, svg);
    const cut = text.search(/[:：]/) + 1; // too wide for the plot (a phone): two lines, split after the colon
    if (cut > 0 && label.getComputedTextLength() > right - left - 16) {
      label.textContent = "";
      el("tspan", { x: right - 8, dy: -1.2 * font, text: text.slice(0, cut).trim() }, label);
      el("tspan", { x: right - 8, dy: 1.2 * font, text: text.slice(cut).trim() }, label);
    }
  }

  // ---- the learned cell on a test sequence ----------------------------------------------

  showDemo(result) {
    const demo = result.demo;
    this.demoSteps = demo.steps.map((step, k) => ({ ...step, label: demo.labels?.[k] }));
    this.demoModel = result.model;
    $("train-demo").hidden = false;
    $("train-diagram").style.display = result.model === "rnn" ? "none" : "";
    $("train-demo-lead").textContent = demoWords(result);
    const slider = $("train-demo-step");
    slider.max = String(this.demoSteps.length);
    this.showDemoStep(1);
  }

  showDemoStep(step) {
    const steps = this.demoSteps;
    if (!steps) return;
    this.demoStep = Math.min(Math.max(1, step), steps.length);
    const current = steps[this.demoStep - 1];
    const view = { variant: this.demoModel, selfLoop: 1, step: this.demoStep };
    if (this.demoModel !== "rnn") {
      const scale = Math.max(1, ...steps.map((s) => Math.abs(s.cell)));
      const previous = this.demoStep > 1 ? steps[this.demoStep - 2].cell : 0;
      this.diagram.update({ state: view, step: current, scale, previous });
    }
    this.timeline.update({ state: view, cell: { steps } });
    $("train-demo-step").value = String(this.demoStep);
    const label = current.label ? " · " + current.label : "";
    $("train-demo-step-value").textContent = `${this.demoStep} / ${steps.length}${label}`;
    $("train-demo-desc").textContent = `${current.label ?? ""} ${t("readout.cell")} ${fmt(current.cell)}, ${t("readout.output")} ${fmt(current.output)}`;
  }

  toggleDemo() {
    if (this.demoTimer) return this.stopDemo();
    if (this.demoStep >= this.demoSteps.length) this.showDemoStep(1);
    const perSecond = Math.max(4, this.demoSteps.length / 10); // a long lag plays in about 10 s
    this.demoTimer = setInterval(() => {
      if (this.demoStep >= this.demoSteps.length) this.stopDemo();
      else this.showDemoStep(this.demoStep + 1);
    }, 1000 / perSecond);
    $("train-demo-play").textContent = t("play.pause");
  }

  stopDemo() {
    clearInterval(this.demoTimer);
    this.demoTimer = null;
    $("train-demo-play").textContent = t("play.play");
  }
}

/** What the page says about a run's test sequence: only what is true of this run. Right
 *  means every output within the task's tolerance, as the trainer judges it; a plain RNN
 *  is not said to have gates; for symbols, why the cell's own output is not one. */
function demoWords(result) {
  const demo = result.demo;
  const show = (v) => (typeof v === "number" ? fmt(v) : v);
  const params = { target: show(demo.target), prediction: show(demo.prediction),
    error: fmt(demo.error), tolerance: fmt(demo.tolerance) };
  const right = demo.error <= demo.tolerance;
  const words = [t(result.model === "rnn" ? "train.demo_rnn" : "train.demo_gates"),
    t(right ? "train.demo_right" : "train.demo_wrong", params)];
  if (typeof demo.target === "string") words.push(t("train.demo_symbols", params));
  return words.join(" ");
}
