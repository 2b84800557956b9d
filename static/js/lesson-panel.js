// The lesson being followed (loaded with the first lesson, lessons.js): the text for the
// current step, and "predict, then step" questions. Answers are never stored in a
// lesson: they are read from the run the page already has.
import { gatesOf } from "./config.js";
import { fmt } from "./format.js";
import { language, t } from "./i18n.js";
import { effectiveSchedule } from "./state.js";
import { fillWorksheet } from "./worksheet.js";
import { comparisonTable } from "./comparison.js";

const $ = (id) => document.getElementById(id);

/** A guess counts as right within 0.011 or 2% of the true value. */
export function isClose(guess, actual) {
  return Math.abs(guess - actual) <= Math.max(0.011, 0.02 * Math.abs(actual));
}

/** Whether a run answer was computed for this state's tape and gates up to `step`
 *  (an answer for the previous lesson may still be on screen for a moment). */
function runMatches(state, cell, step) {
  if (!cell || cell.variant !== state.variant || cell.squash !== state.squash) return false;
  if (cell.steps.length !== state.tape.length) return false;
  const gates = gatesOf(state.variant).filter((g) => !state.computed.includes(g))
    .map((g) => [`${g}_gate`, effectiveSchedule(state, g)]);
  for (let k = 0; k < step; k++) {
    const row = cell.steps[k];
    if (row.x !== state.tape[k]) return false;
    if (gates.some(([name, schedule]) => row[name] !== schedule[k])) return false;
  }
  return true;
}

export class LessonPanel {
  /** lessons: the list and its order (lessons.js); onAnswer(entry) moves to the question's
   *  step once it is answered or skipped; onLeave() ends the lesson; onOpen(id) opens another one. */
  constructor({ lessons, onAnswer, onLeave, onOpen }) {
    this.lessons = lessons;
    this.lesson = null;
    this.answers = new Map(); // step -> {guess}
    this.asking = null; // the question on screen
    this.revealing = null; // the question answered, until the run for its step is shown
    this.feedback = null; // {key, params, result}: worded again when the language changes
    this.onAnswer = onAnswer;
    $("lesson-close").addEventListener("click", onLeave);
    $("lesson-prev").addEventListener("click", () => this.neighbour(-1, onOpen));
    $("lesson-next").addEventListener("click", () => this.neighbour(1, onOpen));
    $("predict").addEventListener("submit", (event) => {
      event.preventDefault();
      const guess = Number($("predict-guess").value);
      if ($("predict-guess").value.trim() !== "" && Number.isFinite(guess)) this.settle(guess);
    });
    $("predict-skip").addEventListener("click", () => this.settle(null));
    $("lesson-print").addEventListener("click", () => window.print());
  }

  /** Follow `lesson` (a lesson from the API); another one starts afresh. */
  open(lesson) {
    if (this.lesson?.id !== lesson.id) this.restart();
    this.lesson = lesson;
  }

  /** Forget the answers given so far: every question is asked again. */
  restart() {
    this.answers.clear();
    this.asking = null;
    this.revealing = null;
    this.feedback = null;
  }

  close() {
    this.lesson = null;
    this.restart();
    $("lesson").hidden = true;
  }

  /** The first unanswered question for a step in [from, to], or null. */
  pending(from, to) {
    if (!this.lesson) return null;
    return this.lesson.steps.find((e) => e.predict && e.at >= from && e.at <= to && !this.answers.has(e.at)) ?? null;
  }

  /** Show the question for `entry`; asked again while open, remind to answer first. */
  ask(entry) {
    if (this.asking === entry) {
      this.feedback = { key: "lesson.answer_first", params: {}, result: "remind" };
      this.showFeedback();
      $("predict-guess").focus();
      return;
    }
    this.asking = entry;
    this.feedback = null;
    this.showFeedback();
    this.showPrompt();
    $("predict-guess").value = "";
    $("predict").hidden = false;
    $("predict-guess").focus();
  }

  /** Stop asking the question on screen without an answer (a live class's teacher has
   *  revealed it to everyone: stepping on is allowed). */
  withdraw() {
    if (!this.asking) return;
    this.asking = null;
    this.hidePrompt();
  }

