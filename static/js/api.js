// The API client: request bodies are pure functions of the state; only the newest
// answer is ever delivered (older requests are aborted or dropped), and a lost server
// is retried with back-off while the page keeps what it shows.
import { runLocally } from "./cell.js";
import { CONFIG, gatesOf } from "./config.js";
import { computedGates, defaultWeights, effectiveSchedule, entriesOf } from "./state.js";

export function cellRunBody(state) {
  const gates = {};
  const computed = computedGates(state);
  for (const gate of gatesOf(state.variant)) if (!computed.includes(gate)) gates[gate] = effectiveSchedule(state, gate);
  const body = { variant: state.variant, squash: state.squash, tape: state.tape, gates };
  if (CONFIG.variant[state.variant].self_loop) body.self_loop = state.selfLoop;
  const weights = usedWeights(state, computed);
  if (weights) body.weights = weights;
  return body;
}

const DEFAULT_WEIGHTS = defaultWeights();

/** The weights the server reads for this state, only those away from their defaults:
 *  the computed gates' (wc with peepholes) and the cell input's (bh for the GRU). */
function usedWeights(state, computed) {
  const declared = CONFIG.variant[state.variant];
  const used = (row, e) => (row === "cell" ? e !== "bh" || state.variant === "gru" : e !== "wc" || declared.peepholes);
  const weights = {};
  for (const row of [...computed, "cell"]) {
    for (const e of entriesOf(row)) {
      const v = state.weights[row][e];
      if (used(row, e) && v !== DEFAULT_WEIGHTS[row][e]) (weights[row] ??= {})[e] = v;
    }
  }
  return Object.keys(weights).length ? weights : null;
}

export function rnnRunBody(state) {
  return { variant: "rnn", squash: state.squash, tape: state.tape, self_loop: state.rnnSelfLoop };
}

/** The two runs the page shows for `state`: the cell's request body and the RNN's. */
export function runBodies(state) {
  return [cellRunBody(state), rnnRunBody(state)];
}

/** The page's own answers to runBodies ({cell, rnn}, marked provisional), or null. */
export function localRuns([cellBody, rnnBody]) {
  const cell = runLocally(cellBody);
  const rnn = runLocally(rnnBody);
  return cell && rnn ? { cell, rnn, provisional: true } : null;
}

export class RequestError extends Error {
  constructor(status, answer) {
    super(answer?.message || `the server answered ${status}`);
    this.status = status;
    this.fields = answer?.fields || [];
  }
}

async function postJSON(path, body, signal) {
  const response = await fetch(path, {
    method: "POST", headers: { "Content-Type": "application/json" }, body, signal,
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new RequestError(response.status, answer);
  return answer;
}

/**
 * Runs the cell and the RNN for a state. `onResult(result)` receives only the newest
 * answer; `onStatus("online" | "offline" | "error", detail)` reports the connection.
 * A body already answered is not sent again (the RNN does not change with the gates).
 */
export class CellClient {
  constructor({ onResult, onStatus }) {
    this.onResult = onResult;
    this.onStatus = onStatus;
    this.generation = 0;
    this.controller = null;
    this.answers = new Map(); // request body -> answer, for the last answered bodies
    this.pendingKey = null;
    this.retryTimer = null;
    this.sendTimer = null;
    this.nextBodies = null;
    this.retryDelay = 500;
    this.online = true; // until a request fails
  }

  /**
   * Ask for the runs of runBodies(state); returns false when nothing needed asking. The
   * request leaves in a task of its own, after the page has drawn its own run of the cell.
   */
  request(runs) {
    const bodies = runs.map((body) => JSON.stringify(body));
    const key = bodies.join("\n");
    if (key === this.pendingKey) return false;
    this.pendingKey = key;
    this.supersede(); // from now on an answer to an older request is dropped
    this.nextBodies = bodies;
    this.sendTimer ??= setTimeout(() => {
      this.sendTimer = null;
      this.send(this.nextBodies);
    });
    return true;
  }

  supersede() {
    this.generation++;
    this.controller?.abort();
    clearTimeout(this.retryTimer);
  }

  /** Send `bodies` (superseded already by request(), or a retry of them). */
  async send(bodies) {
    const generation = this.generation;
    const controller = (this.controller = new AbortController());
    try {
      const ask = (body) => this.answers.get(body) ?? postJSON("/api/run", body, controller.signal);
      const [cell, rnn] = await Promise.all(bodies.map(ask));
      if (generation !== this.generation) return; // a newer request superseded this one
      this.answers = new Map([[bodies[0], cell], [bodies[1], rnn]]);
      this.retryDelay = 500;
      this.online = true;
      this.onStatus("online");
      this.onResult({ cell, rnn });
    } catch (error) {
      if (generation !== this.generation || error.name === "AbortError") return;
      if (error instanceof RequestError) {
        this.pendingKey = null; // the same state may be asked again once it changes back
        this.onStatus("error", error);
        return;
      }
      this.online = false;
      this.onStatus("offline", error);
      this.retryTimer = setTimeout(() => this.send(bodies), this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, 4000);
    }
  }
}
