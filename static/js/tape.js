// The input tape: one cell per step with its value (editable), its gates (solid where set
// at that step, hollow where carried from an earlier one), and, for every step reached
// so far, the value the cell stored there.
import { gatesOf } from "./config.js";
import { fmt } from "./format.js";
import { t } from "./i18n.js";
import { effectiveSchedule } from "./state.js";

export class TapeView {
  /** onJump(step) when a step is chosen; onEdit(step, value) when a value is changed. */
  constructor(list, { onJump, onEdit }) {
    this.list = list;
    this.onJump = onJump;
    this.onEdit = onEdit;
    this.cells = [];
    this.current = null;
    this.status = document.getElementById("tape-status");
    list.addEventListener("click", (event) => this.click(event));
    list.addEventListener("keydown", (event) => this.key(event));
  }

  build(length) {
    while (this.cells.length < length) this.cells.push(this.makeCell(this.cells.length + 1));
    while (this.cells.length > length) this.cells.pop().li.remove();
  }

  makeCell(n) {
    const li = document.createElement("li");
    li.className = "tape-cell";
    li.dataset.step = n;
    li.innerHTML = `<button type="button" class="tape-step"></button>
      <button type="button" class="tape-x" data-testid="tape-x-${n}"></button>
      <span class="tape-gates" aria-hidden="true"><i class="mini mini-input"></i><i class="mini mini-forget"></i><i class="mini mini-output"></i></span>
      <span class="tape-stored" aria-hidden="true"></span>`;
    this.list.appendChild(li);
    const q = (s) => li.querySelector(s);
    return { li, stepButton: q(".tape-step"), x: q(".tape-x"), stored: q(".tape-stored"),
      minis: { input: q(".mini-input"), forget: q(".mini-forget"), output: q(".mini-output") }, key: "" };
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
    if (!button) return;
    const step = Number(button.closest(".tape-cell").dataset.step);
    if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      event.stopPropagation();
      const value = Number(button.dataset.value) + (event.key === "ArrowUp" ? 0.1 : -0.1);
      this.onEdit(step, Math.round(value * 1000) / 1000);
    }
  }

  /** Swap the value for a number field. Enter saves and hands the keyboard back to the
   *  tape, Escape cancels; leaving the field saves too, and says so. */
  edit(step) {
    const cell = this.cells[step - 1];
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

  /** Scroll the tape strip (never the page) so a step's cell is in view. */
  reveal(li) {
    const list = this.list;
    const left = li.offsetLeft - list.offsetLeft;
    if (left < list.scrollLeft || left + li.offsetWidth > list.scrollLeft + list.clientWidth) {
      list.scrollLeft = left - (list.clientWidth - li.offsetWidth) / 2;
    }
  }

  /** view: {state, cell (run answer or null)} */
  update({ state, cell }) {
    this.build(state.tape.length);
    const gates = gatesOf(state.variant);
    const schedules = Object.fromEntries(gates.map((g) => [g, effectiveSchedule(state, g)]));
    this.cells.forEach((c, k) => {
      const n = k + 1;
      const x = state.tape[k];
      const reached = n <= state.step && cell;
      const stored = reached ? fmt(cell.steps[k].cell) : "";
      const values = gates.map((g) => schedules[g][k]);
      const set = gates.map((g) => state.gates[g][k] !== null);
      const key = [x, stored, state.variant, ...values, ...set].join("|");
      if (key === c.key) return; // nothing to redraw for this step
      c.key = key;
      c.stepButton.textContent = n;
      c.stepButton.setAttribute("aria-label", t("tape.goto", { step: n }));
      c.x.textContent = fmt(x);
      c.x.dataset.value = x;
      c.x.setAttribute("aria-label", t("tape.value", { step: n, value: fmt(x) }));
      c.stored.textContent = stored;
      for (const g of ["input", "forget", "output"]) {
        const on = gates.includes(g);
        c.minis[g].style.display = on ? "" : "none";
        if (on) c.minis[g].style.setProperty("--v", schedules[g][k]);
        // Solid: set at this step; hollow: carried from the last step that set it.
        c.minis[g].classList.toggle("carried", on && state.gates[g][k] === null);
      }
    });
    if (this.current !== state.step) {
      this.cells.forEach((c, k) => {
        const here = k + 1 === state.step;
        c.li.classList.toggle("current", here);
        if (here) c.stepButton.setAttribute("aria-current", "step");
        else c.stepButton.removeAttribute("aria-current");
      });
      this.current = state.step;
      this.reveal(this.cells[state.step - 1].li);
    }
  }
}
