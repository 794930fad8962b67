/**
 * The map page's controls, drawn from the map schema with the shared widgets: the surface row
 * (surface, κ, formula, steps, tolerance), the optimizer with the hyperparameters every cell
 * shares, the two axes with their ranges and resolution, and the start point.
 *
 * Every builder takes `onChange(patch, {commit, rebuild})`: `patch` is merged into the
 * experiment; `commit` is false while a slider is being dragged; `rebuild` asks the page to
 * redraw the controls (the optimizer or the second axis changed what is shown).
 */

import { SYMBOLS } from "./cards.js";
import { control, h, numberBox, select, sliderRange } from "./controls.js";
import { formulaBox } from "./formula_box.js";
import { t } from "./i18n.js";
import { applies, clone, fieldByName } from "./state.js";

/** The symbol of a hyperparameter (η, μ, β₁ …) or its Keras name. */
export function symbol(name) {
  return SYMBOLS[name] ?? name;
}

/** The second axes `optimizer` takes, in Keras' argument order. */
export function secondOptions(fields, catalog, optimizer) {
  const axes = fieldByName(fields, "second").options;
  return Object.keys(catalog[optimizer].defaults).filter((name) => axes.includes(name));
}

/**
 * The slider of one end of the second axis: the map's bounds for `second_min/max`, narrowed by
 * the hyperparameter's own (μ < 1 …), on a log scale where the optimizer field is drawn so.
 */
export function secondField(fields, name, end) {
  const mapField = fieldByName(fields, end);
  const hp = fieldByName(fieldByName(fields, "optimizer").fields, name);
  const field = { ...mapField, scale: hp.scale, step: hp.step ?? mapField.step };
  if (hp.lt !== undefined) field.lt = hp.lt;
  if (hp.scale === "log") field.gt = 0;
  field.slider_min = hp.scale === "log" ? hp.slider_min : (mapField.ge ?? 0);
  field.slider_max = Math.min(hp.slider_max ?? mapField.le, mapField.le);
  return field;
}

/** The range a freshly chosen second axis spans: the whole slider, strictly inside `lt`. */
export function secondDefaultRange(fields, name) {
  const field = secondField(fields, name, "second_max");
  const { lo, hi, step } = sliderRange(field);
  const top = field.lt !== undefined && field.scale !== "log" ? Math.min(hi, field.lt - step) : hi;
  return [lo, Number(top.toPrecision(6))];
}

/** Every field's schema default (nested models field by field). */
function defaultsOf(fields) {
  return Object.fromEntries(fields.map((f) => [f.name, f.type === "model" ? defaultsOf(f.fields) : clone(f.default ?? null)]));
}

/**
 * A fresh optimizer spec: every hyperparameter at its Keras default (null); the schedule and
 * clipping of `previous` kept when given (the page has no controls for them, a link may).
 */
export function freshSpec(fields, name, previous = null) {
  const spec = defaultsOf(fieldByName(fields, "optimizer").fields);
  spec.optimizer = name;
  if (previous) {
    for (const key of ["schedule", "clipvalue", "clipnorm", "global_clipnorm"]) spec[key] = clone(previous[key]);
  }
  return spec;
}

function hide(built, key) {
  built.el.dataset.hideKey = key;
  return built;
}

