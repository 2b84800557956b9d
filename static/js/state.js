// The one state object of the page, and its round trip through the URL hash.
// Gate schedules hold one value per step, or null where a step was never set: an unset
// step carries the last set value before it (what the sliders showed when it was reached).
import { CONFIG, GATES, GATE_DEFAULT, gatesOf } from "./config.js";

const C = CONFIG;
export const LANGUAGES = ["en", "zh-Hant", "zh-Hans"];

export function defaultState() {
  const tape = [...C.tape.default];
  return {
    variant: C.variant_default,
    squash: C.squash_default,
    selfLoop: C.self_loop.default,
    rnnSelfLoop: C.self_loop.rnn_default,
    tape,
    gates: Object.fromEntries(GATES.map((g) => [g, freshSchedule(g, tape.length)])),
    computed: [], // gates computed from their weights instead of set by slider at each step
    weights: defaultWeights(), // {row: {wx, wh, b, wc|bh}} for every gate and the cell input
    step: 1,
    speed: 2,
    lang: null, // null: the language the server chose from the browser's settings
    lesson: null, // the id of the guided lesson being followed
    hide: [], // controls a teacher link hides (data-control names)
    projector: false,
    train: null, // the training lab's settings {task, lag, model, seed} while its panel is open
  };
}

/** Copy a lesson's setup into the state, at its first step. */
export function applyLesson(state, lesson) {
  Object.assign(state, {
    lesson: lesson.id, variant: lesson.variant, squash: lesson.squash,
    selfLoop: lesson.self_loop, rnnSelfLoop: lesson.rnn_self_loop, tape: [...lesson.tape], step: 1,
  });
  for (const gate of GATES) {
    const schedule = lesson.gates?.[gate];
    state.gates[gate] = schedule ? [...schedule] : freshSchedule(gate, state.tape.length);
  }
  state.computed = [...(lesson.computed ?? [])];
  state.weights = defaultWeights();
  for (const [row, entries] of Object.entries(lesson.weights ?? {})) Object.assign(state.weights[row], entries);
  state.step = Math.min(Math.max(1, lesson.start_step ?? 1), state.tape.length);
}

// The weights' rows and entries as the API names them; the cell input stores x (wx = 1).
// A gate's fourth entry is its peephole weight wc; the cell input's is the GRU's bh.
export const WEIGHT_ROWS = [...GATES, "cell"];
export const entriesOf = (row) => (row === "cell" ? ["wx", "wh", "b", "bh"] : ["wx", "wh", "b", "wc"]);

export function defaultWeights() {
  return Object.fromEntries(WEIGHT_ROWS.map((row) => [row, Object.fromEntries(
    entriesOf(row).map((e) => [e, row === "cell" && e === "wx" ? 1 : 0]))]));
}

/** The gates of the state's variant that follow their weights. */
export function computedGates(state) {
  return gatesOf(state.variant).filter((g) => state.computed.includes(g));
}

function freshSchedule(gate, length) {
  const schedule = new Array(length).fill(null);
  schedule[0] = GATE_DEFAULT[gate];
  return schedule;
}

/** Activations per step with unset steps filled by the last set value. */
export function effectiveSchedule(state, gate) {
  let carried = GATE_DEFAULT[gate];
  return state.gates[gate].map((v) => (carried = v === null ? carried : v));
}

/** The gate value the sliders show at the current step. */
export function gateAt(state, gate, step = state.step) {
  const schedule = state.gates[gate];
  for (let k = step - 1; k >= 0; k--) if (schedule[k] !== null) return schedule[k];
  return GATE_DEFAULT[gate];
}

export function setGate(state, gate, value) {
  state.gates[gate][state.step - 1] = value;
}

/** Move to a step; arriving on a never-set step carries the current slider positions. */
export function goTo(state, step) {
  const target = Math.min(Math.max(1, step), state.tape.length);
  if (target === state.step) return;
  for (const gate of GATES) {
    if (state.gates[gate][target - 1] === null) state.gates[gate][target - 1] = gateAt(state, gate);
  }
  state.step = target;
}

/** Lengthen or shorten the tape; new steps read 0 and carry the gates. */
export function setLength(state, length) {
  const n = Math.min(Math.max(C.tape.min_steps, length), C.tape.max_steps);
  const resize = (a, fill) => (a.length >= n ? a.slice(0, n) : a.concat(new Array(n - a.length).fill(fill)));
  state.tape = resize(state.tape, 0);
  for (const gate of GATES) state.gates[gate] = resize(state.gates[gate], null);
  state.step = Math.min(state.step, n);
}

// ---- URL round trip -------------------------------------------------------------

const num = (v) => String(v); // shortest text that reads back to the same double
const list = (a) => a.map((v) => (v === null ? "" : num(v))).join(",");

