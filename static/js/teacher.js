// The teacher panel: a classroom link for a lesson, with chosen controls hidden, as
// text to copy and as a QR code made by our own server.
import { language, t } from "./i18n.js";
import { studentsBase } from "./live.js";
import { showFullScreenQR } from "./qrview.js";
import { serialize } from "./state.js";

const SHORT_ABOVE = 200; // characters: a longer link's QR code shows a short link the server keeps

const $ = (id) => document.getElementById(id);

export class TeacherDialog {
  constructor(dialog, { getState, getLessons }) {
    this.dialog = dialog;
    this.base = null; // where students reach this server (null: this page's own address)
    this.getState = getState;
    this.getLessons = getLessons;
    for (const input of dialog.querySelectorAll("input, select")) {
      input.addEventListener("change", () => this.refresh());
    }
    $("teacher-copy").addEventListener("click", () => this.copy());
    $("teacher-qr-button").addEventListener("click", () => this.showQR());
    $("teacher-qr-full").addEventListener("click", () => this.qrText && showFullScreenQR(this.qrText));
    // The server refuses links too long for a QR code (a long tape without a lesson).
    $("teacher-qr").addEventListener("error", () => {
      $("teacher-qr").hidden = $("teacher-qr-full").hidden = true;
      $("teacher-status").textContent = t("teacher.qr_failed");
    });
    $("teacher-qr").addEventListener("load", () => {
      $("teacher-qr-full").hidden = false;
      $("teacher-qr").scrollIntoView?.({ block: "nearest" }); // below the checkboxes on small screens
    });
  }

  /** Show the dialog; `info`, a promise of live.js liveInfo(), gives the students' address. */
  open(info) {
    const state = this.getState();
    const select = $("teacher-lesson");
    const none = new Option(t("teacher.no_lesson"), "");
    select.replaceChildren(none, ...this.getLessons().map((l) => new Option(l.title, l.id)));
    select.value = state.lesson ?? "";
    $("teacher-projector").checked = state.projector;
    $("teacher-qr").hidden = $("teacher-qr-full").hidden = true;
    $("teacher-status").textContent = "";
    this.refresh();
    this.dialog.showModal();
    // A teacher on 127.0.0.1 hands out links to the address students reach.
    info.then((answer) => {
      this.base = studentsBase(answer);
      if (this.dialog.open) this.refresh();
    });
  }

  /** The page's address for students: '.../' without the '#'. */
  get pageUrl() {
    return this.base ? `${this.base}/` : `${location.origin}${location.pathname}`;
  }

  /** With a lesson: the lesson and the display choices only (its setup loads on open).
   *  Without: the whole current view. */
  link() {
    const lesson = $("teacher-lesson").value;
    const hide = [...$("teacher-hide").querySelectorAll("input:checked")].map((i) => i.value);
    const projector = $("teacher-projector").checked;
    let hash;
    if (lesson) {
      const params = new URLSearchParams({ lesson, lang: language() });
      if (hide.length) params.set("hide", hide.join(","));
      if (projector) params.set("mode", "projector");
      hash = params.toString();
    } else {
      hash = serialize({ ...this.getState(), lang: language(), hide, projector });
    }
    return `${this.pageUrl}#${hash}`;
  }

  refresh() {
    $("teacher-link").value = this.link();
    if (!$("teacher-qr").hidden) this.showQR();
  }

  async copy() {
    const field = $("teacher-link");
    try {
      await navigator.clipboard.writeText(field.value);
      $("teacher-status").textContent = t("teacher.copied");
    } catch {
      field.select();
      $("teacher-status").textContent = document.execCommand("copy") ? t("teacher.copied") : t("teacher.copy_failed");
    }
  }

  /** The QR code of the link; a long link (a whole tape) is first kept by the server under a
   *  short id, whose link is what the code holds: small enough to scan, and it survives a
   *  restart of the server. The text link to copy stays the full one. */
  async showQR() {
    const link = this.link();
    let text = link;
    $("teacher-status").textContent = "";
    if (link.length > SHORT_ABOVE) {
      try {
        const response = await fetch("/api/links", { method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ state: link.slice(link.indexOf("#") + 1) }) });
        if (!response.ok) throw new Error(String(response.status));
        text = `${this.base ?? location.origin}${(await response.json()).path}`;
        $("teacher-status").textContent = t("teacher.qr_short", { link: text });
      } catch {
        $("teacher-qr").hidden = $("teacher-qr-full").hidden = true;
        $("teacher-status").textContent = t("teacher.qr_failed");
        return;
      }
    }
    this.qrText = text;
    const image = $("teacher-qr");
    const src = `/api/qr?text=${encodeURIComponent(text)}`;
    if (image.getAttribute("src") !== src) image.src = src;
    image.hidden = false;
  }
}
