// The header's menus and dialogs: language, lessons, training lab, teacher, help,
// projector mode and downloads. Each writes to the store like any other control.
import { setLanguage, t } from "./i18n.js";
import { part } from "./once.js";
import { applyLesson, defaultTraining } from "./state.js";
import { change, freshRun, refresh, state } from "./store.js";
import { showNotice } from "./views.js";

const $ = (id) => document.getElementById(id);
const exporter = part(() => import("./export.js")); // the downloads, fetched on first use

/** Call `name` of export.js with `args` (a notice, from once.js, if it cannot be fetched). */
async function exported(name, ...args) {
  try {
    return (await exporter())[name](...args);
  } catch {
    return undefined;
  }
}

export class Menus {
  /** lessons: the lesson panel; teacher: the teacher dialog (open() loads it); training:
   *  the training lab (open() loads it); views: to speak again. */
  constructor({ lessons, teacher, training, views }) {
    Object.assign(this, { lessons, teacher, training, views });
  }

  /** Load lesson `id`; with `apply` its setup replaces the state, else only its text shows. */
  async openLesson(id, { apply }) {
    const lessons = this.lessons;
    try {
      const lesson = await lessons.load(id);
      if (!lessons.list.length) await lessons.loadList();
      if (apply) change((s) => applyLesson(s, lesson));
      else change((s) => (s.lesson = lesson.id));
      $("lessons-dialog").close();
      $("stage").scrollIntoView?.({ block: "nearest" }); // the cell first; the lesson sits beside or below it
    } catch {
      showNotice(t("lessons.unavailable"));
      change((s) => (s.lesson = null));
    }
  }

  async switchLanguage(lang) {
    try {
      await setLanguage(lang);
    } catch {
      return;
    }
    change((s) => (s.lang = lang));
    this.lessons.list = []; // reloaded in the new language (by openLesson, or when next needed)
    if (this.lessons.active) await this.openLesson(state.lesson, { apply: false });
    this.views.announceAgain();
    refresh();
  }

  wire() {
    const { lessons, teacher, training } = this;
    $("language").addEventListener("change", (e) => this.switchLanguage(e.target.value));
    $("open-help").addEventListener("click", () => $("help-dialog").showModal());
    $("open-teacher").addEventListener("click", async () => {
      if (!lessons.list.length) await lessons.loadList().catch(() => []);
      teacher.open().catch(() => {}); // once.js has said why not
    });
    $("open-lessons").addEventListener("click", async () => {
      try {
        await lessons.loadList();
        lessons.renderList($("lesson-list"), (id) => this.openLesson(id, { apply: true }));
      } catch {
        $("lesson-list").textContent = t("lessons.unavailable");
      }
      $("lessons-dialog").showModal();
    });
    $("open-train").addEventListener("click", () => {
      change((s) => (s.train = s.train ? null : defaultTraining()));
      if (state.train) training.open().then(() => $("train").scrollIntoView?.({ block: "start" }), () => {});
    });
    $("train-close").addEventListener("click", () => {
      change((s) => (s.train = null));
      $("open-train").focus();
    });
    $("projector-toggle").addEventListener("change", (e) => change((s) => (s.projector = e.target.checked)));
    $("download-csv").addEventListener("click", () => freshRun() && exported("downloadCSV", freshRun()));
    $("download-json").addEventListener("click", () => freshRun() && exported("downloadJSON", state, freshRun()));
    $("download-svg").addEventListener("click", () => exported("downloadSVG", $("diagram")));
    $("import-json").addEventListener("click", () => $("import-file").click()); // a saved run, exactly
    $("import-file").addEventListener("change", (e) => importScenario(e.target));
    $("download-png").addEventListener("click", () => exported("downloadPNG", $("diagram")));
  }
}

/** Open a run saved by the JSON download: its state loads exactly; a bad file changes nothing. */
async function importScenario(input) {
  const [file] = input.files;
  input.value = ""; // the same file may be chosen again
  if (!file) return;
  let readScenario;
  try {
    ({ readScenario } = await exporter());
  } catch {
    return; // once.js has said why not
  }
  try {
    const scenario = await readScenario(file);
    change((s) => Object.assign(s, scenario, { lesson: null }));
    showNotice(t("import.loaded", { name: file.name }));
  } catch (error) {
    showNotice(t(error.key ?? "import.not_json", error.params ?? { name: file.name }));
  }
}
