// The page's own copy of the one-cell run it asks the server for, so a slider drag is
// drawn at once instead of after a network round trip. It covers the page's requests
// only (every gate scheduled, default weights, or the plain RNN) and follows
// app/model/one_cell.py operation for operation; the server's answer still arrives,
// confirms it and is what stays on screen. A browser test compares the two.
import { CONFIG, gatesOf } from "./config.js";

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

/**
 * The answer POST /api/run gives for `body`, or null for a body this copy does not
 * cover (weights, a computed gate, a non-finite value on the way).
 */
export function runLocally(body) {
  const { variant = "lstm1997", squash = "identity", tape, gates = {}, self_loop: w = 1.0 } = body;
  const names = gatesOf(variant);
  const functions = SQUASH[squash];
  if (!CONFIG.variants.includes(variant) || !functions || body.weights || body.c0 || body.h0) return null;
  if (names.some((gate) => !gates[gate] || gates[gate].length !== tape.length)) return null;
  const run = variant === "rnn"
    ? rnnSteps(tape, w, functions)
    : cellSteps(tape, w, gates, variant, functions);
  if (!run.steps.every((s) => Number.isFinite(s.cell) && Number.isFinite(s.output))) return null;
  return { variant, squash, steps: run.steps, error_flow: errorFlow(run.loops) };
}

// The default weights: the cell input's net is x * 1 + 0, every other weight is 0.
function cellSteps(tape, w, gates, variant, [g, h]) {
  const hasForget = variant !== "lstm1997";
  const steps = [];
  const loops = [];
  let c = 0.0;
  tape.forEach((x, k) => {
    const i = gates.input[k];
    const f = hasForget ? gates.forget[k] : w;
    const loop = hasForget ? w * f : w;
    const z = g(x * 1.0 + 0.0);
    c = loop * c + i * z;
    const o = gates.output[k];
    const y = o * h(c);
    loops.push(loop);
    steps.push(step(k, x, i, hasForget ? f : loop, o, z, c, y));
  });
  return { steps, loops };
}

function rnnSteps(tape, w, [, act, actSlope]) {
  const steps = [];
  const loops = [];
  let hidden = 0.0;
  tape.forEach((x, k) => {
    const net = w * hidden + (x * 1.0 + 0.0) + hidden * 0.0;
    hidden = act(net);
    loops.push(w * actSlope(net));
    steps.push(step(k, x, null, null, null, null, hidden, hidden));
  });
  return { steps, loops };
}

// + 0 turns -0 into 0, as the server does.
const plain = (v) => (v === null ? null : v + 0);

function step(k, x, i, f, o, z, c, y) {
  return { t: k + 1, x: plain(x), input_gate: plain(i), forget_gate: plain(f), output_gate: plain(o),
    cell_input: plain(z), cell: plain(c), output: plain(y) };
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
