// The teacher panel: a classroom link for a lesson, with chosen controls hidden, as
// text to copy and as a QR code made by our own server.
import { language, t } from "./i18n.js";
import { serialize } from "./state.js";

const $ = (id) => document.getElementById(id);

export class TeacherDialog {
  constructor(dialog, { getState, getLessons }) {
    this.dialog = dialog;
    this.getState = getState;
    this.getLessons = getLessons;
    for (const input of dialog.querySelectorAll("input, select")) {
      input.addEventListener("change", () => this.refresh());
    }
    $("teacher-copy").addEventListener("click", () => this.copy());
    $("teacher-qr-button").addEventListener("click", () => this.showQR());
    // The server refuses links too long for a QR code (a long tape without a lesson).
    $("teacher-qr").addEventListener("error", () => {
      $("teacher-qr").hidden = true;
      $("teacher-status").textContent = t("teacher.qr_failed");
    });
    $("teacher-qr").addEventListener("load", () => {
      $("teacher-status").textContent = "";
      $("teacher-qr").scrollIntoView?.({ block: "nearest" }); // below the checkboxes on small screens
    });
  }

  open() {
    const state = this.getState();
    const select = $("teacher-lesson");
    const none = new Option(t("teacher.no_lesson"), "");
    select.replaceChildren(none, ...this.getLessons().map((l) => new Option(l.title, l.id)));
    select.value = state.lesson ?? "";
    $("teacher-projector").checked = state.projector;
    $("teacher-qr").hidden = true;
    $("teacher-status").textContent = "";
    this.refresh();
    this.dialog.showModal();
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
    return `${location.origin}${location.pathname}#${hash}`;
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

  showQR() {
    const image = $("teacher-qr");
    const src = `/api/qr?text=${encodeURIComponent(this.link())}`;
    if (image.getAttribute("src") !== src) image.src = src;
    image.hidden = false;
  }
}
