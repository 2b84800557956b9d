// The teacher's view of the training runs started from the class's students' pages
// (GET /api/train/class/{code} with the class's secret), each with a Stop button.
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export class ClassRuns {
  /** saved() is the running class {code, secret} or null. */
  constructor({ saved }) {
    this.saved = saved;
    $("class-runs-refresh").addEventListener("click", () => this.refresh());
  }

  async refresh() {
    const saved = this.saved();
    const list = $("class-runs");
    if (!saved) return list.replaceChildren();
    try {
      const response = await fetch(`/api/train/class/${encodeURIComponent(saved.code)}`,
        { headers: { "X-Class-Secret": saved.secret } });
      if (!response.ok) return this.note(t("class.runs_unavailable"));
      this.update((await response.json()).jobs);
    } catch {
      this.note(t("class.runs_unavailable"));
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
    $("class-runs").replaceChildren(...jobs.map((job) => {
      const item = document.createElement("li");
      item.textContent = t("class.runs_item", { model: t(`variant.${job.model}`), lag: job.lag,
        status: t(`class.runs_${job.status}`), sequences: (job.progress?.sequences ?? 0).toLocaleString() });
      if (job.status === "running") {
        const stop = document.createElement("button");
        stop.type = "button";
        stop.textContent = t("class.runs_stop");
        stop.addEventListener("click", () => this.stop(job.id));
        item.append(" ", stop);
      }
      return item;
    }));
  }

  async stop(id) {
    const saved = this.saved();
    if (!saved) return;
    await fetch(`/api/train/class/${encodeURIComponent(saved.code)}/${encodeURIComponent(id)}`,
      { method: "DELETE", headers: { "X-Class-Secret": saved.secret } }).catch(() => null);
    this.refresh();
  }
}
