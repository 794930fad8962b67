/** UI strings: the page's catalog (es or en) looked up by key, with {name} placeholders. */

let strings = {};
let language = "es";

/** Install the catalog the server sent in the page's data block. */
export function setCatalog(lang, catalog) {
  language = lang;
  strings = catalog || {};
}

/** The current language code ("es" or "en"). */
export function lang() {
  return language;
}

/** The string for `key` with `{name}` placeholders filled; the key itself if missing. */
export function t(key, params = {}) {
  const text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
  return text.replace(/\{(\w+)\}/g, (match, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match);
}

/**
 * A number in the page's language (decimal comma in Spanish), at most `digits` significant
 * (exactly `digits` with `pad`, for table columns); "—" for null, NaN or ±∞.
 */
export function formatNumber(value, digits = 4, pad = false) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    const [mantissa, exponent] = value.toExponential(Math.max(0, digits - 2)).split("e");
    return `${localize(String(Number(mantissa)))}·10${superscript(Number(exponent))}`;
  }
  const minimum = pad && !Number.isInteger(value) ? digits : 1;
  return numberFormat(digits, minimum).format(value);
}

const formats = new Map();

/** An Intl.NumberFormat per (language, digits), built once: building one costs ~25 µs. */
function numberFormat(digits, minimum) {
  const key = `${language}|${digits}|${minimum}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, { maximumSignificantDigits: digits, minimumSignificantDigits: minimum });
    formats.set(key, format);
  }
  return format;
}

function localize(text) {
  return language === "es" ? text.replace(".", ",") : text;
}

const SUPERSCRIPTS = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** An integer as Unicode superscript digits ("-2" → "⁻²"). */
export function superscript(n) {
  return String(n).split("").map((c) => SUPERSCRIPTS[c] ?? c).join("");
}
