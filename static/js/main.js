// One flow for every control: event -> change the state -> write the URL -> ask the
// server -> render. Every view draws from the state and the newest answer only.
import { CellClient, localRuns, runBodies } from "./api.js";
import { TimelineChart } from "./chart.js";
import { CompareView } from "./compare.js";
import { Controls } from "./controls.js";
import { describeStep, equation } from "./describe.js";
import { CellDiagram } from "./diagram.js";
import { downloadCSV, downloadJSON, downloadPNG, downloadSVG } from "./export.js";
import { fmt } from "./format.js";
import { GateModes } from "./gatemode.js";
import { language, setLanguage, t } from "./i18n.js";
import { LessonPanel } from "./lessons.js";
import { applyLesson, defaultTraining, deserialize, goTo, serialize } from "./state.js";
import { TapeView } from "./tape.js";
import { TeacherDialog } from "./teacher.js";
import { TrainPanel } from "./train.js";

const $ = (id) => document.getElementById(id);
const { state, problems, hasTape } = deserialize(location.hash);
let result = null; // the newest {cell, rnn}: the server's answer, or the page's own run before it
let confirmed = null; // the server's newest answer
let playing = null; // the playback timer, while playing

function change(mutate) {
  mutate(state);
  saveToUrlSoon();
  const bodies = runBodies(state);
  if (!client.request(bodies)) return render();
  // A new run is on its way. While the server is reachable the page computes the same run
  // itself and draws it at once; the server's answer then confirms it. Offline, only the
  // controls move, and the views keep what the server last said.
  const predicted = client.online ? localRuns(bodies) : null;
  if (predicted) {
    result = predicted;
    render();
  } else renderControls();
}

