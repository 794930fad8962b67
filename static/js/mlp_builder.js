/**
 * The network builder: one column per hidden layer with its units (− / +), activation, kernel
 * initializer (VarianceScaling's scale, mode and distribution when chosen), batch
 * normalization (none / before / after the activation), dropout, kernel regularizer and
 * max-norm constraint. Every widget is drawn from the LayerSpec field descriptions.
 */

import { boundError, h, parseNumber, select, slider, uid } from "./controls.js";
import { t } from "./i18n.js";
import { activationPeek } from "./mlp_activation_peek.js";
import { applies, clone, fieldByName } from "./state.js";

const REGULARIZERS = ["none", "l1", "l2", "l1_l2"];
// The lecture's example, keras.constraints.max_norm(1.): where a new constraint starts.
const FIRST_MAX_NORM = 1.0;

/** Defaults of a nested model's fields (e.g. a fresh regularizer). */
function defaultsOf(fields) {
  return Object.fromEntries(fields.map((f) => [f.name, clone(f.default ?? null)]));
}

/** What "apply to all layers" copies for each setting: the layer fields that make it up. */
export const APPLY_ALL = {
  activation: ["activation"],
  kernel_initializer: ["kernel_initializer", "variance_scaling"],
  batch_normalization: ["batch_normalization"],
  dropout: ["dropout"],
  kernel_regularizer: ["kernel_regularizer"],
  max_norm: ["max_norm"],
};

/** Every layer given layer `index`'s `setting` (a key of APPLY_ALL); a new list. Pure. */
export function applyToAll(layers, index, setting) {
  const source = layers[index];
  const copy = () => Object.fromEntries(APPLY_ALL[setting].map((name) => [name, clone(source[name] ?? null)]));
  return layers.map((layer) => ({ ...layer, ...copy() }));
}

/** The "apply to all layers" button of one setting (shown when there are two layers or more). */
function applyAllButton(ctx, index, setting) {
  if (!ctx.onApplyAll || ctx.layers().length < 2) return null;
  return h("button", {
    type: "button", class: "link-button apply-all", "data-apply-all": setting, title: t("mlp.apply_all_title"),
    onclick: () => ctx.onApplyAll(applyToAll(ctx.layers(), index, setting)),
  }, t("mlp.apply_all"));
}

/**
 * Draw the columns into `container`. `ctx`: `fields` (LayerSpec descriptions), `layers()`
 * (current list), `onChange(index, patch)` (one layer edited), `onRemove(index)`, `onApplyAll(layers)`
 * (one setting copied to every layer: one patch).
 */
export function buildLayerColumns(container, ctx) {
  const columns = ctx.layers().map((_, i) => buildColumn(i, ctx));
  container.replaceChildren(...columns);
}

