// One flow for every control: event -> change the state -> write the URL -> ask the
// server -> render. Every view draws from the state and the newest answer only.
import { CellClient } from "./api.js";
import { TimelineChart } from "./chart.js";
import { CompareView } from "./compare.js";
import { Controls } from "./controls.js";
import { describeStep, equation } from "./describe.js";
import { CellDiagram } from "./diagram.js";
import { fmt } from "./format.js";
import { loadLanguage, t, translatePage } from "./i18n.js";
import { deserialize, goTo, serialize } from "./state.js";
import { TapeView } from "./tape.js";

const $ = (id) => document.getElementById(id);
const { state, problems } = deserialize(location.hash);
let result = null; // the newest {cell, rnn} answer
let playing = null; // the playback timer, while playing

function change(mutate) {
  mutate(state);
  saveToUrlSoon();
  // With a request under way only the controls move now; the views redraw on the answer.
  if (client.request(state)) renderControls();
  else render();
}

// Chromium throttles history.replaceState when called on every slider tick, so the URL is
// written once the hand rests for a moment (and at once when the page is hidden).
let urlTimer = null;
function saveToUrlSoon() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(saveToUrl, 150);
}
function saveToUrl() {
  clearTimeout(urlTimer);
  history.replaceState(null, "", `#${serialize(state)}`);
}

const jump = (step) => change((s) => goTo(s, step));
const diagram = new CellDiagram($("diagram"));
const tape = new TapeView($("tape"), { onJump: jump, onEdit: (step, value) => change((s) => {
  s.tape[step - 1] = Math.max(-100, Math.min(100, value));
}) });
const chart = new TimelineChart($("timeline"), $("timeline-legend"), { onJump: jump });
const compare = new CompareView($("memory-chart"), $("flow-chart"), { onJump: jump });
const controls = new Controls({ change, onPlay: togglePlay });
const client = new CellClient({
  onResult(answer) {
    result = answer;
    render();
  },
  onStatus: showConnection,
});

/** The answer for the current state's tape, or null while a new length is on its way. */
function freshResult() {
  return result && result.cell.steps.length === state.tape.length ? result : null;
}

function renderControls() {
  controls.update({ state, playing: Boolean(playing) });
  tape.update({ state, cell: freshResult()?.cell });
}

function render() {
  renderControls();
  const fresh = freshResult();
  if (!fresh) return;
  const view = { state, cell: fresh.cell, rnn: fresh.rnn };
  const step = fresh.cell.steps[state.step - 1];
  $("cell-value").textContent = fmt(step.cell);
  $("output-value").textContent = fmt(step.output);
  if (!performance.getEntriesByName("lab:first-render").length) performance.mark("lab:first-render");
  const scale = Math.max(1, ...fresh.cell.steps.map((s) => Math.abs(s.cell)), ...state.tape.map(Math.abs));
  diagram.update({ state, step, scale });
  const previous = state.step > 1 ? fresh.cell.steps[state.step - 2].cell : 0;
  $("equation").textContent = equation(state, step, previous);
  const words = describeStep(state, step);
  $("diagram-desc").textContent = words;
  announce(words);
  drawChartsInThisFrame(view);
}

// The charts are drawn just before the frame is painted, together with the stored value,
// and only once however many answers arrive within one frame.
let chartView = null;
function drawChartsInThisFrame(view) {
  if (!chartView) {
    requestAnimationFrame(() => {
      chart.update(chartView);
      compare.update(chartView);
      chartView = null;
    });
  }
  chartView = view;
}

let lastAnnounced = null;
function announce(words) {
  if (lastAnnounced === state.step) return; // speak steps, not every slider tick
  lastAnnounced = state.step;
  $("live").textContent = words;
}

function togglePlay() {
  if (playing) {
    clearInterval(playing);
    playing = null;
  } else {
    if (state.step === state.tape.length) change((s) => goTo(s, 1));
    playing = setInterval(() => {
      if (state.step >= state.tape.length) return togglePlay();
      change((s) => goTo(s, s.step + 1));
    }, 1000 / state.speed);
  }
  render();
}

function showConnection(status, detail) {
  const banner = $("connection");
  banner.hidden = status === "online";
  if (status === "offline") banner.textContent = t("connection.offline");
  if (status === "error") banner.textContent = t("connection.error", { message: detail.message });
}

function shortcuts(event) {
  const target = event.target;
  if (target.closest?.("input, select, textarea, [contenteditable]") || event.altKey || event.ctrlKey || event.metaKey) return;
  const onButton = target.closest?.("button");
  if (event.key === "ArrowRight") change((s) => goTo(s, s.step + 1));
  else if (event.key === "ArrowLeft") change((s) => goTo(s, s.step - 1));
  else if (event.key === "Home") change((s) => goTo(s, 1));
  else if (event.key === " " && !onButton) togglePlay();
  else return;
  event.preventDefault();
}

async function start() {
  await loadLanguage("en");
  translatePage();
  if (problems.length) {
    $("notice").hidden = false;
    $("notice").textContent = t("notice.bad_link", { fields: problems.join(", ") });
  }
  document.addEventListener("keydown", shortcuts);
  document.addEventListener("visibilitychange", saveToUrl);
  window.addEventListener("pagehide", saveToUrl);
  saveToUrl();
  render();
  client.request(state);
}

start();
