// The page's parts that load on first use (the training lab, the Teacher dialog, a live
// class, the exporter, the GRU drawing, the lessons' worksheet): part(() => import(...))
// gives a function that fetches the module once, with the strings and the style sheet
// (static/css/parts.css) the parts may need, and keeps it.
// A failed attempt is forgotten, so the next use tries again, and the page says so (after a
// server update under an open page, say, the old addresses are gone: a reload helps).
import { allStrings, t } from "./i18n.js";

const notice = () => document.getElementById("notice");

function say(text) {
  notice().textContent = text;
  notice().hidden = !text;
}

let partsStyle = null;

/** Add parts.css to the page once; resolves when it applies. */
function addPartsStyle() {
  partsStyle ??= new Promise((resolve, reject) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = new URL("../css/parts.css", import.meta.url).href;
    link.onload = resolve;
    link.onerror = () => {
      link.remove();
      partsStyle = null;
      reject(new Error("parts.css could not be fetched"));
    };
    document.head.append(link);
  });
  return partsStyle;
}

export function part(load) {
  let pending = null;
  return () => {
    pending ??= Promise.all([load(), allStrings(), addPartsStyle()]).then(
      ([module]) => {
        if (notice().textContent === t("notice.part_failed")) say(""); // it came after all
        return module;
      },
      (error) => {
        pending = null;
        say(t("notice.part_failed"));
        throw error;
      },
    );
    return pending;
  };
}
