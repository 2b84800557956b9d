// One live-class WebSocket, /ws/class/{code} (protocol: docs/api.md, "Live class"). It says
// hello on every connection, reconnects with growing delays after Wi-Fi drops, sleep or a
// server restart, pings so that a dead connection is noticed, and stops for good on the
// close codes that mean "do not come back".
import { t } from "./i18n.js";

const PING_EVERY = 20000; // ms
const SILENT_LIMIT = 45000; // ms without any message: the connection is dead
const PROBE_LIMIT = 5000; // ms for a pong after the device comes back
const OPEN_LIMIT = 8000; // ms a connection may take to open (a firewall that drops packets)
const DELAYS = [500, 1000, 2000, 4000, 8000, 10000]; // ms before each retry, then the last
// Close codes after which coming back cannot help (the error message said why).
export const FINAL_CLOSES = { 4400: "bad_field", 4403: "bad_secret", 4404: "unknown_class",
  4410: "ended", 4429: "class_full" };

/** The translated sentence for a protocol error code. */
export function errorText(code) {
  const key = `class.error.${code}`;
  const text = t(key);
  return text === key ? t("class.error.bad_field") : text;
}

/** What the server says about live classes (GET /api/live), or null if it cannot say. */
export async function liveInfo() {
  try {
    const response = await fetch("/api/live");
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

/** The base of links students can open, from liveInfo()'s `info` (the join links' origin:
 *  the public URL, or the network address when the server listens on every interface),
 *  e.g. "http://192.168.1.20:8000"; null when the server only knows a loopback address or
 *  cannot say (then the page's own address is the best there is). */
export function studentsBase(info) {
  return info?.reachable ? info.join_base.replace(/\/+$/, "") : null;
}

export class ClassSocket {
  /**
   * hello(): the hello message for the next connection. onMessage(message) for every
   * message. onStatus(status, detail): "connecting", "retrying" ({attempt}: failed tries
   * since the last welcome) or "closed" ({code}: a FINAL_CLOSES value). retryAfter(code)
   * may return true to keep trying after a final close code (a student waiting for its
   * class to be resumed). A connection that has not opened after OPEN_LIMIT is dropped.
   */
  constructor(code, { hello, onMessage, onStatus, retryAfter = () => false }) {
    Object.assign(this, { code, hello, onMessage, onStatus, retryAfter });
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.probeTimer = null;
    this.openTimer = null;
    this.heardAt = 0;
    this.stopped = false;
    this.wake = () => this.retryNow();
    this.lost = () => this.drop(); // the device says it is offline: this socket is gone too
    window.addEventListener("online", this.wake);
    window.addEventListener("offline", this.lost);
    document.addEventListener("visibilitychange", this.wake);
  }

  get open() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const ws = (this.ws = new WebSocket(`${scheme}://${location.host}/ws/class/${encodeURIComponent(this.code)}`));
    this.onStatus(this.attempt ? "retrying" : "connecting", { attempt: this.attempt });
    clearTimeout(this.openTimer); // a handshake nobody answers would wait minutes: give up on it
    this.openTimer = setTimeout(() => ws === this.ws && ws.readyState === WebSocket.CONNECTING && this.drop(), OPEN_LIMIT);
    ws.addEventListener("open", () => {
      clearTimeout(this.openTimer);
      this.heardAt = Date.now();
      ws.send(JSON.stringify(this.hello()));
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(), PING_EVERY);
    });
    ws.addEventListener("message", (event) => {
      this.heardAt = Date.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "welcome") this.attempt = 0;
      this.onMessage(message);
    });
    ws.addEventListener("close", (event) => this.closed(ws, event.code));
  }

  closed(ws, code) {
    if (ws !== this.ws) return;
    clearInterval(this.pingTimer);
    clearTimeout(this.openTimer);
    this.ws = null;
    if (this.stopped) return;
    if (code in FINAL_CLOSES && !this.retryAfter(code)) {
      this.stop();
      this.onStatus("closed", { code: FINAL_CLOSES[code] });
      return;
    }
    const base = DELAYS[Math.min(this.attempt, DELAYS.length - 1)];
    this.attempt++;
    this.onStatus("retrying", { attempt: this.attempt });
    this.retryTimer = setTimeout(() => this.connect(), base * (1 + 0.3 * Math.random()));
  }

  /** Coming back online or to the tab: try at once instead of waiting out the delay; an
   *  open socket must answer a ping within PROBE_LIMIT (it may have died while away). */
  retryNow() {
    if (document.visibilityState === "hidden" || this.stopped) return;
    if (this.retryTimer) return this.connect();
    if (!this.open) return;
    const asked = Date.now();
    this.send({ type: "ping" });
    clearTimeout(this.probeTimer);
    this.probeTimer = setTimeout(() => this.heardAt < asked && this.drop(), PROBE_LIMIT);
  }

  ping() {
    if (Date.now() - this.heardAt > SILENT_LIMIT) this.drop();
    else this.send({ type: "ping" });
  }

  /** Give up on a silent connection now (its close event may take minutes) and retry. */
  drop() {
    const ws = this.ws;
    ws?.close();
    if (ws) this.closed(ws, 1006);
  }

  /** Send `message` if the socket is open; returns whether it went. */
  send(message) {
    if (!this.open) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  /** Close for good. */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    window.removeEventListener("online", this.wake);
    window.removeEventListener("offline", this.lost);
    clearTimeout(this.probeTimer);
    clearTimeout(this.openTimer);
    document.removeEventListener("visibilitychange", this.wake);
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000);
  }
}
