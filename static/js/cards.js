/**
 * One card per racing optimizer: colour swatch, on/off switch, the hyperparameters it takes
 * (from the schema's optimizer catalog, widgets from the schema's field descriptions), its
 * update rule, the matching Keras call, and an "advanced" section with epsilon, optional weight
 * decay, the learning-rate schedule and gradient clipping.
 */

import { control, h, select, slider, uid } from "./controls.js";
import { t } from "./i18n.js";
import { kerasCode } from "./keras_code.js";
import { ScheduleChart } from "./schedule_chart.js";
import { applies, fieldByName } from "./state.js";

/** The symbols the update rules use, shown next to the Keras argument names. */
export const SYMBOLS = {
  learning_rate: "η", momentum: "μ", rho: "ρ", beta_1: "β₁", beta_2: "β₂", epsilon: "ε",
  initial_accumulator_value: "s₀", weight_decay: "λ",
};
const ADVANCED = new Set(["epsilon"]);
const CLIPS = ["clipvalue", "clipnorm", "global_clipnorm"];
// The lecture's example, keras.optimizers.SGD(clipvalue=1.0): where a new clip threshold starts.
const FIRST_CLIP_THRESHOLD = 1.0;

/** Display name of an optimizer (the registry name's Keras spelling, e.g. "RMSProp"). */
export function optimizerLabel(name) {
  return t(`optimizer.${name}`);
}

export function hpLabel(name) {
  const symbol = SYMBOLS[name];
  return h("span", { class: "hp-label", title: t(`hp.${name}`) },
    symbol ? h("span", { class: "sym" }, symbol) : null, h("code", {}, name));
}

/**
 * Build the card of run `index`. `ctx`: `fields` (RunSpec field descriptions), `catalog`
 * (schema.optimizers), `style` ({color, dash, label}), `getRun()`, `onChange(patch, commit)`,
 * `onRemove()`, `canRemove`.
 */
export function buildCard(index, ctx) {
  const run = ctx.getRun();
  const info = ctx.catalog[run.optimizer];
  // In the schema's field order (the catalog's JSON object order is not guaranteed).
  const takes = ctx.fields.map((f) => f.name).filter((name) => name in info.defaults);
  const field = (name) => fieldByName(ctx.fields, name);
  const scheduleFields = field("schedule").fields;
  const { color, label } = ctx.style;
  const titleId = uid("card-title");

  const code = h("code", { class: "language-python" });
  const refreshCode = () => { code.textContent = kerasCode(ctx.getRun(), ctx.catalog, takes); };

  const onOff = h("input", { type: "checkbox", role: "switch", "aria-label": t("card.enabled", { name: label }) });
  onOff.checked = run.enabled;
  onOff.addEventListener("change", () => {
    card.classList.toggle("is-off", !onOff.checked);
    ctx.onChange({ enabled: onOff.checked }, true);
  });

  const remove = ctx.canRemove
    ? h("button", { type: "button", class: "icon-button", "aria-label": t("card.remove", { name: label }), title: t("card.remove", { name: label }), onclick: () => ctx.onRemove() }, "×")
    : null;

  const hpControl = (name) => {
    const options = {
      name, label: hpLabel(name),
      onInput: (v) => { ctx.onChange({ [name]: v }, false); refreshCode(); },
      onChange: (v) => { ctx.onChange({ [name]: v }, true); refreshCode(); },
    };
    const built = control(field(name), run[name], options);
    built.el.dataset.hp = name;
    return built;
  };

  const main = h("div", { class: "hp-grid" });
  const advanced = h("div", { class: "advanced-body" });
  for (const name of takes) {
    if (name === "weight_decay" && info.defaults.weight_decay === null) continue;
    (ADVANCED.has(name) ? advanced : main).append(hpControl(name).el);
  }
  if (takes.includes("weight_decay") && info.defaults.weight_decay === null) {
    advanced.append(optionalWeightDecay(field("weight_decay"), ctx, refreshCode));
  }
  advanced.append(scheduleSection(scheduleFields, ctx, refreshCode));
  advanced.append(clippingSection(ctx.fields, ctx, refreshCode));

  const card = h("article", {
    class: `card${run.enabled ? "" : " is-off"}`, "data-run": index, "data-optimizer": run.optimizer,
    "data-hide-key": run.optimizer, "aria-labelledby": titleId, style: `--run-color: ${color}`,
  },
  h("header", { class: "card-head" },
    h("span", { class: `swatch swatch-${ctx.style.dash}`, "aria-hidden": "true" }),
    h("h3", { class: "card-title", id: titleId }, label),
    h("label", { class: "switch switch-compact" }, onOff, h("span", { class: "switch-track", "aria-hidden": "true" })),
    remove),
  h("div", { class: "card-body" },
    main,
    h("div", { class: "rule-code" },
      h("figure", { class: "rule", "data-hide-key": "rule" },
        h("figcaption", {}, t("card.update_rule")),
        h("pre", {}, info.update_rule)),
      h("figure", { class: "code", "data-hide-key": "code" },
        h("figcaption", {}, t("card.keras_code")),
        h("pre", {}, code))),
    h("details", { class: "advanced", "data-hide-key": "advanced" },
      h("summary", {}, t("card.advanced")), advanced)));
  refreshCode();
  return { el: card, refreshCode };
}

