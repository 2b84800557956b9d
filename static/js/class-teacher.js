// The teacher's side of a live class: start it from the Teacher dialog (code, join link,
// QR code, full screen for the projector), send the page's state as it changes, ask the
// lesson's questions of every student, show the answers as they come in and reveal the
// right value; lock, unlock, gather, end. A reload keeps the class ({code, secret} in
// localStorage); after a server restart the teacher's hello resumes it.
import { ClassRuns } from "./class-runs.js";
import { TEACHING_KEY } from "./config.js";
import { fmt } from "./format.js";
import { language, t } from "./i18n.js";
import { ClassSocket, errorText, liveInfo } from "./live.js";
import { drawSpread } from "./class-spread.js";
import { serializeShared } from "./state.js";
import { freshRun, state, subscribe } from "./store.js";

const $ = (id) => document.getElementById(id);
const STATE_EVERY = 50; // ms: at most 20 state messages a second, the latest wins
const CONFIRM_FOR = 5000; // ms "End the class" waits for its confirming second press

function stored() {
  try {
    const saved = JSON.parse(localStorage.getItem(TEACHING_KEY));
    return saved?.code && saved?.secret ? saved : null;
  } catch {
    return null;
  }
}

async function getJSON(path, init) {
  const response = await fetch(path, init);
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error(answer?.message ?? `${response.status}`), { answer });
  return answer;
}

/** The join link in `node`, breakable before the class code but never inside it. */
function showLink(node, url) {
  const cut = url.lastIndexOf("/") + 1;
  const code = document.createElement("span");
  code.className = "join-code";
  code.textContent = url.slice(cut);
  node.replaceChildren(url.slice(0, cut), document.createElement("wbr"), code);
}

export class TeacherClass {
  /** lessons: the lesson panel (the questions and what they ask about). */
  constructor({ lessons }) {
    this.lessons = lessons;
    this.saved = null; // {code, secret, joinUrl} while a class runs
    this.socket = null;
    this.students = 0;
    this.locked = true;
    this.question = null; // the open question {id, step, revealed, right}
    this.answers = null; // ANSWERS for the open question
    this.revealedIds = new Set(); // questions revealed in this class: stepping past is allowed
    this.sentText = null;
    this.sentAt = 0;
    this.stateTimer = null;
    this.canStart = true; // false when the server says a class would not work
    this.endTimer = null; // set while "End the class" waits for its second press
    this.runs = new ClassRuns({ saved: () => this.saved });
    $("class-start").addEventListener("click", () => this.start());
    $("class-lock").addEventListener("click", () => this.send({ type: "lock" }));
    $("class-unlock").addEventListener("click", () => this.send({ type: "unlock" }));
    $("class-gather").addEventListener("click", () => this.send({ type: "gather" }));
    $("class-end").addEventListener("click", () => this.end());
    $("class-reveal").addEventListener("click", () => this.reveal());
    $("class-panel").addEventListener("click", () => $("open-teacher").click());
    $("class-qr-full").addEventListener("click", () => $("class-qr-dialog").showModal());
    subscribe(() => {
      if (this.running && this.shownIn !== language()) { // the bar and the run list in the new language
        this.render();
        this.runs.refresh();
      }
      this.stateChanged();
    });
  }

  get running() {
    return this.saved !== null;
  }

  /** On a page that is not a student's: resume the class this browser was teaching. */
  resume() {
    const saved = stored();
    if (saved) this.begin(saved);
  }

  /** The Teacher dialog opens: ask the server about live classes (worded in the panel) and
   *  list the runs. Returns what the server says (a promise of liveInfo()). */
  opened() {
    const info = liveInfo();
    this.checkServer(info);
    this.runs.refresh();
    return info;
  }

  /** What the server says about live classes (`info`, a promise of live.js liveInfo()),
   *  worded in the panel. */
  async checkServer(info) {
    const note = $("class-server-note");
    info = await info;
    const lines = [];
    if (!info) lines.push(t("class.live_unavailable"));
    else {
      if (!info.shared) lines.push(t("class.shared_false"));
      if (!info.reachable) lines.push(t("class.unreachable", { base: info.join_base }));
    }
    note.textContent = lines.join(" ");
    note.hidden = !lines.length;
    this.canStart = Boolean(info?.shared);
    $("class-start").hidden = this.running || !this.canStart;
  }

