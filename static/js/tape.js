// The input tape: one cell per step with its value (editable), its gates (solid where set
// at that step, hollow where carried from an earlier one), and, for every step reached
// so far, the value the cell stored there.
// Only the steps in view (and a margin) are in the DOM, so 1,000 steps cost what 60 do.
// The keyboard sees one grid (the ARIA grid pattern): one tab stop, the current step's
// value; Left/Right step, Home/End go to the ends, Up/Down change the value, Enter edits.
import { GATES, gatesOf } from "./config.js";
import { fmt } from "./format.js";
import { language, t } from "./i18n.js";
import { effectiveSchedule } from "./state.js";

const MARGIN = 30; // steps drawn beyond each edge of the view: a short tape is drawn whole

export class TapeView {
  /** scroller: the grid element (its first child is the row); onJump(step) when a step is
   *  chosen; onEdit(step, value) when a value is changed. */
  constructor(scroller, { onJump, onEdit }) {
    this.scroller = scroller;
    this.row = scroller.firstElementChild;
    this.onJump = onJump;
    this.onEdit = onEdit;
    this.cells = new Map(); // step -> cell, for the steps drawn
    this.length = 0;
    this.current = null;
    this.column = 0; // a cell's width plus the gap, measured once cells exist
    this.view = null;
    this.follow = false; // the keyboard moved the step: focus follows it
    this.status = document.getElementById("tape-status");
    this.scrollX = scroller.scrollLeft;
    this.viewWidth = scroller.clientWidth;
    scroller.addEventListener("click", (event) => this.click(event));
    scroller.addEventListener("keydown", (event) => this.key(event));
    scroller.addEventListener("scroll", () => {
      this.scrollX = scroller.scrollLeft;
      this.drawSoon();
    });
    new ResizeObserver(() => {
      this.viewWidth = scroller.clientWidth;
      this.column = 0; // a narrow screen may change the cells' width
      this.revealed = null;
      this.drawSoon();
    }).observe(scroller);
  }

  drawSoon() {
    this.frame ??= requestAnimationFrame(() => {
      this.frame = null;
      if (this.view) this.draw();
    });
  }

  makeCell(n) {
    const div = document.createElement("div");
    div.className = "tape-cell";
    div.setAttribute("role", "gridcell");
    div.setAttribute("aria-colindex", n);
    div.dataset.step = n;
    div.innerHTML = `<span class="tape-step" aria-hidden="true">${n}</span>
      <button type="button" class="tape-x" data-testid="tape-x-${n}" tabindex="-1"></button>
      <span class="tape-gates" aria-hidden="true">${GATES.map((g) => `<i class="mini mini-${g}"></i>`).join("")}</span>
      <span class="tape-stored" aria-hidden="true"></span>`;
    const q = (s) => div.querySelector(s);
    return { li: div, x: q(".tape-x"), stored: q(".tape-stored"),
      minis: Object.fromEntries(GATES.map((g) => [g, q(`.mini-${g}`)])), shown: null };
  }

  click(event) {
    const li = event.target.closest(".tape-cell");
    if (!li || event.target.closest("input")) return;
    const step = Number(li.dataset.step);
    if (event.target.closest(".tape-x")) this.edit(step);
    else this.onJump(step);
  }

