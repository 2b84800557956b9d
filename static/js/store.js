// The page's one store: the state (which round-trips through the URL hash) and the run
// on screen. Every change, from a control, the keyboard, a lesson or a live class, takes
// the same path: change(mutate) -> write the URL -> ask the server -> apply(run) -> the
// subscribed views draw. apply() is the only writer of the run.
import { CellClient, localRuns, runBodies } from "./api.js";
import { deserialize, serialize } from "./state.js";

const link = deserialize(location.hash);
export const state = link.state;
export const linkProblems = link.problems; // the link's fields that fell back to defaults
export const linkHasTape = link.hasTape;

let run = null; // the newest {cell, rnn}: the server's answer, or the page's own run before it
let confirmed = null; // the server's newest answer
const views = new Set();
const connectionViews = new Set();

/** Call `view({state, run, withRun})` after every change; `withRun` is false when only
 *  the controls moved (offline, a run on its way: the views keep the last run). */
export function subscribe(view) {
  views.add(view);
  return () => views.delete(view);
}

/** Call `view(status, detail)` when the server's connection changes (see CellClient). */
export function subscribeConnection(view) {
  connectionViews.add(view);
}

function publish(withRun) {
  const message = { state, run: freshRun(), withRun };
  for (const view of views) view(message);
}

/** Draw everything again (after a change outside the state: play, a language, a reload). */
export function refresh() {
  publish(true);
}

/** Make `answer` ({cell, rnn}, or null) the run on screen. */
export function apply(answer) {
  run = answer;
  publish(true);
}

/** The run for the current state's tape, or null while a new length is on its way. */
export function freshRun() {
  return run && run.cell.steps.length === state.tape.length ? run : null;
}

/** Edit the state with `mutate(state)`, then write the URL, ask for the run and draw. */
export function change(mutate) {
  mutate(state);
  saveToUrlSoon();
  const bodies = runBodies(state);
  if (!client.request(bodies)) return publish(true);
  // A new run is on its way. While the server is reachable the page computes the same run
  // itself and draws it at once; the server's answer then confirms it. Offline, only the
  // controls move, and the views keep what the server last said.
  const predicted = client.online ? localRuns(bodies) : null;
  if (predicted) apply(predicted);
  else publish(false);
}

/** Ask for the run of the state as it is (at start-up). */
export function requestRun() {
  client.request(runBodies(state));
}

const client = new CellClient({
  onResult(answer) {
    confirmed = answer;
    apply(answer);
  },
  onStatus(status, detail) {
    for (const view of connectionViews) view(status, detail);
    if (status !== "online" && run !== confirmed) apply(confirmed); // an unconfirmed run leaves
  },
});

// Chromium throttles history.replaceState when called on every slider tick, so the URL is
// written once the hand rests for a moment (and at once when the page is hidden).
let urlTimer = null;
function saveToUrlSoon() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(saveToUrl, 150);
}

export function saveToUrl() {
  clearTimeout(urlTimer);
  history.replaceState(null, "", `#${serialize(state)}`);
}
