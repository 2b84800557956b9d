// A student's side of a live class: joining (the form in class-join.js, or at once from a
// join link /join/CODE), following the class's state in the student's own language,
// controls that are off (and say so) while following, exploring on one's own when the
// teacher allows it; the class's questions are class-question.js.
import { language, t } from "./i18n.js";
import { JoinForm } from "./class-join.js";
import { StudentQuestion } from "./class-question.js";
import { ClassSocket, errorText } from "./live.js";
import { adoptShared } from "./state.js";
import { change, refresh, state, subscribe } from "./store.js";

const $ = (id) => document.getElementById(id);
const CLIENT_KEY = "lstm-lab.client";
const WAIT_FOR_CLASS = 5 * 60 * 1000; // ms a student waits for a lost class to be resumed
const TELL_AFTER = 4; // failed connection attempts in a row before the student is told what to check
// The controls a follower may not use (downloads, language and help stay).
const CONTROLS = ".layout input, .layout select, .layout button:not(.downloads button), "
  + ".topbar select:not(#language), #open-lessons, #open-train, #open-teacher";

/** This tab's anonymous client id, kept for the session so a reload is the same student. */
function clientId() {
  let id = sessionStorage.getItem(CLIENT_KEY);
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(id ?? "")) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    sessionStorage.setItem(CLIENT_KEY, id);
  }
  return id;
}

export class StudentClass {
  /** lessons: the lesson panel; openLesson(id): show a lesson's text (menus.openLesson). */
  constructor({ lessons, openLesson }) {
    Object.assign(this, { lessons, openLesson });
    this.form = new JoinForm({ onJoin: (code) => this.join(code) });
    this.code = null;
    this.socket = null;
    this.status = "idle"; // idle | connecting | retrying | unreachable | waiting | joined | ended | left
    this.lostAt = null; // when the class was found missing (waiting for it to be resumed)
    this.welcomed = false; // once welcomed, a lost class is waited for (it may be resumed)
    this.following = true;
    this.locked = true;
    this.classText = null; // the class's newest state text
    this.seq = -1;
    this.loadingLesson = null;
    this.question = new StudentQuestion({
      lessons,
      send: (message) => this.socket?.send(message) || this.say(t("class.status_reconnecting", { code: this.code })),
      onChange: () => this.render(),
    });
    $("class-explore").addEventListener("click", () => this.explore());
    $("class-back").addEventListener("click", () => this.backToClass());
    $("class-leave").addEventListener("click", () => this.leave());
    subscribe(() => {
      if (this.shownIn !== language()) this.render(); // the bar in the student's new language too
      else this.afterDraw();
    });
  }

  /** A page opened at /join or /join/CODE: show the form, or join at once. */
  start(join) {
    if (join) this.form.tryJoin(join, { checked: false });
    else this.form.show();
  }

  join(code) {
    this.socket?.stop();
    Object.assign(this, { code, welcomed: false, following: true, classText: null, seq: -1 });
    this.question.set(null);
    this.socket = new ClassSocket(code, {
      hello: () => ({ type: "hello", role: "student", client: clientId(), ...(this.welcomed ? { rejoin: true } : {}) }),
      onMessage: (message) => this.receive(message),
      onStatus: (status, detail) => this.connection(status, detail),
      retryAfter: (close) => this.waitForClass(close),
    });
    this.status = "connecting";
    this.socket.connect();
    this.render();
  }

  /** A class that went away after we were in it may come back (its teacher's page resumes
   *  it after a server restart): keep trying for WAIT_FOR_CLASS. */
  waitForClass(close) {
    if (close !== 4404 || !this.welcomed || !this.inClass) return false;
    this.lostAt ??= Date.now();
    this.status = "waiting";
    this.render();
    return Date.now() - this.lostAt < WAIT_FOR_CLASS;
  }

  receive(message) {
    switch (message.type) {
      case "welcome": {
        const snap = message.class;
        this.welcomed = true;
        this.lostAt = null;
        this.status = "joined";
        this.form.hide();
        this.locked = snap.locked;
        if (this.locked) this.following = true;
        this.question.set(snap.question);
        this.takeState(snap.state, snap.seq ?? 0, true);
        break;
      }
      case "state":
        this.takeState(message.state, message.seq ?? this.seq + 1);
        break;
      case "locked":
        this.locked = message.locked;
        if (this.locked) this.follow();
        break;
      case "gather":
        this.follow();
        this.say(t("class.gathered"));
        break;
      case "ask":
        this.question.set(message.question);
        break;
      case "answered":
        this.question.taken(message.question);
        break;
      case "reveal":
        this.question.reveal(message.question, message.right);
        break;
      case "ended":
        this.end("ended");
        return;
      case "error":
        this.say(errorText(message.code));
        return;
      default:
        return;
    }
    this.render();
  }

