// Number formatting shared by every view, so the same value always reads the same.

/** Up to three decimals, trailing zeros dropped, ASCII minus, never "-0". */
export function fmt(value) {
  if (value === null || value === undefined) return "–";
  const text = String(Number(value.toFixed(3)));
  return text === "-0" ? "0" : text;
}

const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";
/** A step number as subscript digits: 12 -> "₁₂" (x₁₂, c₁₂). */
export function sub(n) {
  return String(n).replace(/\d/g, (d) => SUBSCRIPTS[d]);
}

/** A gate activation as a percentage: "80%". */
export function pct(value) {
  return `${Math.round(value * 100)}%`;
}

/** Small positive factors (error flow) keep two significant digits: 0.0057, 4e-9. */
export function factor(value) {
  if (value === 0) return "0";
  if (value >= 0.01) return fmt(value);
  return value.toPrecision(2).replace(/\.?0+e/, "e");
}

/** A loop weight with one decimal at least and no trailing zeros beyond it: 1.0, 0.9, 0.95. */
export function weight(value) {
  const text = String(Number(value.toFixed(2)));
  return text.includes(".") ? text : `${text}.0`;
}