function buildColumn(index, ctx) {
  const field = (name) => fieldByName(ctx.fields, name);
  const layer = () => ctx.layers()[index];
  const patch = (p) => ctx.onChange(index, p);
  const titleId = uid("layer-title");
  const title = t("mlp.layer_n", { n: index + 1 });
  const all = (setting) => applyAllButton(ctx, index, setting);

  const units = unitsControl(field("units"), layer().units, (v) => patch({ units: v }));

  const activation = select(field("activation"), layer().activation, {
    name: "activation", label: t("mlp.activation"), onChange: (v) => patch({ activation: v }),
  });
  const peek = activationPeek(layer().activation);
  activation.input.addEventListener("change", () => peek.set(activation.input.value));
  activation.el.append(peek.el);

  const vsFields = field("variance_scaling").fields;
  const vsValue = () => layer().variance_scaling ?? defaultsOf(vsFields);
  const vsControls = vsFields.map((f) => {
    const options = {
      name: `variance_scaling.${f.name}`, label: h("code", {}, f.name),
      onChange: (v) => patch({ variance_scaling: { ...vsValue(), [f.name]: v } }),
    };
    return f.type === "enum" ? select(f, vsValue()[f.name], options) : slider(f, vsValue()[f.name], options);
  });
  const vsGroup = h("div", { class: "sub-controls", "data-field": "variance_scaling" },
    vsControls.map((c) => c.el));
  const initializer = select(field("kernel_initializer"), layer().kernel_initializer, {
    name: "kernel_initializer", label: t("mlp.initializer"),
    onChange: (v) => {
      patch({ kernel_initializer: v, variance_scaling: v === "variance_scaling" ? vsValue() : null });
      showConditional();
    },
  });

  const bn = select(field("batch_normalization"), layer().batch_normalization, {
    name: "batch_normalization", label: t("mlp.batch_normalization"),
    optionLabel: (o) => t(`mlp.bn.${o}`), onChange: (v) => patch({ batch_normalization: v }),
  });

  const dropout = slider(field("dropout"), layer().dropout, {
    name: "dropout", label: t("mlp.dropout"), onChange: (v) => patch({ dropout: v }),
  });

  const regFields = field("kernel_regularizer").fields;
  const regValue = () => layer().kernel_regularizer ?? defaultsOf(regFields);
  const strengths = regFields.filter((f) => f.name !== "name").map((f) => ({
    field: f,
    built: slider(f, regValue()[f.name], {
      name: `kernel_regularizer.${f.name}`, label: h("code", {}, f.name),
      onChange: (v) => patch({ kernel_regularizer: { ...regValue(), [f.name]: v } }),
    }),
  }));
  const regularizer = select({ name: "kernel_regularizer", options: REGULARIZERS },
    layer().kernel_regularizer?.name ?? "none", {
      name: "kernel_regularizer", label: t("mlp.regularizer"), optionLabel: (o) => t(`mlp.reg.${o}`),
      onChange: (v) => {
        patch({ kernel_regularizer: v === "none" ? null : { ...regValue(), name: v } });
        showConditional();
      },
    });
  const regGroup = h("div", { class: "sub-controls" }, strengths.map((s) => s.built.el));

  const maxNormField = field("max_norm");
  let maxNormValue = layer().max_norm ?? FIRST_MAX_NORM;
  const maxNormSlider = slider(maxNormField, maxNormValue, {
    name: "max_norm_value", label: h("code", {}, "max_value"),
    onChange: (v) => { maxNormValue = v; patch({ max_norm: v }); },
  });
  const maxNormToggle = h("input", { type: "checkbox", role: "switch", id: uid("max-norm") });
  maxNormToggle.checked = layer().max_norm !== null && layer().max_norm !== undefined;
  maxNormToggle.addEventListener("change", () => {
    patch({ max_norm: maxNormToggle.checked ? maxNormValue : null });
    showConditional();
  });
  const maxNorm = h("div", { class: "control control-check", "data-field": "max_norm" },
    h("label", { class: "switch", for: maxNormToggle.id }, maxNormToggle,
      h("span", { class: "switch-track", "aria-hidden": "true" }),
      h("span", { class: "switch-label" }, t("mlp.max_norm"))));

  function showConditional() {
    vsGroup.hidden = !applies(field("variance_scaling"), layer());
    const reg = layer().kernel_regularizer;
    regGroup.hidden = !reg;
    for (const s of strengths) s.built.el.hidden = !reg || !applies(s.field, reg);
    maxNormSlider.el.hidden = !maxNormToggle.checked;
  }
  showConditional();

  const remove = h("button", {
    type: "button", class: "icon-button", "aria-label": t("mlp.remove_layer_n", { n: index + 1 }),
    title: t("mlp.remove_layer_n", { n: index + 1 }), onclick: () => ctx.onRemove(index),
  }, "×");

  return h("section", { class: "layer-col", "data-layer": index, "aria-labelledby": titleId },
    h("header", { class: "layer-col-head" }, h("h3", { id: titleId, class: "layer-col-title" }, title), remove),
    units.el, activation.el, all("activation"), initializer.el, vsGroup, all("kernel_initializer"),
    bn.el, all("batch_normalization"), dropout.el, all("dropout"), regularizer.el, regGroup,
    all("kernel_regularizer"), maxNorm, maxNormSlider.el, all("max_norm"));
}

/** Units as − [n] +, like TensorFlow Playground's neuron buttons; the box takes typed values. */
function unitsControl(field, value, onChange) {
  const id = uid("units");
  let current = value;
  const box = h("input", { type: "text", id, class: "value units-value", inputmode: "numeric", spellcheck: "false" });
  const error = h("span", { class: "control-error", role: "status" });
  const set = (v) => {
    current = v;
    box.value = String(v);
    box.removeAttribute("aria-invalid");
    error.textContent = "";
    minus.disabled = v <= (field.ge ?? 1);
    plus.disabled = v >= (field.le ?? Infinity);
  };
  const commit = (v) => {
    const problem = boundError(field, v);
    if (problem) {
      box.setAttribute("aria-invalid", "true");
      error.textContent = problem;
      return;
    }
    if (v === current) { set(v); return; }
    set(v);
    onChange(v);
  };
  const minus = h("button", { type: "button", class: "round-button", "data-role": "units-minus",
    "aria-label": t("mlp.units_minus"), title: t("mlp.units_minus"), onclick: () => commit(current - 1) }, "−");
  const plus = h("button", { type: "button", class: "round-button", "data-role": "units-plus",
    "aria-label": t("mlp.units_plus"), title: t("mlp.units_plus"), onclick: () => commit(current + 1) }, "+");
  box.addEventListener("change", () => commit(parseNumber(box.value)));
  box.addEventListener("keydown", (event) => { if (event.key === "Enter") commit(parseNumber(box.value)); });
  set(value);
  const el = h("div", { class: "control control-units", "data-field": "units" },
    h("label", { for: id, class: "control-label" }, t("mlp.units")),
    h("div", { class: "units-row" }, minus, box, plus), error);
  return { el, set };
}
