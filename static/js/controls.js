// The controls: sliders, switches and buttons write to the state through `change`;
// update() puts the state back on them. Keyboard: fine steps with Shift, coarse with Page keys.
import { CONFIG, GATES, gatesOf } from "./config.js";
import { fmt, pct, weight } from "./format.js";
import { t } from "./i18n.js";
import { gateAt, setGate, setLength } from "./state.js";

const $ = (id) => document.getElementById(id);

function configureRange(input, { min, max, step }) {
  Object.assign(input, { min, max, step });
}

/** Arrow keys move a slider by `step`, Shift+arrow by `fine`, Page Up/Down by `coarse`. */
function keySteps(input, { step, fine, coarse }, onValue) {
  input.addEventListener("keydown", (event) => {
    const sign = { ArrowRight: 1, ArrowUp: 1, PageUp: 1, ArrowLeft: -1, ArrowDown: -1, PageDown: -1 }[event.key];
    if (!sign) return;
    event.preventDefault();
    event.stopPropagation();
    const size = event.key.startsWith("Page") ? coarse : event.shiftKey ? fine : step;
    const value = Math.min(Number(input.max), Math.max(Number(input.min), Number(input.value) + sign * size));
    input.value = Math.round(value / fine) * fine;
    onValue(Number(input.value));
  });
}

export class Controls {
  /** change(mutate) edits the state; stepTo(n) moves to a step (lessons may hold it). */
  constructor({ change, stepTo, onPlay }) {
    this.change = change;
    const g = CONFIG.gate;
    for (const gate of GATES) {
      const slider = $(`gate-${gate}`);
      configureRange(slider, g);
      const set = (value) => change((s) => setGate(s, gate, value));
      slider.addEventListener("input", () => set(Number(slider.value)));
      keySteps(slider, { step: g.key_step, fine: g.fine_step, coarse: g.coarse_step }, set);
    }
    const loop = CONFIG.self_loop;
    for (const [id, key] of [["self-loop", "selfLoop"], ["rnn-loop", "rnnSelfLoop"]]) {
      const slider = $(id);
      configureRange(slider, loop);
      const set = (value) => change((s) => (s[key] = value));
      slider.addEventListener("input", () => set(Number(slider.value)));
      keySteps(slider, { step: 0.05, fine: loop.step, coarse: 0.25 }, set);
    }
    $("variant").addEventListener("change", (e) => change((s) => (s.variant = e.target.value)));
    $("squash").addEventListener("change", (e) => change((s) => (s.squash = e.target.value)));
    $("tape-length").addEventListener("change", (e) => change((s) => setLength(s, Number(e.target.value))));
    $("speed").addEventListener("input", (e) => change((s) => (s.speed = Number(e.target.value))));
    $("step-forward").addEventListener("click", () => stepTo(this.step + 1));
    $("step-back").addEventListener("click", () => stepTo(this.step - 1));
    $("reset").addEventListener("click", () => stepTo(1));
    $("play").addEventListener("click", onPlay);
    $("tape-random").addEventListener("click", () => change(randomTape));
    $("tape-clear").addEventListener("click", () => change((s) => s.tape.fill(0)));
  }

  update({ state, playing }) {
    this.step = state.step;
    const gates = gatesOf(state.variant);
    for (const gate of GATES) {
      const slider = $(`gate-${gate}`);
      slider.closest(".slider").hidden = !gates.includes(gate);
      if (state.computed.includes(gate)) continue; // shows what it computed (gatemode.js)
      const value = gateAt(state, gate);
      if (Number(slider.value) !== value) slider.value = value;
      slider.setAttribute("aria-valuetext", t("gate.spoken", { gate: t(`gate.${gate}`), value: pct(value) }));
      $(`gate-${gate}-value`).textContent = pct(value);
    }
    for (const [id, value] of [["self-loop", state.selfLoop], ["rnn-loop", state.rnnSelfLoop]]) {
      if (Number($(id).value) !== value) $(id).value = value;
      $(`${id}-value`).textContent = weight(value);
    }
    $("self-loop").closest(".slider").hidden = !CONFIG.variant[state.variant].self_loop;
    $("variant").value = state.variant;
    $("squash").value = state.squash;
    const length = $("tape-length");
    if (![...length.options].some((o) => Number(o.value) === state.tape.length)) {
      length.add(new Option(String(state.tape.length)));
    }
    length.value = String(state.tape.length);
    $("speed").value = state.speed;
    $("speed-value").textContent = t("play.speed_value", { n: fmt(state.speed) });
    $("step-index").textContent = state.step;
    $("step-count").textContent = state.tape.length;
    $("step-back").disabled = state.step === 1;
    $("reset").disabled = state.step === 1;
    $("step-forward").disabled = state.step === state.tape.length;
    const play = $("play");
    play.textContent = playing ? t("play.pause") : t("play.play");
    play.setAttribute("aria-pressed", String(playing));
  }
}

/** Random tape values in [-1, 1] with one decimal, easy to read aloud. */
function randomTape(state) {
  state.tape = state.tape.map(() => Math.round((Math.random() * 2 - 1) * 10) / 10);
}
