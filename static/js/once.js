// The page's parts that load on first use (the training lab, the Teacher dialog, a live
// class, the exporter, the GRU drawing, the lessons' worksheet): part(() => import(...))
// gives a function that fetches the module once, with the strings it may need, and keeps it.
// A failed attempt is forgotten, so the next use tries again, and the page says so (after a
// server update under an open page, say, the old addresses are gone: a reload helps).
import { allStrings, t } from "./i18n.js";

const notice = () => document.getElementById("notice");

function say(text) {
  notice().textContent = text;
  notice().hidden = !text;
}

export function part(load) {
  let pending = null;
  return () => {
    pending ??= Promise.all([load(), allStrings()]).then(
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