  settle(guess) {
    const entry = this.asking;
    if (!entry) return;
    this.answers.set(entry.at, { guess });
    this.asking = null;
    this.revealing = entry;
    this.feedback = null;
    this.showFeedback();
    this.hidePrompt();
    this.onAnswer(entry);
  }

  /** Hide the question. If it had the keyboard, hand it to "Step forward" (the next thing
   *  to do), or to the lesson itself when a teacher has hidden that button: left on the
   *  hidden field, keys would go nowhere until the browser next draws. */
  hidePrompt() {
    const form = $("predict");
    const hadFocus = form.contains(document.activeElement);
    form.hidden = true;
    if (!hadFocus) return;
    const next = $("step-forward");
    if (next.checkVisibility()) next.focus();
    else $("lesson").focus();
  }

  /** Say whether the answer to `entry` was right, from the run now on screen. */
  reveal(entry, cell) {
    const actual = cell.steps[entry.at - 1][entry.predict.quantity === "output" ? "output" : "cell"];
    const { guess } = this.answers.get(entry.at);
    const result = guess === null ? "skipped" : isClose(guess, actual) ? "right" : "wrong";
    const params = { step: entry.at, actual: fmt(actual), guess: guess === null ? "" : fmt(guess) };
    this.feedback = { key: `lesson.${result}`, params, result };
    this.showFeedback();
  }

  showPrompt() {
    const entry = this.asking;
    if (!entry) return;
    const key = entry.predict.quantity === "output" ? "lesson.predict_output" : "lesson.predict_cell";
    const text = entry.predict.prompt || t(key, { step: entry.at });
    if ($("predict-prompt").textContent !== text) $("predict-prompt").textContent = text;
  }

  showFeedback() {
    const node = $("predict-feedback");
    const text = this.feedback ? t(this.feedback.key, this.feedback.params) : "";
    if (node.textContent !== text) node.textContent = text;
    if (this.feedback) node.dataset.result = this.feedback.result;
    else delete node.dataset.result;
  }

  neighbour(direction, onOpen) {
    const { list } = this.lessons;
    const k = list.findIndex((l) => l.id === this.lesson?.id);
    const next = list[k + direction];
    if (next) onOpen(next.id);
  }

  /** Show the lesson's title and the text for the latest step reached; once the run for
   *  an answered question's step is on screen (`cell`, the newest run or null), say
   *  whether the answer was right. */
  update(state, cell = null) {
    const panel = $("lesson");
    panel.hidden = !this.lesson;
    if (!this.lesson) {
      $("worksheet").replaceChildren(); // nothing to print but the page itself
      delete $("lesson-text").dataset.key;
      return;
    }
    $("lesson-title").textContent = this.lesson.title;
    const reached = this.lesson.steps.filter((e) => e.at <= state.step && e.text);
    const latest = reached[reached.length - 1];
    const text = $("lesson-text");
    const parts = [this.lesson.summary, latest?.text].filter(Boolean);
    const key = `${this.lesson.id}|${this.lesson.lang ?? language()}|${latest?.at}`;
    if (text.dataset.key !== key) {
      if (text.dataset.key?.split("|").slice(0, 2).join("|") !== key.split("|").slice(0, 2).join("|")) {
        fillWorksheet($("worksheet"), this.lesson); // a new lesson or language: the printable sheet too
      }
      text.dataset.key = key;
      text.replaceChildren(...parts.map((p, k) => {
        const para = document.createElement("p");
        para.textContent = p;
        if (k === 0 && parts.length > 1) para.className = "lesson-summary";
        return para;
      }));
      if (this.lesson.comparison) text.appendChild(comparisonTable(this.lesson.comparison));
    }
    const { list } = this.lessons;
    const k = list.findIndex((l) => l.id === this.lesson.id);
    $("lesson-prev").disabled = k <= 0;
    $("lesson-next").disabled = k < 0 || k >= list.length - 1;
    $("lesson-progress").textContent = k < 0 ? "" : t("lesson.progress", { n: k + 1, total: list.length });
    if (this.asking && state.step >= this.asking.at) {
      this.asking = null;
      this.hidePrompt();
    }
    const entry = this.revealing;
    if (entry && state.step >= entry.at && runMatches(state, cell, entry.at)) {
      this.revealing = null;
      this.reveal(entry, cell);
    }
    this.showPrompt();
    this.showFeedback();
  }
}
