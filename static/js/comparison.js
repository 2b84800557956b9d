// A lesson's comparison table, as the server computed it with the model
// (app/model/paths.py): for each architecture, the steps an error crosses from the last
// output back to step 1 and the share of it that arrives.
import { factor } from "./format.js";
import { t } from "./i18n.js";

/** rows: [{architecture, steps, survives}] -> a <table> in the page's language. */
export function comparisonTable(rows) {
  const table = document.createElement("table");
  table.className = "paths-table";
  table.createCaption().textContent = t("paths.caption");
  const head = table.createTHead().insertRow();
  for (const key of ["paths.architecture", "paths.steps", "paths.survives"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = t(key);
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    tr.dataset.architecture = row.architecture;
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = t(`paths.${row.architecture}`);
    tr.appendChild(name);
    tr.insertCell().textContent = String(row.steps);
    tr.insertCell().textContent = factor(row.survives);
  }
  return table;
}
