// A printable worksheet for the open lesson: the tape and the gate settings, an empty table
// for the class's predictions, and, on a page of its own, the answer key for the teacher.
// Shown only in print (parts.css @media print); the answers come from the page's own run of
// the lesson's setup, never from what a student has changed on screen.
import { runLocally } from "./cell.js";
import { cellRunBody } from "./api.js";
import { gatesOf } from "./config.js";
import { fmt, pct } from "./format.js";
import { t } from "./i18n.js";
import { applyLesson, defaultState, effectiveSchedule } from "./state.js";

const COLUMNS = 12; // steps per row of the tape table: fits A4 and Letter

const cell = (tag, text) => Object.assign(document.createElement(tag), { textContent: text });

function table(rows, className) {
  const node = document.createElement("table");
  node.className = className;
  for (const [head, ...values] of rows) {
    const tr = node.insertRow();
    tr.append(cell("th", head), ...values.map((v) => cell("td", v)));
  }
  return node;
}

/** Fill `section` for `lesson` (as the lessons API gives it, in the page's language). */
export function fillWorksheet(section, lesson) {
  const setup = defaultState();
  applyLesson(setup, lesson);
  const run = runLocally(cellRunBody(setup));
  const gates = gatesOf(setup.variant);
  const schedules = gates.map((g) => [t(`gate.${g}`), effectiveSchedule(setup, g).map(pct)]);
  const parts = [cell("h1", lesson.title), cell("p", lesson.summary), cell("h2", t("worksheet.tape"))];
  for (let from = 0; from < setup.tape.length; from += COLUMNS) {
    const span = (values) => values.slice(from, from + COLUMNS);
    const steps = setup.tape.map((_, k) => String(k + 1));
    parts.push(table([[t("worksheet.step"), ...span(steps)],
      [t("chart.tape"), ...span(setup.tape.map(fmt))], ...schedules.map(([name, v]) => [name, ...span(v)])], "ws-tape"));
  }
  const questions = lesson.steps.filter((s) => s.predict);
  const ask = (s) => t(`lesson.predict_${s.predict.quantity}`, { step: s.at });
  parts.push(cell("h2", t("worksheet.predictions")),
    table([[t("worksheet.question"), t("worksheet.answer")], ...questions.map((s) => [ask(s), ""])], "ws-answers"));
  const key = document.createElement("section");
  key.className = "ws-key";
  key.append(cell("h2", `${t("worksheet.key")}: ${lesson.title}`),
    table(questions.map((s) => [ask(s), run ? fmt(run.steps[s.at - 1][s.predict.quantity]) : "?"]), "ws-answers"));
  section.replaceChildren(...parts, key);
}
