// The teacher's view of the training runs started from the class's students' pages
// (GET /api/train/class/{code} with the class's secret), each with a Stop button. While the
// Teacher dialog is open it is asked again every few seconds. A screen reader hears the list
// when it is asked for and when a run starts or changes state, not every new count.
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const EVERY_MS = 4000;

export class ClassRuns {
  /** saved() is the running class {code, secret} or null. */
  constructor({ saved }) {
    this.saved = saved;
    this.timer = null;
    this.said = ""; // the runs and states last read out
    $("class-runs-refresh").addEventListener("click", () => this.refresh());
  }

  /** Refresh while the Teacher dialog is open and a class runs; stop when either ends. */
  watch() {
    this.timer ??= setInterval(() => {
      if ($("teacher-dialog").open && this.saved()) return this.refresh({ quiet: true });
      clearInterval(this.timer);
      this.timer = null;
    }, EVERY_MS);
  }

  /** Ask for the runs and show them; `quiet`: read out only what started or changed. */
  async refresh({ quiet = false } = {}) {
    const saved = this.saved();
    if (!saved) return $("class-runs").replaceChildren();
    this.watch();
    let lines;
    let states = "unavailable";
    try {
      const response = await fetch(`/api/train/class/${encodeURIComponent(saved.code)}`,
        { headers: { "X-Class-Secret": saved.secret } });
      if (!response.ok) throw new Error(`${response.status}`);
      const { jobs } = await response.json();
      lines = this.show(jobs);
      states = jobs.map((job) => `${job.id}:${job.status}`).join(" ");
    } catch {
      lines = [this.note(t("class.runs_unavailable"))];
    }
    if (!quiet || states !== this.said) $("class-runs-said").textContent = lines.join(". ");
    this.said = states;
  }

  note(text) {
    const item = document.createElement("li");
    item.textContent = text;
    $("class-runs").replaceChildren(item);
    return text;
  }

  /** jobs: [{id, status, model, task, lag, progress}] -> one line each, Stop while running;
   *  a focused Stop button keeps the keyboard. Returns the lines' words. */
  show(jobs) {
    if (!jobs.length) return [this.note(t("class.runs_none"))];
    const focused = document.activeElement?.dataset?.job;
    const items = jobs.map((job) => {
      const item = document.createElement("li");
      item.dataset.run = job.id;
      item.tabIndex = -1; // where the keyboard goes once its run is stopped
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
    });
    $("class-runs").replaceChildren(...items);
    if (focused) $("class-runs").querySelector(`[data-job="${CSS.escape(focused)}"]`)?.focus();
    return items.map((item) => item.firstChild.textContent);
  }

  async stop(id) {
    const saved = this.saved();
    if (!saved) return;
    await fetch(`/api/train/class/${encodeURIComponent(saved.code)}/${encodeURIComponent(id)}`,
      { method: "DELETE", headers: { "X-Class-Secret": saved.secret } }).catch(() => null);
    await this.refresh();
    ($("class-runs").querySelector(`[data-run="${CSS.escape(id)}"]`) ?? $("class-runs-refresh")).focus();
  }
}