export function serialize(state) {
  const p = new URLSearchParams();
  p.set("variant", state.variant);
  p.set("squash", state.squash);
  p.set("loop", num(state.selfLoop));
  p.set("rnn", num(state.rnnSelfLoop));
  p.set("tape", list(state.tape));
  const fresh = defaultState();
  for (const gate of GATES) {
    const own = gatesOf(state.variant).includes(gate);
    if (own || list(state.gates[gate]) !== list(freshSchedule(gate, state.tape.length))) {
      p.set(gate, list(state.gates[gate]));
    }
  }
  if (state.computed.length) p.set("computed", state.computed.join(","));
  for (const row of WEIGHT_ROWS) {
    const values = entriesOf(row).map((e) => state.weights[row][e]);
    if (list(values) !== list(entriesOf(row).map((e) => fresh.weights[row][e]))) p.set(`w_${row}`, list(values));
  }
  p.set("step", String(state.step));
  p.set("speed", num(state.speed));
  if (state.lang) p.set("lang", state.lang);
  if (state.lesson) p.set("lesson", state.lesson);
  if (state.hide.length) p.set("hide", state.hide.join(","));
  if (state.projector) p.set("mode", "projector");
  if (state.train) p.set("train", [state.train.task, state.train.lag, state.train.model, state.train.seed].join(","));
  return p.toString();
}

/** The training lab's settings opened with their defaults. */
export function defaultTraining() {
  return { task: C.train.tasks[0], lag: C.train.lag_default, model: C.variant_default, seed: 0 };
}

/** "task,lag,model,seed" -> settings, or null when any part is out of range. */
function parseTrain(text) {
  const [task, lag, model, seed] = text.split(",");
  const lagValue = finiteIn(lag ?? "", C.train.lag_min, C.train.lag_max);
  const seedValue = finiteIn(seed ?? "", 0, C.train.seed_max);
  const whole = [lagValue, seedValue].every((v) => v !== null && Number.isInteger(v));
  if (!C.train.tasks.includes(task) || !C.train.models.includes(model) || !whole) return null;
  return { task, lag: lagValue, model, seed: seedValue };
}

function finiteIn(text, lo, hi) {
  if (text === null || text.trim() === "") return null;
  const v = Number(text);
  return Number.isFinite(v) && v >= lo && v <= hi ? v : null;
}

function parseList(text, lo, hi, allowEmpty) {
  const parts = text.split(",");
  const values = parts.map((s) => (allowEmpty && s === "" ? null : finiteIn(s, lo, hi)));
  const bad = values.some((v, k) => v === null && !(allowEmpty && parts[k] === ""));
  return bad ? null : values;
}

/** Read a state from a URL hash or query string. Invalid parts fall back to their
 *  defaults; `problems` names each one so the page can say so. */
export function deserialize(text) {
  const p = new URLSearchParams(text.replace(/^[#?]/, ""));
  const state = defaultState();
  const problems = [];
  const take = (key, parse, apply) => {
    if (!p.has(key)) return;
    const value = parse(p.get(key));
    if (value === null || value === undefined) problems.push(key);
    else apply(value);
  };
  take("variant", (s) => (C.menu_variants.includes(s) ? s : null), (v) => (state.variant = v));
  take("squash", (s) => (C.squashes.includes(s) ? s : null), (v) => (state.squash = v));
  const loop = C.self_loop;
  take("loop", (s) => finiteIn(s, loop.min, loop.max), (v) => (state.selfLoop = v));
  take("rnn", (s) => finiteIn(s, loop.min, loop.max), (v) => (state.rnnSelfLoop = v));
  const limit = C.tape.value_limit;
  take("tape", (s) => {
    const tape = parseList(s, -limit, limit, false);
    return tape && tape.length >= C.tape.min_steps && tape.length <= C.tape.max_steps ? tape : null;
  }, (tape) => setLength(Object.assign(state, { tape }), tape.length));
  for (const gate of GATES) {
    take(gate, (s) => {
      const values = parseList(s, C.gate.min, C.gate.max, true);
      return values && values.length === state.tape.length ? values : null;
    }, (values) => (state.gates[gate] = values));
  }
  take("computed", (s) => {
    const names = s.split(",").filter(Boolean);
    return names.every((n) => GATES.includes(n)) ? names : null;
  }, (v) => (state.computed = v));
  for (const row of WEIGHT_ROWS) {
    take(`w_${row}`, (s) => {
      const values = parseList(s, -C.weight_limit, C.weight_limit, false);
      return values && values.length === 4 ? values : null;
    }, (values) => entriesOf(row).forEach((e, k) => (state.weights[row][e] = values[k])));
  }
  take("step", (s) => {
    const v = finiteIn(s, 1, state.tape.length);
    return v !== null && Number.isInteger(v) ? v : null;
  }, (v) => (state.step = v));
  take("speed", (s) => finiteIn(s, 0.5, 8), (v) => (state.speed = v));
  take("lang", (s) => (LANGUAGES.includes(s) ? s : null), (v) => (state.lang = v));
  take("lesson", (s) => (/^[a-z0-9-]{1,40}$/.test(s) ? s : null), (v) => (state.lesson = v));
  take("hide", (s) => {
    const names = s.split(",").filter(Boolean);
    return names.every((n) => C.hideable.includes(n)) ? names : null;
  }, (v) => (state.hide = v));
  take("mode", (s) => (s === "projector" ? true : null), (v) => (state.projector = v));
  take("train", parseTrain, (v) => (state.train = v));
  return { state, problems, hasTape: p.has("tape") };
}
