// Downloads: the run as CSV or JSON, the diagram as SVG or PNG. All made in the page.
import { cellRunBody, rnnRunBody } from "./api.js";

const COLUMNS = ["t", "x", "input_gate", "forget_gate", "output_gate", "cell_input", "cell", "output"];
const GRU_COLUMNS = ["t", "x", "update_gate", "reset_gate", "cell_input", "cell", "output"];

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** One row per step: the cell's values, its error flow, and the RNN beside it. */
export function runCSV({ cell, rnn }) {
  const columns = cell.variant === "gru" ? GRU_COLUMNS : COLUMNS;
  const header = [...columns, "error_flow", "rnn_h", "rnn_error_flow"];
  const rows = cell.steps.map((step, k) => [
    ...columns.map((c) => step[c] ?? ""), cell.error_flow[k], rnn.steps[k].cell, rnn.error_flow[k],
  ]);
  return [header, ...rows].map((row) => row.join(",")).join("\n") + "\n";
}

export function downloadCSV(result) {
  save(new Blob([runCSV(result)], { type: "text/csv" }), "lstm-cell-run.csv");
}

export function downloadJSON(state, { cell, rnn }) {
  const record = { cell: { request: cellRunBody(state), response: cell },
    rnn: { request: rnnRunBody(state), response: rnn } };
  save(new Blob([JSON.stringify(record, null, 2)], { type: "application/json" }), "lstm-cell-run.json");
}

const STYLE_PROPERTIES = ["fill", "stroke", "stroke-width", "stroke-dasharray", "stroke-linecap",
  "opacity", "font-size", "font-weight", "font-family", "paint-order", "display", "text-anchor"];

/** A standalone copy of an SVG with its computed styles written as presentation attributes
 *  (fill="...", not style="...": the page's Content-Security-Policy allows no style attributes). */
export function standaloneSVG(svg) {
  const copy = svg.cloneNode(true);
  const originals = [svg, ...svg.querySelectorAll("*")];
  const copies = [copy, ...copy.querySelectorAll("*")];
  originals.forEach((node, k) => {
    const computed = getComputedStyle(node);
    copies[k].removeAttribute("style");
    for (const property of STYLE_PROPERTIES) copies[k].setAttribute(property, computed.getPropertyValue(property));
  });
  const { width, height } = svg.viewBox.baseVal;
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("width", width);
  copy.setAttribute("height", height);
  const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  Object.entries({ width, height, fill: "#ffffff" }).forEach(([k, v]) => background.setAttribute(k, v));
  copy.insertBefore(background, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

export function downloadSVG(svg) {
  save(new Blob([standaloneSVG(svg)], { type: "image/svg+xml" }), "lstm-cell-diagram.svg");
}

/** The diagram at twice its drawing size, as PNG. */
export function downloadPNG(svg) {
  const { width, height } = svg.viewBox.baseVal;
  const url = URL.createObjectURL(new Blob([standaloneSVG(svg)], { type: "image/svg+xml" }));
  const image = new Image();
  image.onload = () => {
    const canvas = Object.assign(document.createElement("canvas"), { width: width * 2, height: height * 2 });
    canvas.getContext("2d").drawImage(image, 0, 0, width * 2, height * 2);
    URL.revokeObjectURL(url);
    canvas.toBlob((blob) => save(blob, "lstm-cell-diagram.png"), "image/png");
  };
  image.src = url;
}
