/**
 * The race's global controls, drawn from the experiment schema: surface (with the condition
 * number for the quadratic and a formula box for "custom"), steps, noise σ, seed, tolerance.
 */

import { control, h, listBox, select, uid } from "./controls.js";
import { t } from "./i18n.js";
import { applies, fieldByName } from "./state.js";

// Shown when a teacher first picks "custom": a Rosenbrock-like valley, easy to edit.
const EXAMPLE_FORMULA = "(1 - x)^2 + 10*(y - x^2)^2";
const GLOBAL = ["steps", "noise", "tolerance", "seed"];

/**
 * Build the controls into `container`. `surfaces` maps name → description (labels es/en).
 * `onChange(patch, {commit, regrid})` applies a change to the experiment.
 */
export function buildRaceControls(container, { fields, experiment, surfaces, lang, onChange }) {
  const field = (name) => fieldByName(fields, name);
  const surfaceLabel = (name) => surfaces[name]?.label?.[lang] ?? t(`surface.${name}`);

  const surface = select(field("surface"), experiment.surface, {
    label: t("controls.surface"), optionLabel: surfaceLabel,
    onChange: (name) => {
      const patch = { surface: name, start: null, window: null };
      if (name === "custom" && !experiment.expression) patch.expression = EXAMPLE_FORMULA;
      if (name !== "custom") patch.expression = null;
      onChange(patch, { commit: true, regrid: true });
      showConditional();
      if (name === "custom") formulaInput.value = experiment.expression ?? "";
    },
  });
  surface.el.dataset.hideKey = "surface";

  const kappa = control(field("condition_number"), experiment.condition_number, {
    label: h("span", { class: "hp-label" }, h("span", { class: "sym" }, "κ"), t("controls.condition_number")),
    onInput: (v) => onChange({ condition_number: v }, { commit: false, regrid: true }),
    onChange: (v) => onChange({ condition_number: v }, { commit: true, regrid: true }),
  });
  kappa.el.dataset.hideKey = "condition_number";

  // The formula box: applied on Enter or when it loses focus; errors point at a column.
  const formulaId = uid("formula");
  const errorId = uid("formula-error");
  const formulaField = field("expression");
  const formulaInput = h("input", {
    type: "text", id: formulaId, class: "text formula", spellcheck: "false", autocomplete: "off",
    maxlength: formulaField.max_length, "aria-describedby": errorId,
    placeholder: EXAMPLE_FORMULA,
  });
  formulaInput.value = experiment.expression ?? "";
  const formulaError = h("p", { id: errorId, class: "formula-error", role: "alert" });
  formulaInput.addEventListener("change", () => {
    onChange({ expression: formulaInput.value }, { commit: true, regrid: true });
  });
  const windowField = field("window");
  const windowBox = listBox(windowField, experiment.window ?? [], {
    name: "window", label: t("controls.window"),
    onChange: (values) => {
      if (values.length !== 0 && values.length !== 4) {
        windowBox.showError(t("controls.window_hint"));
        return;
      }
      onChange({ window: values.length ? values : null }, { commit: true, regrid: true });
    },
  });
  const formula = h("div", { class: "control control-formula", "data-hide-key": "expression", "data-field": "expression" },
    h("label", { for: formulaId, class: "control-label" }, t("controls.formula")),
    formulaInput,
    h("p", { class: "hint" }, t("controls.formula_hint")),
    formulaError, windowBox.el);

  const globals = GLOBAL.map((name) => {
    const built = control(field(name), experiment[name], {
      name, label: t(`controls.${name}`),
      onInput: (v) => onChange({ [name]: v }, { commit: false }),
      onChange: (v) => onChange({ [name]: v }, { commit: true }),
    });
    built.el.dataset.hideKey = name;
    return built;
  });

  function showConditional() {
    kappa.el.hidden = !applies(field("condition_number"), experiment);
    formula.hidden = !applies(formulaField, experiment);
  }
  showConditional();

  container.replaceChildren(
    h("div", { class: "surface-group" }, surface.el, kappa.el, formula),
    h("div", { class: "global-grid" }, globals.map((g) => g.el)));

  return {
    /** Show a formula error (`{message, column, token, code}`) under the box, or clear it. */
    formulaError(error) {
      if (!error) {
        formulaError.textContent = "";
        formulaInput.removeAttribute("aria-invalid");
        return;
      }
      const where = error.column
        ? t("formula.at", { column: error.column, token: error.token ?? "" })
        : "";
      const known = error.code && t(`formula.code.${error.code}`) !== `formula.code.${error.code}`;
      formulaError.replaceChildren(
        h("strong", {}, known ? t(`formula.code.${error.code}`) : t("formula.invalid")),
        where ? ` ${where}` : "",
        h("span", { class: "formula-detail" }, error.message));
      formulaInput.setAttribute("aria-invalid", "true");
    },
    setSurfaceOptions: showConditional,
  };
}