/** Surface, κ, formula, steps and tolerance. Returns `{formulaError(error)}`. */
export function buildSurfaceControls(container, { fields, experiment, surfaces, custom, lang, onChange }) {
  const field = (name) => fieldByName(fields, name);
  const surfaceLabel = (name) => surfaces[name]?.label?.[lang] ?? t(`surface.${name}`);
  const surface = hide(select(field("surface"), experiment.surface, {
    label: t("controls.surface"), optionLabel: surfaceLabel,
    onChange: (name) => {
      const patch = { surface: name, start: null };
      patch.expression = name === "custom" ? (experiment.expression || custom.example) : null;
      onChange(patch, { commit: true, rebuild: true });
    },
  }), "surface");
  const kappa = hide(control(field("condition_number"), experiment.condition_number, {
    label: h("span", { class: "hp-label" }, h("span", { class: "sym" }, "κ"), t("controls.condition_number")),
    onInput: (v) => onChange({ condition_number: v }, { commit: false }),
    onChange: (v) => onChange({ condition_number: v }, { commit: true }),
  }), "condition_number");
  kappa.el.hidden = !applies(field("condition_number"), experiment);

  const formula = formulaBox(field("expression"), experiment.expression, {
    custom, onCommit: (text) => onChange({ expression: text, start: null }, { commit: true }),
  });
  formula.el.hidden = !applies(field("expression"), experiment);

  const globals = ["steps", "tolerance"].map((name) => hide(control(field(name), experiment[name], {
    name, label: t(`controls.${name}`),
    onInput: (v) => onChange({ [name]: v }, { commit: false }),
    onChange: (v) => onChange({ [name]: v }, { commit: true }),
  }), name));

  container.replaceChildren(surface.el, kappa.el, ...globals.map((g) => g.el), formula.el);
  return { formulaError: formula.showError };
}

/** The optimizer select and the hyperparameters every cell shares (not η, not the second axis). */
export function buildOptimizerControls(container, { fields, catalog, experiment, onChange }) {
  const optFields = fieldByName(fields, "optimizer").fields;
  const spec = experiment.optimizer;
  const chooser = hide(select(fieldByName(optFields, "optimizer"), spec.optimizer, {
    label: t("map.optimizer"), optionLabel: (name) => t(`optimizer.${name}`),
    onChange: (name) => {
      const patch = { optimizer: freshSpec(fields, name, experiment.optimizer) };
      const axes = secondOptions(fields, catalog, name);
      if (!axes.includes(experiment.second)) {
        const [lo, hi] = secondDefaultRange(fields, axes[0]);
        Object.assign(patch, { second: axes[0], second_min: lo, second_max: hi });
      }
      onChange(patch, { commit: true, rebuild: true });
    },
  }), "optimizer");

  const defaults = catalog[spec.optimizer].defaults;
  const fixed = optFields.map((f) => f.name).filter((name) => name in defaults && name !== "learning_rate"
    && name !== experiment.second && defaults[name] !== null);
  const controls = fixed.map((name) => {
    const built = control(fieldByName(optFields, name), spec[name] ?? defaults[name], {
      name: `optimizer.${name}`, label: hpLabel(name),
      onInput: (v) => onChange({ optimizer: { ...experiment.optimizer, [name]: v } }, { commit: false }),
      onChange: (v) => onChange({ optimizer: { ...experiment.optimizer, [name]: v } }, { commit: true }),
    });
    built.el.dataset.hp = name;
    return built.el;
  });
  const body = controls.length
    ? h("div", { class: "hp-grid" }, controls)
    : h("p", { class: "hint" }, t("map.fixed_none", { name: t(`optimizer.${spec.optimizer}`) }));
  container.replaceChildren(chooser.el,
    h("div", { class: "map-fixed", "data-hide-key": "hyperparameters" },
      h("h3", { class: "map-subtitle" }, t("map.fixed_title")), body));
}

function hpLabel(name) {
  const sym = SYMBOLS[name];
  return h("span", { class: "hp-label", title: t(`hp.${name}`) },
    sym ? h("span", { class: "sym" }, sym) : null, h("code", {}, name));
}

/**
 * A min/max pair of sliders that keeps min < max: moving one past the other pushes the other
 * one step (a decade on a log scale) beyond it.
 */
