// Stepping and playing. Every move to a step goes through stepTo, which a lesson may
// hold to ask its question first.
import { change, refresh, state } from "./store.js";
import { goTo } from "./state.js";

export class Playback {
  /** hold(from, to) returns true when the move from step `from - 1` to `to` must stop
   *  (a lesson asks first). */
  constructor({ hold }) {
    this.hold = hold;
    this.timer = null;
  }

  get playing() {
    return this.timer !== null;
  }

  /** Move to a step, unless a lesson asks for a prediction on the way. */
  stepTo(target) {
    if (target > state.step && this.hold(state.step + 1, target)) {
      this.stop();
      return;
    }
    change((s) => goTo(s, target));
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }

  toggle() {
    if (this.playing) this.stop();
    else {
      if (state.step === state.tape.length) this.stepTo(1);
      this.timer = setInterval(() => {
        if (state.step >= state.tape.length) {
          this.stop();
          refresh();
        } else this.stepTo(state.step + 1);
      }, 1000 / state.speed);
    }
    refresh();
  }
}
