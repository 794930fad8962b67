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

/** Whether the catalog has `key`. */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(strings, key);
}

/**
 * The string for `key` with `{name}` placeholders filled, numbers written as the server's
 * `translate` writes them (`formatParam`); the key itself if missing.
 */
export function t(key, params = {}) {
  const text = has(key) ? strings[key] : key;
  return text.replace(/\{(\w+)\}/g, (match, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? formatParam(params[name]) : match);
}

/**
 * A message the server sent (`{code, params}`, plus the English `message` and, for link
 * notices, the `text` it rendered in the page's language) as the page's catalog writes it.
 * Items made by the page itself carry only an already translated `message`.
 */
export function messageText(item) {
  if (!item) return "";
  if (item.code && has(item.code)) return t(item.code, item.params ?? {});
  if (item.text) return item.text;
  if (item.code) return t("error.invalid");
  return item.message ?? "";
}

/**
 * How an error reads in a banner: "field: reason", or the reason alone for whole-request
 * errors; the reason is the server's `code` + `params` through the page's catalog.
 */
export function errorText(error) {
  const whole = !error.field || error.field === "experiment" || error.field === "(body)";
  return whole ? messageText(error) : `${error.field}: ${messageText(error)}`;
}

/** Drop the trailing zeros of a fixed-point mantissa ("1.500" → "1.5", "2.000" → "2"). */
function trimZeros(text) {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/**
 * A message parameter as `app/i18n/catalog.py`'s `format_number` writes it: Python's `%.12g`
 * digits (scientific below 1e-4 and from 1e12 on: `1e-12`), the decimal comma in Spanish, and
 * groups of three only past four digits (`250.000`, `5000`). Strings pass unchanged; lists
 * are joined with ", ".
 */
export function formatParam(value, language_ = language) {
  if (Array.isArray(value)) return value.map((v) => formatParam(v, language_)).join(", ");
  if (typeof value !== "number") return String(value);
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  const decimal = language_ === "es" ? "," : ".";
  let text;
  if (Number.isInteger(value) && Math.abs(value) < 1e12) { // the same digits as %.12g
    text = String(value);
  } else {
    const [mantissa, exponent] = value.toExponential(11).split("e");
    const power = Number(exponent);
    if (power < -4 || power >= 12) return `${trimZeros(mantissa).replace(".", decimal)}e${power}`;
    text = trimZeros(value.toFixed(11 - power));
  }
  const sign = text.startsWith("-") ? "-" : "";
  let [whole, fraction] = text.slice(sign.length).split(".");
  if (whole.length > 4) whole = whole.replace(/\B(?=(\d{3})+$)/g, language_ === "es" ? "." : ",");
  return sign + whole + (fraction ? decimal + fraction : "");
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
