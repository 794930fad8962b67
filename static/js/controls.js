/**
 * Form controls drawn from the schema description: a field's type, bounds, slider range, scale
 * and step decide the widget. No parameter's bounds or default is written in this file.
 *
 * Every builder returns `{el, set(value), focus()}`; `onInput` fires while a slider moves,
 * `onChange` when the user lets go (or commits a typed value).
 */

import { t } from "./i18n.js";
import { formatList, formatValue, parseList, parseNumber } from "./numbers.js";

export { formatList, formatValue, parseList, parseNumber };

let nextId = 0;

/** A unique element id with a readable stem. */
export function uid(stem) {
  nextId += 1;
  return `${stem}-${nextId}`;
}

/** Create an element with attributes and children (strings become text nodes). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Slider range of a numeric field: its slider_min/max, else its hard bounds. */
export function sliderRange(field) {
  const step = field.step ?? (field.type === "int" ? 1 : null);
  let lo = field.slider_min ?? field.ge ?? field.gt ?? 0;
  const hi = field.slider_max ?? field.le ?? field.lt ?? 1;
  if (field.slider_min === undefined && field.ge === undefined && field.gt !== undefined) {
    lo = field.scale === "log" ? Math.max(field.gt, hi * 1e-6) : field.gt + (step ?? (hi - lo) / 100);
  }
  return { lo, hi, step: step ?? (hi - lo) / 100 };
}

/** Round a slider value to something worth writing in a link. */
export function snap(field, value) {
  if (field.scale === "log") {
    const nice = Number(value.toPrecision(2));
    return field.type === "int" ? Math.max(1, Math.round(nice)) : nice;
  }
  const { lo, step } = sliderRange(field);
  const stepped = lo + Math.round((value - lo) / step) * step;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const rounded = Number(stepped.toFixed(decimals));
  return field.type === "int" ? Math.round(rounded) : rounded;
}

/** Why `value` breaks the field's hard bounds, or null when it is acceptable. */
export function boundError(field, value) {
  if (!Number.isFinite(value)) return t("control.not_a_number");
  if (field.type === "int" && !Number.isInteger(value)) return t("control.not_an_integer");
  if (field.ge !== undefined && value < field.ge) return t("control.min_ge", { bound: field.ge });
  if (field.gt !== undefined && value <= field.gt) return t("control.min_gt", { bound: field.gt });
  if (field.le !== undefined && value > field.le) return t("control.max_le", { bound: field.le });
  if (field.lt !== undefined && value >= field.lt) return t("control.max_lt", { bound: field.lt });
  return null;
}

/** A slider plus an editable value box for a float or int field. */
export function slider(field, value, { label, onInput, onChange, name, describe }) {
  const id = uid(`ctl-${name || field.name}`);
  const { lo, hi, step } = sliderRange(field);
  const log = field.scale === "log";
  const range = h("input", {
    type: "range", id, class: "range",
    min: log ? Math.log10(lo) : lo,
    max: log ? Math.log10(hi) : hi,
    step: log ? 0.01 : step,
    "aria-describedby": describe || null,
  });
  const box = h("input", {
    type: "text", class: "value", inputmode: "decimal", spellcheck: "false",
    "aria-label": t("control.value_of", { label }),
  });
  const error = h("span", { class: "control-error", role: "status" });
  let current = value;

  const show = (v) => {
    current = v;
    range.value = String(log ? Math.log10(Math.min(Math.max(v, lo), hi)) : v);
    box.value = formatValue(v);
    box.removeAttribute("aria-invalid");
    error.textContent = "";
  };
  const fromRange = () => snap(field, log ? 10 ** Number(range.value) : Number(range.value));
  range.addEventListener("input", () => {
    current = fromRange();
    box.value = formatValue(current);
    onInput?.(current);
  });
  range.addEventListener("change", () => {
    current = fromRange();
    box.value = formatValue(current);
    onChange?.(current);
  });
  const commitBox = () => {
    const v = parseNumber(box.value);
    const problem = boundError(field, v);
    if (problem) {
      box.setAttribute("aria-invalid", "true");
      error.textContent = problem;
      return;
    }
    if (v === current) { show(v); return; }
    show(v);
    onChange?.(v);
  };
  box.addEventListener("change", commitBox);
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") commitBox(); });
  show(value);
  const el = h("div", { class: "control control-slider", "data-field": name || field.name },
    h("div", { class: "control-top" }, h("label", { for: id, class: "control-label" }, label), box),
    range,
    error);
  return { el, set: show, focus: () => range.focus(), get: () => current };
}

