"""Write tests/golden/cells.json: /api/run request bodies and the runs the tests'
independent references (tests/reference.py, the papers' equations on plain floats)
give for them. Every implementation of the cell (the float path, the array path, the
page's static/js/cell.js) is checked against this one file.

    .venv/bin/python -m tests.golden.make_cells
"""

import json
import math
import random
from pathlib import Path

from tests import reference as ref

OUT = Path(__file__).with_name("cells.json")
SQUASH_G = {"identity": lambda v: v, "tanh": math.tanh}


def tape(rnd, n, scale=1.0):
    return [round(rnd.uniform(-scale, scale), 3) for _ in range(n)]


def rows(rnd, names, entries=("wx", "wh", "b"), scale=1.0):
    return {name: {e: round(rnd.uniform(-scale, scale), 3) for e in entries} for name in names}


def flow(loops):
    out = [1.0] * len(loops)
    for t in range(len(loops) - 1, 0, -1):
        out[t - 1] = out[t] * loops[t]
    return out


def case(name, body, steps, loops):
    return {"name": name, "body": body, "steps": steps, "error_flow": flow(loops)}


def lstm_computed(rnd, variant, n=20):
    """forget (vanilla, tanh), peephole (Gers, tanh) and lstm1997 (paper squashing)."""
    names = {"lstm1997": ("input", "cell", "output")}.get(variant, ("input", "forget", "cell", "output"))
    entries = ("wx", "wh", "b", "wc") if variant == "peephole" else ("wx", "wh", "b")
    weights = rows(rnd, names, entries, 1.5)
    if variant == "peephole":
        weights["cell"]["wc"] = 0.0
    squash = {"lstm1997": "paper"}.get(variant, "tanh")
    body = {"variant": variant, "squash": squash, "tape": tape(rnd, n, 2), "weights": weights}
    k = ("input", "forget", "cell", "output")
    wx, wh, b = ([weights.get(r, {}).get(e, 0.0) for r in k] for e in ("wx", "wh", "b"))
    wc = [weights.get(r, {}).get("wc", 0.0) for r in k]
    h = c = 0.0
    steps, loops = [], []
    for x in body["tape"]:
        if variant == "lstm1997":
            i, o, g, c, h = ref.lstm1997_step(x, h, c, wx, wh, b)
            f = 1.0
        elif variant == "forget":
            i, f, g, o, c, h = ref.vanilla_lstm_step(x, h, c, wx, wh, b)
        else:
            i, f, g, o, c, h = ref.peephole_lstm_step(x, h, c, wx, wh, b, wc)
        steps.append({"input_gate": i, "forget_gate": f, "output_gate": o, "cell_input": g,
                      "cell": c, "output": h})
        loops.append(f)
    return case(f"{variant} computed", body, steps, loops)


def lstm_scheduled(rnd, variant, w, n=24):
    gates = {g: [round(rnd.random(), 2) for _ in range(n)]
             for g in ({"lstm1997": ("input", "output")}.get(variant, ("input", "forget", "output")))}
    body = {"variant": variant, "squash": "tanh", "tape": tape(rnd, n, 3), "gates": gates, "self_loop": w}
    c = 0.0
    steps, loops = [], []
    for k, x in enumerate(body["tape"]):
        f = gates["forget"][k] if "forget" in gates else 1.0
        i, o = gates["input"][k], gates["output"][k]
        c, y = ref.scheduled_cell_step(x, c, i, f, o, w, math.tanh, math.tanh)
        steps.append({"input_gate": i, "forget_gate": f if "forget" in gates else w, "output_gate": o,
                      "cell_input": math.tanh(x), "cell": c, "output": y})
        loops.append(w * f)
    return case(f"{variant} scheduled", body, steps, loops)


def gru(rnd, squash, scheduled, n=30):
    weights = rows(rnd, ("reset", "update", "cell"), scale=1.5)
    weights["cell"]["bh"] = round(rnd.uniform(-1, 1), 3)
    if squash == "identity":
        weights["cell"]["wh"] = round(weights["cell"]["wh"] * 0.3, 3)
    body = {"variant": "gru", "squash": squash, "tape": tape(rnd, n, 2), "weights": weights}
    gates = {}
    if scheduled:
        gates = {g: [round(rnd.random(), 2) for _ in range(n)] for g in scheduled}
        body["gates"] = gates
    wx, wh, b = ([weights[r][e] for r in ("reset", "update", "cell")] for e in ("wx", "wh", "b"))
    h = 0.0
    steps, loops = [], []
    for k, x in enumerate(body["tape"]):
        z, r, candidate, h = ref.gru_step(x, h, wx, wh, b, weights["cell"]["bh"], g=SQUASH_G[squash],
                                          z=gates.get("update", [None] * n)[k],
                                          r=gates.get("reset", [None] * n)[k])
        steps.append({"update_gate": z, "reset_gate": r, "cell_input": candidate, "cell": h, "output": h})
        loops.append(1 - z)
    return case(f"gru {squash} {'+'.join(scheduled) or 'computed'}", body, steps, loops)


def rnn(rnd, w, n=20):
    weights = rows(rnd, ("cell",), scale=1.0)
    body = {"variant": "rnn", "squash": "tanh", "tape": tape(rnd, n, 2), "weights": weights, "self_loop": w}
    h = 0.0
    steps, loops = [], []
    for x in body["tape"]:
        h, slope = ref.rnn_step(x, h, w, weights["cell"]["wx"], weights["cell"]["wh"], weights["cell"]["b"])
        steps.append({"cell": h, "output": h})
        loops.append(slope)
    return case("rnn tanh", body, steps, loops)


def cases() -> list[dict]:
    rnd = random.Random(12)
    return [
        lstm_computed(rnd, "forget"), lstm_computed(rnd, "peephole"), lstm_computed(rnd, "lstm1997"),
        lstm_scheduled(rnd, "lstm1997", 1.0), lstm_scheduled(rnd, "forget", 0.95),
        gru(rnd, "tanh", ()), gru(rnd, "identity", ()), gru(rnd, "tanh", ("update",)),
        gru(rnd, "identity", ("update", "reset")), rnn(rnd, 0.9),
    ]


if __name__ == "__main__":
    OUT.write_text(json.dumps({"made_by": "tests/golden/make_cells.py from tests/reference.py",
                               "cases": cases()}, indent=1) + "\n")
    print(f"wrote {OUT}")
