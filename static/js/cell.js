// The page's own copy of the one-cell run it asks the server for, so a slider drag is
// drawn at once instead of after a network round trip. It covers every body the page
// sends (any variant, scheduled or computed gates, weights, peepholes, the GRU) with the
// equations of app/model/one_cell.py; the server's answer still arrives, confirms it and
// is what stays on screen. Both are checked against tests/golden/cells.json (made from
// the tests' independent reference), and a browser test compares the two over random bodies.
import { CONFIG } from "./config.js";

const sigmoid = (v) => 0.5 * Math.tanh(0.5 * v) + 0.5;
const same = (v) => v;
const one = () => 1.0;
const logisticSlope = (v) => {
  const s = sigmoid(v);
  return s * (1.0 - s);
};

// g, h and h' of each squash, as in app/model/squash.py.
const SQUASH = {
  identity: [same, same, one],
  tanh: [Math.tanh, Math.tanh, (v) => 1.0 - Math.tanh(v) ** 2],
  paper: [(v) => 4.0 * sigmoid(v) - 2.0, (v) => 2.0 * sigmoid(v) - 1.0, (v) => 2.0 * logisticSlope(v)],
  logistic: [sigmoid, same, one],
};

const ENTRIES = ["wx", "wh", "b", "wc", "bh"];
const ROWS = ["input", "forget", "cell", "output", "update", "reset"];

/** Every weight row with the API's defaults filled in (cell wx = 1, all else 0). */
export function fullWeights(weights = {}) {
  return Object.fromEntries(ROWS.map((row) => [row, Object.fromEntries(ENTRIES.map((name) =>
    [name, weights[row]?.[name] ?? (row === "cell" && name === "wx" ? 1.0 : 0.0)]))]));
}

const DEFAULT_WEIGHTS = fullWeights();

/**
 * The answer POST /api/run gives for `body`, or null for a body this copy does not
 * cover (an unknown name, a wrong length, a non-finite value on the way).
 */
export function runLocally(body) {
  const { variant = CONFIG.variant_default, squash = CONFIG.squash_default, tape, gates = {},
    self_loop: w = 1.0, c0 = 0.0, h0 = 0.0 } = body;
  const declared = CONFIG.variant[variant];
  const functions = SQUASH[squash];
  if (!declared || !functions || !Array.isArray(tape) || !(w >= CONFIG.self_loop.min && w <= CONFIG.self_loop.max)) {
    return null;
  }
  if (Object.entries(gates).some(([g, s]) => !declared.gates.includes(g) || s.length !== tape.length)) return null;
  const weights = body.weights ? fullWeights(body.weights) : DEFAULT_WEIGHTS;
  const run = { rnn: rnnSteps, gru: gruSteps }[variant] ?? cellSteps;
  const { steps, loops } = run({ tape, w, gates, weights, declared, functions, c0, h0 });
  if (!steps.every((s) => Number.isFinite(s.cell) && Number.isFinite(s.output))) return null;
  return { variant, squash, steps, error_flow: errorFlow(loops) };
}

// The LSTM variants: gates computed from weights unless scheduled, as in one_cell.run_one.
function cellSteps({ tape, w, gates, weights: W, declared, functions: [g, h], c0, h0 }) {
  const { input: I, forget: F, cell: G, output: O } = W;
  const sched = { i: gates.input, f: gates.forget, o: gates.output };
  const rows = [I, F, G, O];
  const peep = declared.peepholes && rows.some((r) => r.wc !== 0);
  const feedback = rows.some((r) => r.wh !== 0); // skip y*0 terms, as the server does
  const steps = [];
  const loops = [];
  let c = c0;
  let y = h0;
  tape.forEach((x, k) => {
    let ni = x * I.wx + I.b;
    let nf = x * F.wx + F.b;
    let ng = x * G.wx + G.b;
    let no = x * O.wx + O.b;
    if (feedback) {
      ni += y * I.wh;
      nf += y * F.wh;
      ng += y * G.wh;
      no += y * O.wh;
    }
    if (peep) {
      ni += I.wc * c; // input and forget gates see c_{t-1}
      nf += F.wc * c;
    }
    const i = sched.i ? sched.i[k] : sigmoid(ni);
    const f = declared.has_forget ? (sched.f ? sched.f[k] : sigmoid(nf)) : w;
    const loop = declared.has_forget ? w * f : w;
    const z = g(ng);
    c = loop * c + i * z;
    if (peep && !sched.o) no += O.wc * c; // the output gate sees c_t
    const o = sched.o ? sched.o[k] : sigmoid(no);
    y = o * h(c);
    loops.push(loop);
    steps.push(step(k, x, i, declared.has_forget ? f : loop, o, z, c, y));
  });
  return { steps, loops };
}

function rnnSteps({ tape, w, weights: { cell: G }, functions: [, act, actSlope], h0 }) {
  const steps = [];
  const loops = [];
  let hidden = h0;
  tape.forEach((x, k) => {
    const net = w * hidden + (x * G.wx + G.b) + hidden * G.wh;
    hidden = act(net);
    loops.push(w * actSlope(net));
    steps.push(step(k, x, null, null, null, null, hidden, hidden));
  });
  return { steps, loops };
}

// h_t = (1 - z) h_{t-1} + z g(x wx_n + b_n + r (h_{t-1} wh_n + bh)); the carry factor is 1 - z.
function gruSteps({ tape, gates, weights: { reset: R, update: Z, cell: N }, functions: [g], h0 }) {
  const steps = [];
  const loops = [];
  let hidden = h0;
  tape.forEach((x, k) => {
    const r = gates.reset ? gates.reset[k] : sigmoid(x * R.wx + R.b + hidden * R.wh);
    const z = gates.update ? gates.update[k] : sigmoid(x * Z.wx + Z.b + hidden * Z.wh);
    const candidate = g(x * N.wx + N.b + r * (hidden * N.wh + N.bh));
    hidden = (1.0 - z) * hidden + z * candidate;
    loops.push(1.0 - z);
    steps.push(gruStep(k, x, z, r, candidate, hidden));
  });
  return { steps, loops };
}

// + 0 turns -0 into 0, as the server does.
const plain = (v) => (v === null ? null : v + 0);

/** One step in the server's field order (the GRU's adds its two gates). */
function step(k, x, i, f, o, z, c, y) {
  return { t: k + 1, x: plain(x), input_gate: plain(i), forget_gate: plain(f), output_gate: plain(o),
    cell_input: plain(z), cell: plain(c), output: plain(y) };
}

function gruStep(k, x, z, r, candidate, h) {
  return { t: k + 1, x: plain(x), input_gate: null, forget_gate: null, output_gate: null,
    update_gate: plain(z), reset_gate: plain(r), cell_input: plain(candidate), cell: plain(h), output: plain(h) };
}

/** Products of the loop factors from the end; the last entry is 1. */
function errorFlow(loops) {
  const flow = new Array(loops.length).fill(1.0);
  let factor = 1.0;
  for (let t = loops.length - 1; t > 0; t--) {
    factor *= loops[t];
    flow[t - 1] = plain(factor);
  }
  return flow;
}
