// A QR code that fills the screen, so a class can scan it from their seats. Reusable by
// any panel: showFullScreenQR(text, caption). The code itself is made by our own server.
import { t } from "./i18n.js";

let dialog = null;

/** Show the QR code of `text` as large as the screen allows; Escape, Close or a click
 *  beside it closes it, and the keyboard returns to where it was. */
export function showFullScreenQR(text, caption = text) {
  dialog ??= build();
  const image = dialog.querySelector("img");
  image.src = `/api/qr?text=${encodeURIComponent(text)}`;
  image.alt = t("teacher.qr_alt");
  dialog.querySelector(".qr-caption").textContent = caption;
  dialog.querySelector("button").textContent = t("dialog.close");
  dialog.showModal();
  dialog.querySelector("button").focus();
}

function build() {
  const node = document.createElement("dialog");
  node.id = "qr-full";
  node.className = "qr-full";
  node.setAttribute("aria-label", t("teacher.qr_alt"));
  node.innerHTML = `<img alt=""><p class="qr-caption"></p><form method="dialog"><button class="primary"></button></form>`;
  node.addEventListener("click", (event) => {
    if (event.target === node) node.close(); // a click on the margin around the code
  });
  document.body.append(node);
  return node;
}
