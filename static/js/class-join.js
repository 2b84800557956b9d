// The "Join a class" form (/join): checks a typed code's form, then asks the server
// whether the class exists, and says what is wrong in a sentence.
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

export class JoinForm {
  /** onJoin(code): a code of the right form (and, when typed, of a running class). */
  constructor({ onJoin }) {
    this.onJoin = onJoin;
    const section = $("class-join");
    this.pattern = new RegExp(`^[${section.dataset.codeAlphabet}]{${section.dataset.codeLength}}$`);
    $("class-join-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.tryJoin($("class-join-code").value, { checked: true });
    });
  }

  /** ' k7m-2qx ' -> 'K7M2QX' (as the server reads codes), or null. */
  normalise(text) {
    const code = text.replace(/[\s-]/g, "").toUpperCase();
    return this.pattern.test(code) ? code : null;
  }

  /** Show the form, with `error` (a sentence) or none. */
  show(error = "") {
    $("class-join").hidden = false;
    $("class-join-error").textContent = error;
    $("class-join-code").focus();
  }

  hide() {
    $("class-join").hidden = true;
  }

  /** Join the class of `text`: its form, then (`checked`: typed) whether it exists. The
   *  form stays hidden for a join link until something is wrong. */
  async tryJoin(text, { checked }) {
    $("class-join-code").value = text;
    const code = this.normalise(text);
    if (!code) return this.show(t("class.bad_code"));
    if (checked) {
      $("class-join-error").textContent = "";
      try {
        const response = await fetch(`/api/classes/${code}`);
        if (response.status === 404) return this.show(t("class.unknown_code", { code }));
        if (!response.ok) throw new Error(String(response.status));
      } catch {
        return this.show(t("class.check_failed"));
      }
      history.replaceState(null, "", `/join/${code}${location.hash}`);
    }
    this.onJoin(code);
  }
}
