// Guided lessons: the text for the current step, and "predict, then step" questions.
// Answers are never stored in a lesson: they are read from the run the page already has.
import { fmt } from "./format.js";
import { language, t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

async function getJSON(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

/** A guess counts as right within 0.011 or 2% of the true value. */
export function isClose(guess, actual) {
  return Math.abs(guess - actual) <= Math.max(0.011, 0.02 * Math.abs(actual));
}

export class LessonPanel {
  /** onAnswer(entry) moves to the question's step once it is answered or skipped;
   *  onLeave() ends the lesson; onOpen(id) opens another one. */
  constructor({ onAnswer, onLeave, onOpen }) {
    this.lesson = null;
    this.list = [];
    this.answers = new Map(); // step -> {guess}
    this.asking = null;
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
  }

  get active() {
    return this.lesson !== null;
  }

  async loadList() {
    const answer = await getJSON(`/api/lessons?lang=${language()}`);
    this.list = (Array.isArray(answer) ? answer : answer.lessons).sort((a, b) => a.order - b.order);
    return this.list;
  }

  async load(id) {
    const lesson = await getJSON(`/api/lessons/${encodeURIComponent(id)}?lang=${language()}`);
    if (this.lesson?.id !== lesson.id) {
      this.answers.clear();
      this.asking = null;
      $("predict-feedback").textContent = "";
    }
    this.lesson = lesson;
    return lesson;
  }

  close() {
    this.lesson = null;
    this.asking = null;
    $("lesson").hidden = true;
  }

  /** The first unanswered question for a step in [from, to], or null. */
  pending(from, to) {
    if (!this.lesson) return null;
    return this.lesson.steps.find((e) => e.predict && e.at >= from && e.at <= to && !this.answers.has(e.at)) ?? null;
  }

  ask(entry) {
    this.asking = entry;
    const form = $("predict");
    const key = entry.predict.quantity === "output" ? "lesson.predict_output" : "lesson.predict_cell";
    $("predict-prompt").textContent = entry.predict.prompt || t(key, { step: entry.at });
    $("predict-feedback").textContent = "";
    $("predict-guess").value = "";
    form.hidden = false;
    $("predict-guess").focus();
  }

  settle(guess) {
    const entry = this.asking;
    if (!entry) return;
    this.answers.set(entry.at, { guess });
    this.asking = null;
    $("predict").hidden = true;
    this.onAnswer(entry);
  }

  /** Say whether the answer to `entry` was right, from the run now on screen. */
  reveal(entry, cell) {
    const actual = cell.steps[entry.at - 1][entry.predict.quantity === "output" ? "output" : "cell"];
    const { guess } = this.answers.get(entry.at);
    const params = { step: entry.at, actual: fmt(actual), guess: guess === null ? "" : fmt(guess) };
    const key = guess === null ? "lesson.skipped" : isClose(guess, actual) ? "lesson.right" : "lesson.wrong";
    const feedback = $("predict-feedback");
    feedback.textContent = t(key, params);
    feedback.dataset.result = guess === null ? "skipped" : isClose(guess, actual) ? "right" : "wrong";
  }

  neighbour(direction, onOpen) {
    const k = this.list.findIndex((l) => l.id === this.lesson?.id);
    const next = this.list[k + direction];
    if (next) onOpen(next.id);
  }

  /** Show the lesson's title and the text for the latest step reached. */
  update(state) {
    const panel = $("lesson");
    panel.hidden = !this.lesson;
    if (!this.lesson) return;
    $("lesson-title").textContent = this.lesson.title;
    const reached = this.lesson.steps.filter((e) => e.at <= state.step && e.text);
    const latest = reached[reached.length - 1];
    const text = $("lesson-text");
    const parts = [this.lesson.summary, latest?.text].filter(Boolean);
    if (text.dataset.key !== `${this.lesson.id}|${language()}|${latest?.at}`) {
      text.dataset.key = `${this.lesson.id}|${language()}|${latest?.at}`;
      text.replaceChildren(...parts.map((p, k) => {
        const para = document.createElement("p");
        para.textContent = p;
        if (k === 0 && parts.length > 1) para.className = "lesson-summary";
        return para;
      }));
    }
    const k = this.list.findIndex((l) => l.id === this.lesson.id);
    $("lesson-prev").disabled = k <= 0;
    $("lesson-next").disabled = k < 0 || k >= this.list.length - 1;
    if (this.asking && state.step >= this.asking.at) {
      this.asking = null;
      $("predict").hidden = true;
    }
  }

  /** Fill the lessons dialog with one button per lesson. */
  renderList(listNode, onOpen) {
    listNode.replaceChildren(...this.list.map((lesson) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lesson-pick";
      button.innerHTML = "<strong></strong><span></span>";
      button.querySelector("strong").textContent = lesson.title;
      button.querySelector("span").textContent = lesson.summary ?? "";
      button.addEventListener("click", () => onOpen(lesson.id));
      li.appendChild(button);
      return li;
    }));
  }
}
