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
import { StudentClass } from "./class-student.js";
import { TeacherClass } from "./class-teacher.js";
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
const teacherClass = new TeacherClass({ lessons });
const playback = new Playback({
  // A lesson's question holds the step; in a live class every student is asked too, and
  // once the teacher has revealed the right value the class steps past it.
  hold(from, to) {
    let pending = lessons.pending(from, to);
    while (pending && teacherClass.revealed(pending)) pending = lessons.pending(pending.at + 1, to);
    if (pending) {
      lessons.ask(pending);
      teacherClass.asked(pending);
    }
    return Boolean(pending);
  },
});
const controls = new Controls({ change, stepTo: (n) => playback.stepTo(n), onPlay: () => playback.toggle() });
// A student's runs are listed for the class's teacher (called later: studentClass is below).
const training = new TrainPanel({ change, classCode: () => (studentClass.status === "joined" ? studentClass.code : null) });
const teacher = new TeacherDialog($("teacher-dialog"), { getState: () => state, getLessons: () => lessons.list });
const views = new Views({ controls, lessons, training, playback });
const menus = new Menus({ lessons, teacher, views });
store.subscribe(views.draw);
const studentClass = new StudentClass({ lessons, openLesson: (id) => menus.openLesson(id, { apply: false }) });
store.subscribeConnection((status, detail) => views.showConnection(status, detail));

async function start() {
  if (store.linkProblems.length) showNotice(t("notice.bad_link", { fields: store.linkProblems.join(", ") }));
  menus.wire();
  wireKeyboard({ playback, state, openHelp: () => $("help-dialog").showModal(), blocked: () => studentClass.blocked() });
  document.addEventListener("visibilitychange", store.saveToUrl);
  window.addEventListener("pagehide", store.saveToUrl);
  if (state.lang && state.lang !== language()) await setLanguage(state.lang).catch(() => {});
  store.saveToUrl();
  store.refresh();
  store.requestRun();
  // A link with a lesson but no tape of its own loads the lesson's setup.
  if (state.lesson) menus.openLesson(state.lesson, { apply: !store.linkHasTape });
  // A live class: a join page is a student's; any other page of a browser that was
  // teaching a class (a reload) takes it up again.
  const join = document.body.dataset.join;
  if (join !== undefined) studentClass.start(join);
  else teacherClass.resume();
}

start();
