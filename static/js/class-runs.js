// The teacher's view of the training runs started from the class's students' pages
// (GET /api/train/class/{code} with the class's secret), each with a Stop button. While the
// Teacher dialog is open it is asked again every few seconds and redrawn when a run starts
// or ends (the list is a live region: a count of sequences alone would be read out each time).
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const EVERY_MS = 4000;

export class ClassRuns {
  /** saved() is the running class {code, secret} or null. */
  constructor({ saved }) {
    this.saved = saved;
    this.timer = null;
    this.shown = ""; // the runs on screen and their states
    $("class-runs-refresh").addEventListener("click", () => this.refresh());
  }

  /** Refresh while the Teacher dialog is open and a class runs; stop when either ends. */
  watch() {
    this.timer ??= setInterval(() => {
      if ($("teacher-dialog").open && this.saved()) return this.refresh({ changesOnly: true });
      clearInterval(this.timer);
      this.timer = null;
    }, EVERY_MS);
  }

  async refresh({ changesOnly = false } = {}) {
    const saved = this.saved();
    const list = $("class-runs");
    if (!saved) return list.replaceChildren();
    this.watch();
    try {
      const response = await fetch(`/api/train/class/${encodeURIComponent(saved.code)}`,
        { headers: { "X-Class-Secret": saved.secret } });
      if (!response.ok) throw new Error(`${response.status}`);
      const { jobs } = await response.json();
      const states = jobs.map((job) => `${job.id}:${job.status}`).join(" ");
      if (!changesOnly || states !== this.shown) this.update(jobs);
      this.shown = states;
    } catch {
      if (!changesOnly || this.shown !== "unavailable") this.note(t("class.runs_unavailable"));
      this.shown = "unavailable";
    }
  }

  note(text) {
    const item = document.createElement("li");
    item.textContent = text;
    $("class-runs").replaceChildren(item);
  }

  /** jobs: [{id, status, model, task, lag, progress}] -> one line each, Stop while running. */
  update(jobs) {
    if (!jobs.length) return this.note(t("class.runs_none"));
    const focused = document.activeElement?.dataset?.job; // a Stop button keeps the keyboard
    $("class-runs").replaceChildren(...jobs.map((job) => {
      const item = document.createElement("li");
      item.textContent = t("class.runs_item", { model: t(`variant.${job.model}`), lag: job.lag,
        status: t(`class.runs_${job.status}`), sequences: (job.progress?.sequences ?? 0).toLocaleString() });
      if (job.status === "running") {
        const stop = document.createElement("button");
        stop.type = "button";
        stop.textContent = t("class.runs_stop");
        stop.dataset.job = job.id;
        stop.addEventListener("click", () => this.stop(job.id));
        item.append(" ", stop);
      }
      return item;
    }));
    if (focused) $("class-runs").querySelector(`[data-job="${CSS.escape(focused)}"]`)?.focus();
  }

  async stop(id) {
    const saved = this.saved();
    if (!saved) return;
    await fetch(`/api/train/class/${encodeURIComponent(saved.code)}/${encodeURIComponent(id)}`,
      { method: "DELETE", headers: { "X-Class-Secret": saved.secret } }).catch(() => null);
    this.refresh();
  }
}