/** An on/off switch for a bool field. */
export function checkbox(field, value, { label, onChange, name }) {
  const id = uid(`ctl-${name || field.name}`);
  const input = h("input", { type: "checkbox", id, role: "switch" });
  input.checked = Boolean(value);
  input.addEventListener("change", () => onChange?.(input.checked));
  const el = h("div", { class: "control control-check", "data-field": name || field.name },
    h("label", { for: id, class: "switch" }, input, h("span", { class: "switch-track", "aria-hidden": "true" }),
      h("span", { class: "switch-label" }, label)));
  return { el, set: (v) => { input.checked = Boolean(v); }, focus: () => input.focus() };
}

/** A select for an enum field; `optionLabel(option)` gives each choice's text. */
export function select(field, value, { label, onChange, name, optionLabel, options }) {
  const id = uid(`ctl-${name || field.name}`);
  const input = h("select", { id, class: "select" },
    (options || field.options).map((option) =>
      h("option", { value: option }, optionLabel ? optionLabel(option) : option)));
  input.value = value;
  input.addEventListener("change", () => onChange?.(input.value));
  const el = h("div", { class: "control control-select", "data-field": name || field.name },
    h("label", { for: id, class: "control-label" }, label), input);
  return { el, set: (v) => { input.value = v; }, focus: () => input.focus(), input };
}

/** A whole number typed in a box (e.g. the seed). */
export function numberBox(field, value, { label, onChange, name }) {
  const id = uid(`ctl-${name || field.name}`);
  // A float gets a text box: Chromium's number box refuses the decimal comma of a Spanish page.
  const input = field.type === "int"
    ? h("input", { type: "number", id, class: "number", min: field.ge ?? null, max: field.le ?? null, step: 1 })
    : h("input", { type: "text", id, class: "number", inputmode: "decimal", spellcheck: "false" });
  const error = h("span", { class: "control-error", role: "status" });
  const show = (v) => { input.value = field.type === "int" ? String(v) : formatValue(v); };
  show(value);
  input.addEventListener("change", () => {
    const v = parseNumber(input.value);
    const problem = boundError(field, v);
    if (problem) {
      input.setAttribute("aria-invalid", "true");
      error.textContent = problem;
      return;
    }
    input.removeAttribute("aria-invalid");
    error.textContent = "";
    onChange?.(v);
  });
  const el = h("div", { class: "control control-number", "data-field": name || field.name },
    h("label", { for: id, class: "control-label" }, label), input, error);
  return { el, set: show, focus: () => input.focus() };
}

/** A list of numbers typed comma-separated (e.g. piecewise boundaries). */
export function listBox(field, value, { label, onChange, name }) {
  const id = uid(`ctl-${name || field.name}`);
  const input = h("input", { type: "text", id, class: "text", spellcheck: "false", inputmode: "decimal" });
  const error = h("span", { class: "control-error", role: "status" });
  const show = (v) => { input.value = formatList(v); };
  input.addEventListener("change", () => {
    const parts = parseList(input.value, { integers: field.items === "int" });
    const bad = parts.some((p) => !Number.isFinite(p) || (field.items === "int" && !Number.isInteger(p)));
    if (bad || (field.max_length !== undefined && parts.length > field.max_length)) {
      input.setAttribute("aria-invalid", "true");
      error.textContent = t("control.bad_list");
      return;
    }
    input.removeAttribute("aria-invalid");
    error.textContent = "";
    onChange?.(parts);
  });
  show(value);
  const el = h("div", { class: "control control-list", "data-field": name || field.name },
    h("label", { for: id, class: "control-label" }, label), input, error);
  return { el, set: show, focus: () => input.focus(), showError: (text) => { error.textContent = text; } };
}

/** Pick the widget a field asks for. */
export function control(field, value, options) {
  if (field.type === "bool") return checkbox(field, value, options);
  if (field.type === "enum") return select(field, value, options);
  if (field.control === "number") return numberBox(field, value, options);
  if (field.type === "list") return listBox(field, value, options);
  return slider(field, value, options);
}