  key(event) {
    const button = event.target.closest(".tape-x");
    if (!button || event.altKey || event.ctrlKey || event.metaKey) return;
    const step = Number(button.closest(".tape-cell").dataset.step);
    const move = { ArrowLeft: this.current - 1, ArrowRight: this.current + 1, Home: 1, End: this.length }[event.key];
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      const value = Number(button.dataset.value) + (event.key === "ArrowUp" ? 0.1 : -0.1);
      this.onEdit(step, Math.round(value * 1000) / 1000);
    } else if (move !== undefined) {
      this.follow = true;
      this.onJump(Math.min(Math.max(1, move), this.length));
      this.follow = false;
    } else return;
    event.preventDefault();
    event.stopPropagation(); // the page's own arrow keys would step a second time
  }

  /** Swap the value for a number field. Enter saves and hands the keyboard back to the
   *  tape, Escape cancels; leaving the field saves too, and says so. */
  edit(step) {
    const cell = this.cells.get(step);
    const input = document.createElement("input");
    input.type = "number";
    input.step = "0.1";
    input.className = "tape-edit";
    input.value = cell.x.dataset.value;
    input.setAttribute("aria-label", t("tape.edit", { step }));
    cell.x.hidden = true;
    cell.x.after(input);
    input.focus();
    input.select();
    let done = false;
    const finish = (commit, refocus) => {
      if (done) return;
      done = true;
      const value = Number(input.value);
      const changed = commit && input.value.trim() !== "" && Number.isFinite(value) && value !== Number(cell.x.dataset.value);
      input.remove();
      cell.x.hidden = false;
      if (refocus) cell.x.focus();
      if (changed) {
        this.onEdit(step, value);
        this.say(t("tape.saved", { step, value: fmt(Number(cell.x.dataset.value)) }));
      }
    };
    input.addEventListener("keydown", (event) => {
      event.stopPropagation(); // typing is not a playback shortcut
      if (event.key !== "Enter" && event.key !== "Escape") return;
      event.preventDefault(); // the key must not also press the value's button once it is back
      finish(event.key === "Enter", true);
    });
    input.addEventListener("blur", () => finish(true, false));
  }

  /** Speak a short confirmation through the tape's own live region. */
  say(text) {
    if (this.status) this.status.textContent = text;
  }

  /** view: {state, cell (run answer or null)} */
  update(view) {
    this.view = view;
    const { state } = view;
    const projector = document.body.classList.contains("projector");
    if (projector !== this.projector) {
      this.projector = projector; // its cells are wider: measure again, show the step again
      this.column = 0;
      this.revealed = null;
    }
    if (state.tape.length !== this.length) {
      this.length = state.tape.length;
      this.scroller.setAttribute("aria-colcount", this.length);
      for (const c of this.cells.values()) c.li.remove();
      this.cells.clear();
      this.current = this.revealed = null;
    }
    const moved = this.current !== state.step;
    this.current = state.step;
    this.draw();
    if (moved && this.follow) this.cells.get(state.step)?.x.focus();
  }

  measure() {
    const [a, b] = [this.cells.get(1), this.cells.get(2)];
    if (a && b) this.column = b.li.offsetLeft - a.li.offsetLeft;
  }

  /** Scroll the strip (never the page) so a step is in view, keeping it off the edges. */
  reveal(step) {
    if (!this.column) return;
    const left = (step - 1) * this.column;
    const width = this.viewWidth;
    if (left < this.scrollX + 8 || left + this.column > this.scrollX + width - 8) {
      const most = Math.max(0, this.length * this.column - width);
      this.scrollX = Math.min(most, Math.max(0, left - (width - this.column) / 2));
      this.scrollPending = true; // scrolled once the strip is wide enough (draw)
    }
  }

  /** Draw the steps in view (with a margin), then refresh what changed in them. */
  draw() {
    const { state, cell } = this.view;
    const n = this.length;
    if (!this.column && this.cells.size >= 2) this.measure();
    if (this.column && this.revealed !== state.step) {
      this.revealed = state.step; // a new current step is brought into view once
      this.reveal(state.step);
    }
    const col = this.column || 1;
    let first = 1, last = Math.min(n, 2 * MARGIN);
    if (this.column) {
      first = Math.max(1, Math.floor(this.scrollX / col) + 1 - MARGIN);
      last = Math.min(n, Math.ceil((this.scrollX + this.viewWidth) / col) + MARGIN);
    }
    this.window(first, last);
    if (!this.column && this.cells.size >= 2) {
      this.measure(); // hidden (print, a closed panel): 0, drawn again when the strip shows
      if (this.column) return this.draw(); // now measurable: place the view
    }
    this.row.style.paddingLeft = this.column ? `${(first - 1) * col}px` : "";
    this.row.style.paddingRight = this.column ? `${(n - last) * col}px` : "";
    if (this.scrollPending) {
      this.scrollPending = false;
      this.scroller.scrollLeft = this.scrollX;
    }

    const gates = gatesOf(state.variant);
    const schedules = Object.fromEntries(gates.map((g) => [g, effectiveSchedule(state, g)]));
    for (const [n, c] of this.cells) this.fill(c, n, state, cell, gates, schedules);
    const stop = this.cells.has(state.step) ? state.step : first; // one tab stop, always drawn
    for (const [n, c] of this.cells) {
      const index = n === stop ? 0 : -1;
      if (c.x.tabIndex !== index) c.x.tabIndex = index;
    }
  }

  /** Keep exactly the cells first..last in the DOM, adding and removing only at the ends
   *  (a cell that stays is never moved, so it keeps focus). */
  window(first, last) {
    const steps = [...this.cells.keys()];
    const [lo, hi] = steps.length ? [Math.min(...steps), Math.max(...steps)] : [Infinity, -Infinity];
    for (const step of steps) {
      if (step < first || step > last) {
        this.cells.get(step).li.remove();
        this.cells.delete(step);
      }
    }
    const overlap = lo <= last && hi >= first;
    const start = overlap ? Math.max(lo, first) : null;
    const end = overlap ? Math.min(hi, last) : null;
    for (let s = (overlap ? start : last + 1) - 1; s >= first; s--) this.add(s, "prepend");
    for (let s = overlap ? end + 1 : first; s <= last; s++) if (!this.cells.has(s)) this.add(s, "append");
  }

  add(step, where) {
    const c = this.makeCell(step);
    this.cells.set(step, c);
    this.row[where](c.li);
  }

  fill(c, n, state, run, gates, schedules) {
    const k = n - 1;
    const x = state.tape[k];
    const here = n === state.step;
    const value = n <= state.step && run ? run.steps[k].cell : null;
    // What this cell shows, compared field by field, and only what changed is rewritten: on a
    // drag only the current step and the steps carrying its gates change.
    const shown = [x, value, state.variant, here, language()];
    for (const g of gates) shown.push(schedules[g][k], state.gates[g][k] === null);
    const was = c.shown ?? [];
    if (was.length === shown.length && was.every((v, i) => v === shown[i])) return;
    c.shown = shown;
    if (was[0] !== x || was[4] !== shown[4]) {
      c.x.textContent = fmt(x);
      c.x.dataset.value = x;
      c.x.setAttribute("aria-label", t("tape.value", { step: n, value: fmt(x) }));
    }
    if (was[1] !== value) c.stored.textContent = value === null ? "" : fmt(value);
    if (was[2] !== state.variant) {
      for (const g of GATES) c.minis[g].style.display = gates.includes(g) ? "" : "none";
    }
    gates.forEach((g, i) => {
      const [v, carried] = [shown[5 + 2 * i], shown[6 + 2 * i]];
      if (was[2] === state.variant && was[5 + 2 * i] === v && was[6 + 2 * i] === carried) return;
      c.minis[g].style.setProperty("--v", v);
      // Solid: set at this step; hollow: carried from the last step that set it.
      c.minis[g].classList.toggle("carried", carried);
    });
    if (was[3] !== here) {
      c.li.classList.toggle("current", here);
      if (here) c.li.setAttribute("aria-current", "step");
      else c.li.removeAttribute("aria-current");
    }
  }
}