export function optionalWeightDecay(wdField, ctx, refreshCode) {
  const run = ctx.getRun();
  // Start where AdamW's Keras default puts it (the only optimizer with weight decay on).
  const first = ctx.catalog.adamw.defaults.weight_decay;
  const toggle = h("input", { type: "checkbox", role: "switch", id: uid("wd-on") });
  toggle.checked = run.weight_decay !== null && run.weight_decay !== undefined;
  const value = slider(wdField, run.weight_decay ?? first, {
    name: "weight_decay", label: hpLabel("weight_decay"),
    onInput: (v) => { ctx.onChange({ weight_decay: v }, false); refreshCode(); },
    onChange: (v) => { ctx.onChange({ weight_decay: v }, true); refreshCode(); },
  });
  value.el.hidden = !toggle.checked;
  toggle.addEventListener("change", () => {
    value.el.hidden = !toggle.checked;
    ctx.onChange({ weight_decay: toggle.checked ? value.get() : null }, true);
    refreshCode();
  });
  return h("div", { class: "optional", "data-field": "weight_decay" },
    h("label", { class: "switch", for: toggle.id }, toggle, h("span", { class: "switch-track", "aria-hidden": "true" }),
      h("span", { class: "switch-label" }, t("card.weight_decay_on"))),
    value.el);
}

export function scheduleSection(fields, ctx, refreshCode) {
  const schedule = () => ctx.getRun().schedule;
  const params = [];
  const patch = (name, v, commit) => {
    ctx.onChange({ schedule: { ...schedule(), [name]: v } }, commit);
    refreshCode();
  };
  const nameField = fieldByName(fields, "name");
  const chooser = select(nameField, schedule().name, {
    name: "schedule", label: t("card.schedule"), optionLabel: (o) => t(`schedule.${o}`),
    onChange: (v) => { patch("name", v, true); showParams(); },
  });
  const hint = h("p", { class: "hint schedule-hint" });
  for (const f of fields) {
    if (f.name === "name") continue;
    const built = control(f, schedule()[f.name], {
      name: `schedule.${f.name}`, label: h("span", { class: "hp-label" }, h("code", {}, f.name)),
      onInput: (v) => patch(f.name, v, false), onChange: (v) => patch(f.name, v, true),
    });
    params.push({ field: f, el: built.el });
  }
  function showParams() {
    for (const { field, el } of params) el.hidden = !applies(field, schedule());
    hint.textContent = t(`schedule_hint.${schedule().name}`);
  }
  showParams();
  // lr(t) of this run, from the server's schedule code (ctx.scheduleRequest: {url, body})
  const chart = ctx.scheduleRequest ? new ScheduleChart(ctx.scheduleRequest) : null;
  return h("fieldset", { class: "group" }, h("legend", {}, t("card.schedule_legend")),
    chooser.el, hint, h("div", { class: "hp-grid" }, params.map((p) => p.el)), chart?.el);
}

export function clippingSection(fields, ctx, refreshCode) {
  const run = ctx.getRun();
  const active = CLIPS.find((name) => run[name] !== null && run[name] !== undefined) || "none";
  let threshold = active === "none" ? FIRST_CLIP_THRESHOLD : run[active];
  let current = active;
  const box = h("div", { class: "clip-threshold" });
  const drawThreshold = () => {
    box.replaceChildren();
    if (current === "none") return;
    const built = slider(fieldByName(fields, current), threshold, {
      name: current, label: t("card.clip_threshold"),
      onInput: (v) => { threshold = v; ctx.onChange({ [current]: v }, false); refreshCode(); },
      onChange: (v) => { threshold = v; ctx.onChange({ [current]: v }, true); refreshCode(); },
    });
    box.append(built.el);
  };
  const chooser = select({ name: "clipping", options: ["none", ...CLIPS] }, current, {
    name: "clipping", label: t("card.clipping"), optionLabel: (o) => t(`clip.${o}`),
    onChange: (v) => {
      const patch = Object.fromEntries(CLIPS.map((name) => [name, null]));
      if (v !== "none") patch[v] = threshold;
      current = v;
      ctx.onChange(patch, true);
      refreshCode();
      drawThreshold();
    },
  });
  drawThreshold();
  return h("fieldset", { class: "group" }, h("legend", {}, t("card.clipping_legend")), chooser.el, box);
}