  async start() {
    const status = $("class-teacher-status");
    status.textContent = "";
    try {
      const made = await getJSON("/api/classes", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ state: serializeShared(state) }),
      });
      this.begin({ code: made.code, secret: made.teacher_secret, joinUrl: made.join_url });
      $("class-qr-full").focus();
    } catch (error) {
      const code = error.answer?.detail?.[0]?.type;
      if (code === "classes_split") { // several workers without Redis: no class can start here
        this.canStart = false;
        this.render();
      }
      status.textContent = code === "too_many_classes" ? errorText(code)
        : code === "classes_split" ? t("class.shared_false") : t("class.start_failed", { message: error.message });
    }
  }

  begin(saved) {
    this.saved = saved;
    localStorage.setItem(TEACHING_KEY, JSON.stringify(saved));
    this.sentText = null;
    this.socket = new ClassSocket(saved.code, {
      hello: () => ({ type: "hello", role: "teacher", secret: saved.secret, state: serializeShared(state) }),
      onMessage: (message) => this.receive(message),
      onStatus: (status, detail) => this.connection(status, detail),
    });
    this.socket.connect();
    const src = `/api/qr?text=${encodeURIComponent(saved.joinUrl)}`;
    for (const id of ["class-qr", "class-qr-large"]) $(id).src = src;
    this.render();
    this.runs.refresh(); // a new class: "no student has started a run", not an empty space
  }

  receive(message) {
    switch (message.type) {
      case "welcome": {
        const snap = message.class;
        Object.assign(this, { students: snap.students, locked: snap.locked, question: snap.question, answers: snap.answers });
        if (snap.question?.revealed) this.revealedIds.add(snap.question.id); // after a reload
        this.sentText = snap.state; // the class has this; send ours if it differs
        this.sendState();
        this.say(t("class.teacher_running", { code: this.saved.code }), { inBar: false });
        break;
      }
      case "count":
        this.students = message.students;
        break;
      case "answers":
        this.answers = message;
        break;
      case "locked":
        this.locked = message.locked;
        break;
      case "ask":
        this.question = message.question;
        this.answers = null;
        break;
      case "reveal":
        if (this.question?.id === message.question) this.question = { ...this.question, revealed: true, right: message.right };
        break;
      case "ended":
        this.finish();
        this.say(t("class.teacher_ended"), { inBar: false });
        break;
      case "error":
        this.say(errorText(message.code));
        break;
      default:
        return;
    }
    this.render();
  }

  connection(status, detail) {
    if (status === "retrying") this.say(t("class.teacher_reconnecting"));
    if (status === "closed") {
      const wasEnded = detail.code === "ended";
      this.finish();
      this.say(wasEnded ? t("class.teacher_ended") : errorText(detail.code));
    }
  }

  /** A sentence about the class, in the panel and (while the class runs) in the bar; the
   *  bar's line clears with the next good news. */
  say(text, { inBar = true } = {}) {
    $("class-teacher-status").textContent = text;
    $("class-bar-note").textContent = inBar ? text : "";
  }

  send(message) {
    if (!this.socket?.send(message)) this.say(t("class.teacher_reconnecting"));
  }

  /** The store changed: send the class the new state, at most every STATE_EVERY ms. */
  stateChanged() {
    if (!this.running || this.stateTimer) return;
    const wait = Math.max(0, this.sentAt + STATE_EVERY - performance.now());
    this.stateTimer = setTimeout(() => {
      this.stateTimer = null;
      this.sendState();
    }, wait);
  }

  sendState() {
    const text = serializeShared(state);
    if (text === this.sentText) return;
    if (this.question && !this.question.id.startsWith(`${state.lesson}:`)) this.closeQuestion(); // lesson left
    if (this.socket?.send({ type: "state", state: text })) {
      this.sentText = text;
      this.sentAt = performance.now();
    }
  }

  /** The lesson asks `entry`'s question before stepping on: ask every student too. */
  asked(entry) {
    if (!this.running || !state.lesson) return;
    const id = `${state.lesson}:${entry.at}`;
    if (this.question?.id === id) return; // asked again: keep the answers given
    this.sendState(); // the students see the step the question is about
    this.send({ type: "ask", question: { id, step: entry.at } });
  }

  closeQuestion() {
    if (this.socket?.send({ type: "ask", question: null })) {
      this.question = this.answers = null;
      this.render();
    }
  }

  /** Whether the class saw the right value of `entry`'s question (the teacher may step on). */
  revealed(entry) {
    return this.running && this.revealedIds.has(`${state.lesson}:${entry.at}`);
  }

  reveal() {
    const question = this.question;
    const run = freshRun();
    if (!question || !run) return;
    const lesson = question.id.slice(0, question.id.lastIndexOf(":"));
    const step = run.cell.steps[question.step - 1];
    if (lesson !== state.lesson || !step) return;
    const right = this.quantity === "output" ? step.output : step.cell;
    this.revealedIds.add(question.id);
    this.send({ type: "reveal", question: question.id, right });
    this.lessons.withdraw(); // the teacher's own page stops asking too
  }

  /** Ending sends every student away: the first press asks for a second within
   *  CONFIRM_FOR (the button says so, and the status line reads it out). */
  end() {
    if (!this.endTimer) {
      $("class-end").textContent = t("class.end_confirm");
      $("class-end").classList.add("confirming");
      this.say(t("class.end_confirm_note"), { inBar: false });
      this.endTimer = setTimeout(() => this.disarmEnd(), CONFIRM_FOR);
      return;
    }
    this.disarmEnd();
    this.send({ type: "end" });
  }

  disarmEnd() {
    if (!this.endTimer) return;
    clearTimeout(this.endTimer);
    this.endTimer = null;
    $("class-end").textContent = t("class.end");
    $("class-end").classList.remove("confirming");
    if ($("class-teacher-status").textContent === t("class.end_confirm_note")) this.say("", { inBar: false });
  }

  /** The class is over: forget it, and the page is an ordinary page again. */
  finish() {
    this.disarmEnd();
    this.socket?.stop();
    this.socket = null;
    this.saved = null;
    this.question = this.answers = null;
    this.revealedIds.clear();
    localStorage.removeItem(TEACHING_KEY);
    if ($("class-qr-dialog").open) $("class-qr-dialog").close();
    this.render();
  }

  render() {
    this.shownIn = language();
    const running = this.running;
    $("class-running").hidden = !running;
    $("class-start").hidden = running || !this.canStart;
    $("class-bar").hidden = !running;
    $("class-bar-teacher").hidden = !running;
    document.body.classList.toggle("in-class", running);
    if (!running) return;
    const { code, joinUrl } = this.saved;
    for (const id of ["class-code", "class-bar-code", "class-qr-code"]) $(id).textContent = code;
    for (const id of ["class-join-url", "class-qr-url"]) showLink($(id), joinUrl);
    $("class-count").textContent = String(this.students);
    $("class-bar-count").textContent = t("class.count", { n: this.students });
    $("class-lock").disabled = this.locked;
    $("class-unlock").disabled = !this.locked;
    $("class-lock").setAttribute("aria-pressed", String(this.locked));
    $("class-unlock").setAttribute("aria-pressed", String(!this.locked));
    $("class-lock-state").textContent = t(this.locked ? "class.locked_state" : "class.unlocked_state");
    this.renderQuestion();
  }

  renderQuestion() {
    const question = this.question;
    $("class-question").hidden = !question;
    if (!question) return;
    const answers = this.answers?.question === question.id ? this.answers : null;
    const answered = answers?.answered ?? 0;
    $("class-answered").textContent = t("class.answered", { n: answered, total: answers?.students ?? this.students });
    const values = answers?.values ?? [];
    const right = question.revealed ? question.right : null;
    drawSpread($("class-spread"), values, right);
    $("class-spread").setAttribute("aria-label", values.length
      ? t("class.spread_aria", { values: values.map(fmt).join(", ") }) + (right === null ? "" : `; ${t("class.right_mark", { value: fmt(right) })}`)
      : t("class.spread_none"));
    $("class-reveal").disabled = question.revealed;
  }

  /** The quantity the open question asks about, from the teacher's lesson. */
  get quantity() {
    const entry = this.lessons.lesson?.steps.find((e) => e.at === this.question?.step);
    return entry?.predict?.quantity ?? "cell";
  }
}
