// The page's wiring: the store (state and run, static/js/store.js) is the one path from
// every control to the views; this module builds the panels and connects them.
import { TEACHING_KEY } from "./config.js";
import { Controls } from "./controls.js";
import { language, setLanguage, t } from "./i18n.js";
import { wireKeyboard } from "./keyboard.js";
import { Lessons } from "./lessons.js";
import { Menus } from "./menus.js";
import { part } from "./once.js";
import { Playback } from "./playback.js";
import { goTo } from "./state.js";
import * as store from "./store.js";
import { showNotice, Views } from "./views.js";

// Loaded on first use, not with the page: a live class's two sides, the Teacher dialog and
// the training lab (app/page_modules.py preloads only the imports above and theirs).
const studentSide = part(() => import("./class-student.js"));
const teacherSide = part(() => Promise.all([import("./teacher.js"), import("./class-teacher.js")]));
const trainingLab = part(() => import("./train.js"));

const $ = (id) => document.getElementById(id);
const { state, change } = store;
let teacherClass = null; // made with the Teacher dialog, or when a reload resumes a class
let studentClass = null; // made on a join page

const lessons = new Lessons({
  onAnswer: (entry) => change((s) => goTo(s, entry.at)), // the panel reveals once the run is in
  onLeave: () => change((s) => (s.lesson = null)),
  onOpen: (id) => menus.openLesson(id, { apply: true }),
});
const playback = new Playback({
  // A lesson's question holds the step; in a live class every student is asked too, and
  // once the teacher has revealed the right value the class steps past it.
  hold(from, to) {
    let pending = lessons.pending(from, to);
    while (pending && teacherClass?.revealed(pending)) pending = lessons.pending(pending.at + 1, to);
    if (pending) {
      lessons.ask(pending);
      teacherClass?.asked(pending);
    }
    return Boolean(pending);
  },
});
const controls = new Controls({ change, stepTo: (n) => playback.stepTo(n), onPlay: () => playback.toggle() });
// The training lab, made when the state first opens it; if it cannot be fetched, it closes.
const training = {
  panel: null,
  update(s) {
    if (this.panel) this.panel.update(s);
    else if (s.train) this.open().catch(() => change((x) => (x.train = null)));
  },
  async open() {
    const { TrainPanel } = await trainingLab();
    // A student's runs are listed for the class's teacher.
    this.panel ??= new TrainPanel({ change, classCode: () => (studentClass?.status === "joined" ? studentClass.code : null) });
    this.panel.update(state);
  },
};
// The Teacher dialog and the teacher's side of a live class, made on first use.
const teacher = {
  dialog: null,
  async load() {
    const [{ TeacherDialog }, { TeacherClass }] = await teacherSide();
    teacherClass ??= new TeacherClass({ lessons });
    this.dialog ??= new TeacherDialog($("teacher-dialog"), { getState: () => state, getLessons: () => lessons.list });
  },
  async open() {
    await this.load();
    this.dialog.open(teacherClass.opened()); // the server's word on live classes, asked once for both
  },
};
const views = new Views({ controls, lessons, training, playback });
const menus = new Menus({ lessons, teacher, training, views });
store.subscribe(views.draw);
store.subscribeConnection((status, detail) => views.showConnection(status, detail));

function teaching() {
  try {
    return Boolean(localStorage.getItem(TEACHING_KEY));
  } catch {
    return false;
  }
}

async function start() {
  if (store.linkProblems.length) showNotice(t("notice.bad_link", { fields: store.linkProblems.join(", ") }));
  menus.wire();
  wireKeyboard({ playback, state, openHelp: () => $("help-dialog").showModal(), blocked: () => studentClass?.blocked() ?? false });
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
  if (join !== undefined) {
    const { StudentClass } = await studentSide().catch(() => ({}));
    if (!StudentClass) return;
    studentClass = new StudentClass({ lessons, openLesson: (id) => menus.openLesson(id, { apply: false }) });
    studentClass.start(join);
  } else if (teaching()) {
    await teacher.load().then(() => teacherClass.resume(), () => {});
  }
}

start();
