// Guided lessons: the list in the Lessons dialog, and the lesson being followed, whose
// panel (lesson-panel.js, with its worksheet and comparison table) is fetched with the
// first lesson opened; until then no lesson is shown and none asks a question.
import { language } from "./i18n.js";
import { part } from "./once.js";

const lessonPanel = part(() =>
  Promise.all([import("./lesson-panel.js"), import("./worksheet.js"), import("./comparison.js")]),
);

async function getJSON(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

export class Lessons {
  /** onAnswer, onLeave, onOpen: the lesson panel's (lesson-panel.js). */
  constructor(handlers) {
    this.handlers = handlers;
    this.list = [];
    this.panel = null;
  }

  /** The lesson being followed, or null. */
  get lesson() {
    return this.panel?.lesson ?? null;
  }

  get active() {
    return this.lesson !== null;
  }

  async loadList() {
    const answer = await getJSON(`/api/lessons?lang=${language()}`);
    this.list = (Array.isArray(answer) ? answer : answer.lessons).sort((a, b) => a.order - b.order);
    return this.list;
  }

  /** Load lesson `id` (and, the first time, its panel) and follow it. */
  async load(id) {
    const [[{ LessonPanel }], lesson] = await Promise.all([
      lessonPanel(),
      getJSON(`/api/lessons/${encodeURIComponent(id)}?lang=${language()}`),
    ]);
    this.panel ??= new LessonPanel({ lessons: this, ...this.handlers });
    this.panel.open(lesson);
    return lesson;
  }

  /** The first unanswered question for a step in [from, to], or null. */
  pending(from, to) {
    return this.panel?.pending(from, to) ?? null;
  }

  ask(entry) {
    this.panel?.ask(entry);
  }

  withdraw() {
    this.panel?.withdraw();
  }

  update(state, cell) {
    this.panel?.update(state, cell);
  }

  close() {
    this.panel?.close();
  }

  /** Forget the answers given so far: every question is asked again. */
  restart() {
    this.panel?.restart();
  }

  /** Fill the lessons dialog with one button per lesson; picking one starts it afresh. */
  renderList(listNode, onOpen) {
    listNode.replaceChildren(...this.list.map((lesson) => {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lesson-pick";
      button.innerHTML = "<strong></strong><span></span>";
      button.querySelector("strong").textContent = lesson.title;
      button.querySelector("span").textContent = lesson.summary ?? "";
      button.addEventListener("click", () => {
        this.restart();
        onOpen(lesson.id);
      });
      li.appendChild(button);
      return li;
    }));
  }
}
