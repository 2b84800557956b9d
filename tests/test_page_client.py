"""The page's API client (static/js/api.js) on its own, with the browser's fetch replaced
by one the test answers by hand: an answer to a request that a newer one superseded is
never delivered, even when the newer request was asked for but has not left yet."""

import pytest

from tests.page_helpers import open_fresh

pytestmark = pytest.mark.browser

RACE = """async () => {
  const { CellClient, runBodies } = await import("/static/js/api.js");
  const { defaultState } = await import("/static/js/state.js");
  const waiting = []; // one function per request sent: answer it
  window.fetch = (path, init) => new Promise((resolve) => {
    const body = JSON.parse(init.body);
    const answer = { variant: body.variant, steps: [], error_flow: [], first: body.tape[0] };
    waiting.push(() => resolve({ ok: true, status: 200, json: async () => answer }));
  });
  const delivered = [];
  const client = new CellClient({ onResult: (r) => delivered.push(r.cell.first), onStatus: () => {} });
  const nextTask = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));
  const older = defaultState();
  older.tape[0] = 1;
  const newer = defaultState();
  newer.tape[0] = 2;

  client.request(runBodies(older));
  await nextTask(); // the older request has left
  client.request(runBodies(newer)); // asked for; leaves in the next task
  for (const answer of waiting.splice(0)) answer(); // the older answer arrives first
  await nextTask(100);
  for (const answer of waiting.splice(0)) answer();
  await nextTask(100);
  return delivered;
}"""


def test_an_answer_to_a_superseded_request_is_never_delivered(page, live_server):
    open_fresh(page, live_server)
    assert page.evaluate(RACE) == [2]
