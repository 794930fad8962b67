/**
 * The custom formula's box, shared by the surface race and the map: applied on Enter or when
 * it loses focus; a parse error names its code and points at its column. The placeholder is
 * the schema's example formula (served with the page's schema as `custom.example`).
 */

import { h, uid } from "./controls.js";
import { t } from "./i18n.js";

/**
 * `field`: the `expression` field's description; `value`: the current formula; `custom`: the
 * schema's custom-formula defaults; `onCommit(text)`; `extra`: elements shown under the box.
 * Returns `{el, input, set(text), showError(problem)}`.
 */
export function formulaBox(field, value, { custom, onCommit, extra = [] }) {
  const formulaId = uid("formula");
  const errorId = uid("formula-error");
  const input = h("input", {
    type: "text", id: formulaId, class: "text formula", spellcheck: "false", autocomplete: "off",
    maxlength: field.max_length, "aria-describedby": errorId, placeholder: custom.example,
  });
  input.value = value ?? "";
  input.addEventListener("change", () => onCommit(input.value));
  const error = h("p", { id: errorId, class: "formula-error", role: "alert" });
  const el = h("div", { class: "control control-formula", "data-hide-key": "expression", "data-field": "expression" },
    h("label", { for: formulaId, class: "control-label" }, t("controls.formula")),
    input, h("p", { class: "hint" }, t("controls.formula_hint")), error, ...extra);

  /** Show a formula error (`{message, column, token, code}`), or clear it (null). */
  function showError(problem) {
    if (!problem) {
      error.textContent = "";
      input.removeAttribute("aria-invalid");
      return;
    }
    const where = problem.column ? t("formula.at", { column: problem.column, token: problem.token ?? "" }) : "";
    const known = problem.code && t(`formula.code.${problem.code}`) !== `formula.code.${problem.code}`;
    error.replaceChildren(
      h("strong", {}, known ? t(`formula.code.${problem.code}`) : t("formula.invalid")),
      where ? ` ${where}` : "", h("span", { class: "formula-detail" }, problem.message));
    input.setAttribute("aria-invalid", "true");
  }

  return { el, input, set: (text) => { input.value = text ?? ""; }, showError };
}
