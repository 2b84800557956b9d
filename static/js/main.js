// The page's wiring: the store (state and run, static/js/store.js) is the one path from
// every control to the views; this module builds the panels and connects them.
import { Controls } from "./controls.js";
import { language, setLanguage, t } from "./i18n.js";
import { wireKeyboard } from "./keyboard.js";
import { LessonPanel } from "./lessons.js";
import { Menus } from "./menus.js";
import { Playback } from "./playback.js";
import { goTo } from "./state.js";
import * as store from "./store.js";
import { TeacherDialog } from "./teacher.js";
import { TrainPanel } from "./train.js";
import { showNotice, Views } from "./views.js";

const $ = (id) => document.getElementById(id);
const { state, change } = store;

const lessons = new LessonPanel({
  onAnswer: (entry) => change((s) => goTo(s, entry.at)), // the panel reveals once the run is in
  onLeave: () => change((s) => (s.lesson = null)),
  onOpen: (id) => menus.openLesson(id, { apply: true }),
});
const playback = new Playback({
  hold(from, to) {
    const pending = lessons.pending(from, to);
    if (pending) lessons.ask(pending);
    return Boolean(pending);
  },
});
const controls = new Controls({ change, stepTo: (n) => playback.stepTo(n), onPlay: () => playback.toggle() });
const training = new TrainPanel({ change });
const teacher = new TeacherDialog($("teacher-dialog"), { getState: () => state, getLessons: () => lessons.list });
const views = new Views({ controls, lessons, training, playback });
const menus = new Menus({ lessons, teacher, views });
store.subscribe(views.draw);
store.subscribeConnection((status, detail) => views.showConnection(status, detail));

async function start() {
  if (store.linkProblems.length) showNotice(t("notice.bad_link", { fields: store.linkProblems.join(", ") }));
  menus.wire();
  wireKeyboard({ playback, state, openHelp: () => $("help-dialog").showModal() });
  document.addEventListener("visibilitychange", store.saveToUrl);
  window.addEventListener("pagehide", store.saveToUrl);
  if (state.lang && state.lang !== language()) await setLanguage(state.lang).catch(() => {});
  store.saveToUrl();
  store.refresh();
  store.requestRun();
  // A link with a lesson but no tape of its own loads the lesson's setup.
  if (state.lesson) menus.openLesson(state.lesson, { apply: !store.linkHasTape });
}

start();
