// A class's question on a student's device: asked in the student's own language (from its
// own copy of the lesson), answered here, and after the teacher's reveal the right value
// beside the student's own answer.
import { fmt } from "./format.js";
import { t } from "./i18n.js";
import { isClose } from "./lesson-panel.js";

const $ = (id) => document.getElementById(id);

export class StudentQuestion {
  /** lessons: the lesson panel (the student's copy of the lesson); send(message) sends to
   *  the class and returns whether it went; onChange() redraws. */
  constructor({ lessons, send, onChange }) {
    Object.assign(this, { lessons, send, onChange });
    this.question = null; // QUESTION (docs/api.md) or null
    this.answer = null; // {question, value, sent}
    $("class-ask").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  /** The class's question (from a welcome or an `ask`); a new one starts with no answer. */
  set(question) {
    if (question?.id !== this.question?.id) {
      this.answer = null;
      $("class-ask-value").value = "";
    }
    this.question = question;
  }

  /** `answered`: the server took this device's answer. */
  taken(id) {
    if (this.answer?.question === id) this.answer.sent = true;
  }

  reveal(id, right) {
    if (this.question?.id === id) this.question = { ...this.question, revealed: true, right };
  }

  submit() {
    const field = $("class-ask-value");
    const value = Number(field.value);
    const question = this.question;
    if (!question || question.revealed || field.value.trim() === "" || !Number.isFinite(value)) return;
    this.answer = { question: question.id, value, sent: false };
    this.send({ type: "answer", question: question.id, value });
    this.onChange();
  }

  /** Show the question (or nothing when `inClass` is false), its answer and the reveal. */
  render(inClass) {
    const question = inClass ? this.question : null;
    $("class-ask").hidden = !question || question.revealed;
    const feedback = $("class-ask-feedback");
    if (!question) {
      if (!inClass) feedback.textContent = "";
      return;
    }
    const prompt = this.prompt(question);
    if ($("class-ask-prompt").textContent !== prompt) $("class-ask-prompt").textContent = prompt;
    const mine = this.answer?.question === question.id ? this.answer : null;
    let text = "";
    if (question.revealed) {
      const result = !mine ? "none" : isClose(mine.value, question.right) ? "right" : "wrong";
      text = t(`class.revealed_${result}`, { right: fmt(question.right), value: mine ? fmt(mine.value) : "" });
      feedback.dataset.result = result;
    } else {
      if (mine?.sent) text = t("class.sent", { value: fmt(mine.value) });
      delete feedback.dataset.result;
    }
    if (feedback.textContent !== text) feedback.textContent = text;
  }

  /** The question in this student's language, from its own copy of the lesson. */
  prompt(question) {
    const lessonId = question.id.slice(0, question.id.lastIndexOf(":"));
    const lesson = this.lessons.lesson;
    const entry = lesson?.id === lessonId ? lesson.steps.find((e) => e.at === question.step) : null;
    const key = entry?.predict?.quantity === "output" ? "lesson.predict_output" : "lesson.predict_cell";
    return entry?.predict?.prompt || t(key, { step: question.step });
  }
}