function rangePair({ minField, maxField, names, labels, experiment, onChange, hideKey }) {
  const [lowName, highName] = names;
  const widgets = {};
  const push = (name, v, commit) => {
    const patch = { [name]: v };
    const log = minField.scale === "log";
    const gap = (f) => (log ? null : sliderRange(f).step);
    if (name === lowName && v >= experiment[highName]) {
      const up = log ? v * 10 : v + gap(maxField);
      patch[highName] = Math.min(up, maxField.le ?? Infinity, maxField.lt !== undefined ? maxField.lt - gap(maxField) : Infinity);
      if (patch[highName] <= v) { patch[lowName] = log ? patch[highName] / 10 : patch[highName] - gap(minField); }
    } else if (name === highName && v <= experiment[lowName]) {
      const down = log ? v / 10 : v - gap(minField);
      patch[lowName] = Math.max(down, minField.ge ?? -Infinity);
      if (patch[lowName] >= v) { patch[highName] = log ? patch[lowName] * 10 : patch[lowName] + gap(maxField); }
    }
    for (const key of [lowName, highName]) {
      if (key in patch) patch[key] = Number(patch[key].toPrecision(6));
      if (key !== name && key in patch) widgets[key].set(patch[key]);
    }
    onChange(patch, { commit });
  };
  const build = (field, name, label) => {
    const built = control(field, experiment[name], {
      name, label,
      onInput: (v) => push(name, v, false),
      onChange: (v) => push(name, v, true),
    });
    widgets[name] = built;
    return built.el;
  };
  return h("div", { class: "map-range", "data-hide-key": hideKey },
    build(minField, lowName, labels[0]), build(maxField, highName, labels[1]));
}

/** Learning-rate range, the second axis with its range, and the resolution. */
export function buildAxesControls(container, { fields, catalog, experiment, onChange }) {
  const field = (name) => fieldByName(fields, name);
  const second = experiment.second;
  const sym = symbol(second);
  const lr = rangePair({
    minField: field("lr_min"), maxField: field("lr_max"), names: ["lr_min", "lr_max"],
    labels: [t("map.lr_min"), t("map.lr_max")], experiment, onChange, hideKey: "lr_range",
  });
  const axes = secondOptions(fields, catalog, experiment.optimizer.optimizer);
  const chooser = select(field("second"), second, {
    label: t("map.second"), options: axes, optionLabel: (name) => `${symbol(name)} · ${name}`,
    onChange: (name) => {
      const [lo, hi] = secondDefaultRange(fields, name);
      const patch = { second: name, second_min: lo, second_max: hi };
      const spec = { ...experiment.optimizer, [name]: null };
      onChange({ ...patch, optimizer: spec }, { commit: true, rebuild: true });
    },
  });
  const range = rangePair({
    minField: secondField(fields, second, "second_min"), maxField: secondField(fields, second, "second_max"),
    names: ["second_min", "second_max"], labels: [t("map.second_min", { symbol: sym }), t("map.second_max", { symbol: sym })],
    experiment, onChange, hideKey: "second",
  });
  const resolution = ["nx", "ny"].map((name) => control(field(name), experiment[name], {
    name, label: t(`map.${name}`, { symbol: sym }),
    onInput: (v) => onChange({ [name]: v }, { commit: false }),
    onChange: (v) => onChange({ [name]: v }, { commit: true }),
  }).el);
  container.replaceChildren(
    lr,
    h("div", { class: "map-second", "data-hide-key": "second" }, chooser.el, range),
    h("div", { class: "map-range", "data-hide-key": "resolution" }, resolution));
}

/** The start point as two number boxes and a "default start" button. Returns `{set(point)}`. */
export function buildStartControls(container, { experiment, onChange }) {
  const boxes = [0, 1].map((i) => numberBox({ name: `x0-${i}`, type: "float" }, experiment.start?.[i] ?? "", {
    name: `start-${i}`, label: t(i === 0 ? "map.start_x" : "map.start_y"),
    onChange: (v) => {
      const point = [...(experiment.start ?? [0, 0])];
      point[i] = v;
      onChange({ start: point }, { commit: true });
    },
  }));
  const reset = h("button", { type: "button", class: "link-button", id: "btn-reset-start" }, t("plot.reset_start"));
  reset.addEventListener("click", () => onChange({ start: null }, { commit: true }));
  container.replaceChildren(...boxes.map((b) => b.el), reset);
  return {
    set(point) {
      boxes.forEach((b, i) => b.set(point ? Number(point[i].toPrecision(6)) : ""));
    },
  };
}