/** Move to a step, unless a lesson asks for a prediction on the way. */
function stepTo(target) {
  const pending = target > state.step ? lessons.pending(state.step + 1, target) : null;
  if (pending) {
    stopPlaying();
    lessons.ask(pending);
    return;
  }
  change((s) => goTo(s, target));
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

const diagram = new CellDiagram($("diagram"));
const tape = new TapeView($("tape"), {
  onJump: stepTo,
  onEdit: (step, value) => change((s) => (s.tape[step - 1] = Math.max(-100, Math.min(100, value)))),
});
const chart = new TimelineChart($("timeline"), $("timeline-legend"), { onJump: stepTo });
const compare = new CompareView($("memory-chart"), $("flow-chart"), { onJump: stepTo });
const controls = new Controls({ change, stepTo, onPlay: togglePlay });
const gateModes = new GateModes({ change });
const lessons = new LessonPanel({
  onAnswer: (entry) => change((s) => goTo(s, entry.at)), // the panel reveals once the run is in
  onLeave: () => change((s) => (s.lesson = null)),
  onOpen: (id) => openLesson(id, { apply: true }),
});
const training = new TrainPanel({ change });
const teacher = new TeacherDialog($("teacher-dialog"), { getState: () => state, getLessons: () => lessons.list });
const client = new CellClient({
  onResult(answer) {
    result = confirmed = answer;
    render();
  },
  onStatus(status, detail) {
    showConnection(status, detail);
    if (status !== "online" && result !== confirmed) {
      result = confirmed; // a run the server did not confirm leaves the screen
      render();
    }
  },
});

/** The answer for the current state's tape, or null while a new length is on its way. */
function freshResult() {
  return result && result.cell.steps.length === state.tape.length ? result : null;
}

function renderControls() {
  controls.update({ state, playing: Boolean(playing) });
  gateModes.update({ state, step: freshResult()?.cell.steps[state.step - 1] });
  tape.update({ state, cell: freshResult()?.cell });
  document.body.classList.toggle("projector", state.projector);
  $("projector-toggle").checked = state.projector;
  $("language").value = language();
  for (const node of document.querySelectorAll("[data-control]")) {
    node.classList.toggle("teacher-hidden", state.hide.includes(node.dataset.control));
  }
  if (!state.lesson && lessons.active) lessons.close();
  lessons.update(state, freshResult()?.cell);
  training.update(state);
}

function render() {
  renderControls();
  const fresh = freshResult();
  if (!fresh) return;
  document.body.dataset.run = fresh.provisional ? "page" : "server"; // who computed what is shown
  const step = fresh.cell.steps[state.step - 1];
  $("cell-value").textContent = fmt(step.cell);
  $("output-value").textContent = fmt(step.output);
  if (!performance.getEntriesByName("lab:first-render").length) performance.mark("lab:first-render");
  const scale = Math.max(1, ...fresh.cell.steps.map((s) => Math.abs(s.cell)), ...state.tape.map(Math.abs));
  const previous = state.step > 1 ? fresh.cell.steps[state.step - 2].cell : 0;
  diagram.update({ state, step, scale, previous });
  $("equation").textContent = equation(state, step, previous);
  const words = describeStep(state, step);
  $("diagram-desc").textContent = words;
  announce(words);
  // In a lesson the charts stop at the current step, so they never give an answer away.
  drawChartsInThisFrame({ state, cell: fresh.cell, rnn: fresh.rnn, upTo: state.lesson ? state.step : null });
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
  const key = `${state.step}|${language()}`;
  if (lastAnnounced === key) return; // speak steps, not every slider tick
  lastAnnounced = key;
  $("live").textContent = words;
}

function stopPlaying() {
  clearInterval(playing);
  playing = null;
}

function togglePlay() {
  if (playing) stopPlaying();
  else {
    if (state.step === state.tape.length) stepTo(1);
    playing = setInterval(() => {
      if (state.step >= state.tape.length) {
        stopPlaying();
        render();
      } else stepTo(state.step + 1);
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

function showNotice(text) {
  $("notice").hidden = !text;
  $("notice").textContent = text;
}

function shortcuts(event) {
  const target = event.target;
  if (target.closest?.("input, select, textarea, dialog, [contenteditable]")) return;
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  const onButton = target.closest?.("button");
  if (event.key === "ArrowRight") stepTo(state.step + 1);
  else if (event.key === "ArrowLeft") stepTo(state.step - 1);
  else if (event.key === "Home") stepTo(1);
  else if (event.key === " " && !onButton) togglePlay();
  else if (event.key === "?") $("help-dialog").showModal();
  else return;
  event.preventDefault();
}

async function openLesson(id, { apply }) {
  try {
    const lesson = await lessons.load(id);
    if (!lessons.list.length) await lessons.loadList();
    if (apply) change((s) => applyLesson(s, lesson));
    else change((s) => (s.lesson = lesson.id));
    $("lessons-dialog").close();
    $("lesson").scrollIntoView?.({ block: "nearest" });
  } catch {
    showNotice(t("lessons.unavailable"));
    change((s) => (s.lesson = null));
  }
}

async function switchLanguage(lang) {
  try {
    await setLanguage(lang);
  } catch {
    return;
  }
  change((s) => (s.lang = lang));
  lessons.list = []; // reloaded in the new language (by openLesson, or when next needed)
  if (lessons.active) await openLesson(state.lesson, { apply: false });
  lastAnnounced = null;
  render();
}

function wireMenus() {
  $("language").addEventListener("change", (e) => switchLanguage(e.target.value));
  $("open-help").addEventListener("click", () => $("help-dialog").showModal());
  $("open-teacher").addEventListener("click", async () => {
    if (!lessons.list.length) await lessons.loadList().catch(() => []);
    teacher.open();
  });
  $("open-lessons").addEventListener("click", async () => {
    try {
      await lessons.loadList();
      lessons.renderList($("lesson-list"), (id) => openLesson(id, { apply: true }));
    } catch {
      $("lesson-list").textContent = t("lessons.unavailable");
    }
    $("lessons-dialog").showModal();
  });
  $("open-train").addEventListener("click", () => {
    change((s) => (s.train = s.train ? null : defaultTraining()));
    if (state.train) $("train").scrollIntoView?.({ block: "start" });
  });
  $("train-close").addEventListener("click", () => {
    change((s) => (s.train = null));
    $("open-train").focus();
  });
  $("projector-toggle").addEventListener("change", (e) => change((s) => (s.projector = e.target.checked)));
  $("download-csv").addEventListener("click", () => freshResult() && downloadCSV(freshResult()));
  $("download-json").addEventListener("click", () => freshResult() && downloadJSON(state, freshResult()));
  $("download-svg").addEventListener("click", () => downloadSVG($("diagram")));
  $("download-png").addEventListener("click", () => downloadPNG($("diagram")));
}

async function start() {
  if (problems.length) showNotice(t("notice.bad_link", { fields: problems.join(", ") }));
  wireMenus();
  document.addEventListener("keydown", shortcuts);
  document.addEventListener("visibilitychange", saveToUrl);
  window.addEventListener("pagehide", saveToUrl);
  if (state.lang && state.lang !== language()) await setLanguage(state.lang).catch(() => {});
  saveToUrl();
  render();
  client.request(runBodies(state));
  // A link with a lesson but no tape of its own loads the lesson's setup.
  if (state.lesson) openLesson(state.lesson, { apply: !hasTape });
}

start();
