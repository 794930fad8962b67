/**
 * Numbers typed in and shown by the value boxes, in the page's convention: Spanish writes the
 * decimal comma (`0,01`) and separates list items with "; ", English writes `0.01` and ", ".
 * Whatever the page, a person may type either mark. No DOM here (unit-tested under Node).
 */

import { lang } from "./i18n.js";

/**
 * A number typed by a person, in either convention: `0,01` and `0.01`, `1e-3`, `−2`. A
 * separator written once is the decimal mark; written more than once, or before the other
 * one, it groups thousands (`1.000,5` and `1,000.5` are both 1000.5).
 */
export function parseNumber(text) {
  let cleaned = String(text).trim().replace(/[\s\u00a0\u202f]/g, "").replace(/[−–]/g, "-");
  const comma = cleaned.lastIndexOf(",");
  const dot = cleaned.lastIndexOf(".");
  const mark = Math.max(comma, dot);
  if (mark >= 0) {
    const sep = cleaned[mark];
    const once = cleaned.indexOf(sep) === mark;
    const whole = cleaned.slice(0, mark).replace(/[.,]/g, "");
    cleaned = once ? `${whole}.${cleaned.slice(mark + 1)}` : cleaned.replace(/[.,]/g, "");
  }
  return cleaned === "" ? NaN : Number(cleaned);
}

/**
 * A list of numbers typed in a box: `;` or spaces separate, and so does a comma followed by a
 * space, or any comma in English and in a list of integers; in Spanish a bare comma is the
 * decimal mark (`0,5; 1,5` → [0.5, 1.5]). Bad entries come back as NaN.
 */
export function parseList(text, { integers = false, language = lang() } = {}) {
  const decimalComma = language === "es" && !integers;
  const parts = String(text).split(decimalComma ? /;|\s+|,\s+/ : /[;,\s]+/).filter((p) => p !== "");
  // "1,5,2" in a Spanish list is a typo, not 152.
  return parts.map((p) => (decimalComma && /,.*,/.test(p) ? NaN : parseNumber(p)));
}

/** How a list box writes a list: "; " between values in Spanish (their decimal comma), ", " in English. */
export function formatList(values, language = lang()) {
  return (values || []).map((v) => formatValue(v, language)).join(language === "es" ? "; " : ", ");
}

/** A value as a person reads it in a value box: short, exact enough, the page's decimal mark. */
export function formatValue(v, language = lang()) {
  if (v === null || v === undefined || v === "") return "";
  if (typeof v !== "number") return String(v);
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const text = abs !== 0 && (abs < 1e-3 || abs >= 1e5)
    ? v.toExponential().replace(/\.?0+e/, "e")
    : String(Number(v.toPrecision(6)));
  return language === "es" ? text.replace(".", ",") : text;
}