  connection(status, detail) {
    if (status === "retrying" && this.status !== "waiting") {
      // Still nothing after a few tries (no live class on this server, a firewall): say what to check.
      this.status = detail.attempt >= TELL_AFTER ? "unreachable" : this.welcomed ? "retrying" : "connecting";
    }
    if (status === "closed") {
      if (detail.code === "ended") return this.end("ended");
      if (!this.welcomed) {
        // Never got in: show the form again with the reason.
        this.status = "idle";
        this.socket = null;
        this.form.show(detail.code === "unknown_class"
          ? t("class.unknown_code", { code: this.code }) : errorText(detail.code));
        this.code = null;
      } else this.end("ended");
    }
    this.render();
  }

  /** Keep the class's newest state; apply it while following. A welcome's state always
   *  counts (a resumed class starts a new sequence). */
  takeState(text, seq, always = false) {
    if (!always && seq <= this.seq) return;
    this.seq = seq;
    this.classText = text;
    if (this.following) this.applyClass();
  }

  /** The class's state becomes this page's state (its own language and display stay). */
  applyClass() {
    if (!this.classText) return this.render();
    change((s) => adoptShared(s, this.classText));
  }

  follow() {
    this.following = true;
    this.applyClass();
  }

  explore() {
    if (this.locked) return;
    this.following = false;
    this.render();
    refresh();
    $("class-back").focus();
  }

  backToClass() {
    this.follow();
    this.render();
    $("class-explore").focus();
  }

  leave() {
    this.end("left");
  }

  end(why) {
    this.socket?.stop();
    this.socket = null;
    this.status = why; // "ended" or "left"
    this.following = false;
    this.question.set(null);
    history.replaceState(null, "", `/${location.hash}`); // a reload opens the page, not the class
    this.render();
    refresh();
  }

  /** A passing sentence (an error, "brought back") in the status line's place below. */
  say(text) {
    $("class-ask-feedback").textContent = text;
  }

  get inClass() {
    return this.status !== "idle" && this.status !== "ended" && this.status !== "left";
  }

  /** After every drawing of the page: the class's lesson loaded, the controls off while
   *  following (the views set them afresh on every drawing), the question worded. */
  afterDraw() {
    const active = this.inClass && this.following;
    if (active && state.lesson && this.lessons.lesson?.id !== state.lesson && this.loadingLesson !== state.lesson) {
      this.loadingLesson = state.lesson;
      this.openLesson(state.lesson).finally(() => (this.loadingLesson = null));
    }
    document.body.classList.toggle("class-following", active);
    // The tape still scrolls by keyboard while its buttons are off.
    if (active) $("tape").tabIndex = 0;
    else $("tape").removeAttribute("tabindex");
    if (active) {
      for (const node of document.querySelectorAll(CONTROLS)) {
        if (node.disabled) continue;
        node.disabled = true;
        node.dataset.classOff = "";
      }
    } else {
      const off = document.querySelectorAll("[data-class-off]");
      for (const node of off) {
        node.disabled = false;
        delete node.dataset.classOff;
      }
      if (off.length) refresh(); // the views disable again what they mean to
    }
    this.question.render(this.inClass);
  }

  /** What a key press that would change the page does while following: say why not. */
  blocked() {
    if (!(this.inClass && this.following)) return false;
    const note = $("class-lock-note");
    note.classList.remove("flash");
    void note.offsetWidth; // restart the highlight
    note.classList.add("flash");
    return true;
  }

  render() {
    this.shownIn = language();
    const shown = this.status !== "idle";
    $("class-bar").hidden = !shown;
    $("class-bar-student").hidden = !shown;
    document.body.classList.toggle("in-class", this.inClass);
    if (!shown) return this.afterDraw();
    const code = this.code;
    const status = $("class-status");
    const words = {
      connecting: t("class.status_connecting", { code }),
      retrying: t("class.status_reconnecting", { code }),
      unreachable: t("class.status_unreachable", { code }),
      waiting: t("class.status_waiting", { code }),
      joined: this.following ? t("class.status_following", { code }) : t("class.status_exploring", { code }),
      ended: t("class.status_ended"),
      left: t("class.status_left"),
    }[this.status];
    if (status.textContent !== words) status.textContent = words;
    status.dataset.following = String(this.inClass && this.following);
    const joined = ["joined", "retrying", "waiting"].includes(this.status) || (this.status === "unreachable" && this.welcomed);
    $("class-explore").hidden = !(joined && this.following && !this.locked);
    $("class-back").hidden = !(joined && !this.following);
    $("class-leave").hidden = !this.inClass;
    const note = $("class-lock-note");
    note.hidden = !(this.inClass && this.following);
    note.textContent = t(this.locked ? "class.lock_note" : "class.follow_note");
    this.afterDraw();
  }
}
