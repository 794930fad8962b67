/**
 * The custom formula's box, shared by the surface race and the map: applied on Enter or when
 * it loses focus; a parse error reads as the page's catalog writes the server's `code` (with its
 * column and token). The box does not cut a long formula: the server's length cap answers
 * "too long (max …)". The placeholder is the schema's example formula (`custom.example`).
 */

import { h, uid } from "./controls.js";
import { messageText, t } from "./i18n.js";

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
    "aria-describedby": errorId, placeholder: custom.example,
  });
  input.value = value ?? "";
  input.addEventListener("change", () => onCommit(input.value));
  const error = h("p", { id: errorId, class: "formula-error", role: "alert" });
  const el = h("div", { class: "control control-formula", "data-hide-key": "expression", "data-field": "expression" },
    h("label", { for: formulaId, class: "control-label" }, t("controls.formula")),
    input, h("p", { class: "hint" }, t("controls.formula_hint")), error, ...extra);

  /** Show a formula error (a server error item: `{code, params, column, token}`), or clear it (null). */
  function showError(problem) {
    if (!problem) {
      error.textContent = "";
      input.removeAttribute("aria-invalid");
      return;
    }
    error.replaceChildren(h("strong", {}, t("formula.invalid")), " ",
      h("span", { class: "formula-detail" }, messageText(problem)));
    input.setAttribute("aria-invalid", "true");
  }

  return { el, input, set: (text) => { input.value = text ?? ""; }, showError };
}
