/**
 * The race's global controls, all drawn from the experiment schema: the surface, the numeric
 * fields shown for some surfaces (the condition number for the quadratic), the formula box
 * for "custom", and every other top-level numeric or on/off field (steps, noise σ, seed,
 * tolerance …). A parameter added to the schema gets its control and its `hide=` key here
 * without a line of JavaScript; its label is `controls.<name>` (the name until translated).
 */

import { control, h, listBox, select } from "./controls.js";
import { formulaBox } from "./formula_box.js";
import { formatNumber, t } from "./i18n.js";
import { applies, fieldByName } from "./state.js";

const SCALAR = new Set(["int", "float", "bool"]);

/** Numeric fields drawn for some surfaces only (their `when` names the surface). */
export function surfaceFields(fields) {
  return fields.filter((f) => SCALAR.has(f.type) && f.when?.surface && f.control !== "none");
}

/**
 * Every other top-level numeric or on/off field: the grid of global controls, in the schema's
 * order, typed-number boxes (the seed) last, where the grid keeps a narrow column for them.
 */
export function globalFields(fields) {
  const drawn = fields.filter((f) => SCALAR.has(f.type) && !f.when && f.control !== "none");
  return [...drawn.filter((f) => f.control !== "number"), ...drawn.filter((f) => f.control === "number")];
}

/** A control's label: `controls.<name>` from the catalog, else the field's own name. */
export function controlLabel(name) {
  const text = t(`controls.${name}`);
  return text === `controls.${name}` ? name : text;
}

/** A numeric control that patches the experiment while dragging and on release. */
function fieldControl(field, value, onChange, regrid, label = controlLabel(field.name)) {
  const built = control(field, value, {
    name: field.name, label,
    onInput: (v) => onChange({ [field.name]: v }, { commit: false, regrid }),
    onChange: (v) => onChange({ [field.name]: v }, { commit: true, regrid }),
  });
  built.el.dataset.hideKey = field.name;
  return built;
}

/** The formula box with the window under it (both apply to "custom" only). */
function customBox(fields, experiment, custom, onChange) {
  const windowBox = listBox(fieldByName(fields, "window"), experiment.window ?? [], {
    name: "window", label: t("controls.window"),
    onChange: (values) => {
      if (values.length !== 0 && values.length !== 4) {
        windowBox.showError(t("controls.window_hint"));
        return;
      }
      onChange({ window: values.length ? values : null }, { commit: true, regrid: true });
    },
  });
  windowBox.el.querySelector("input").placeholder = custom.window.map((v) => formatNumber(v, 3)).join("; ");
  return formulaBox(fieldByName(fields, "expression"), experiment.expression, {
    custom, extra: [windowBox.el],
    onCommit: (text) => onChange({ expression: text }, { commit: true, regrid: true }),
  });
}

/**
 * Build the controls into `container`. `surfaces` maps name → description (labels es/en),
 * `custom` is the schema's custom-formula defaults (example, window, start).
 * `onChange(patch, {commit, regrid})` applies a change to the experiment.
 */
export function buildRaceControls(container, { fields, experiment, surfaces, custom, lang, onChange }) {
  const surfaceLabel = (name) => surfaces[name]?.label?.[lang] ?? t(`surface.${name}`);
  const surface = select(fieldByName(fields, "surface"), experiment.surface, {
    label: t("controls.surface"), optionLabel: surfaceLabel,
    onChange: (name) => {
      const patch = { surface: name, start: null, window: null };
      if (name === "custom" && !experiment.expression) patch.expression = custom.example;
      if (name !== "custom") patch.expression = null;
      onChange(patch, { commit: true, regrid: true });
      showConditional();
      if (name === "custom") formula.set(experiment.expression);
    },
  });
  surface.el.dataset.hideKey = "surface";

  const conditional = surfaceFields(fields).map((field) => ({
    field, built: fieldControl(field, experiment[field.name], onChange, true,
      field.name === "condition_number"
        ? h("span", { class: "hp-label" }, h("span", { class: "sym" }, "κ"), t("controls.condition_number"))
        : controlLabel(field.name)),
  }));
  const formula = customBox(fields, experiment, custom, onChange);
  const globals = globalFields(fields).map((field) => fieldControl(field, experiment[field.name], onChange, false));

  function showConditional() {
    for (const { field, built } of conditional) built.el.hidden = !applies(field, experiment);
    formula.el.hidden = !applies(fieldByName(fields, "expression"), experiment);
  }
  showConditional();

  container.replaceChildren(
    h("div", { class: "surface-group" }, surface.el, conditional.map((c) => c.built.el), formula.el),
    h("div", { class: "global-grid" }, globals.map((g) => g.el)));

  return { formulaError: formula.showError, setSurfaceOptions: showConditional };
}
