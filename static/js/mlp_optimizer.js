/**
 * Optimizer and training controls, drawn from the schema like the surface page's cards: the
 * optimizer and its learning rate in the toolbar (what students change most), the other
 * hyperparameters with the update rule, weight decay, schedule and clipping in the optimizer
 * panel, and the training loop's settings (loss, batch size, epochs, shuffle, seed, dtype,
 * grid, MC passes) in the training panel.
 */

import { clippingSection, hpLabel, optimizerLabel, optionalWeightDecay, scheduleSection } from "./cards.js";
import { control, h, select, slider } from "./controls.js";
import { t } from "./i18n.js";
import { kerasCode } from "./keras_code.js";
import { lossesFor } from "./mlp_experiment.js";
import { fieldByName } from "./state.js";

const ADVANCED = new Set(["epsilon"]);
const TRAINING_TYPES = new Set(["int", "float", "bool", "enum"]);

/** The training loop's settings: every top-level scalar or choice field but the loss (drawn first). */
export function trainingFields(fields) {
  return fields.filter((f) => TRAINING_TYPES.has(f.type) && f.control !== "none" && f.name !== "loss");
}

/**
 * Optimizer select and learning-rate slider. `ctx`: `fields` (OptimizerSpec descriptions),
 * `catalog`, `spec()`, `onSwitch(name)`, `onChange(patch)`.
 */
export function buildQuickOptimizer(container, ctx) {
  const field = (name) => fieldByName(ctx.fields, name);
  const chooser = select(field("optimizer"), ctx.spec().optimizer, {
    name: "optimizer", label: t("mlp.optimizer"), optionLabel: optimizerLabel,
    onChange: (name) => ctx.onSwitch(name),
  });
  const lr = slider(field("learning_rate"), ctx.spec().learning_rate, {
    name: "learning_rate", label: hpLabel("learning_rate"),
    onChange: (v) => ctx.onChange({ learning_rate: v }),
  });
  lr.el.dataset.hp = "learning_rate";
  container.replaceChildren(chooser.el, lr.el);
  return {
    refresh() {
      chooser.set(ctx.spec().optimizer);
      lr.set(ctx.spec().learning_rate);
    },
  };
}

/** The chosen optimizer's other hyperparameters, update rule, Keras call and advanced options. */
export function buildOptimizerPanel(container, ctx) {
  const spec = ctx.spec();
  const info = ctx.catalog[spec.optimizer];
  const field = (name) => fieldByName(ctx.fields, name);
  const takes = ctx.fields.map((f) => f.name).filter((name) => name in info.defaults);
  const code = h("code", { class: "language-python" });
  const refreshCode = () => { code.textContent = kerasCode(ctx.spec(), ctx.catalog, takes); };
  const cardCtx = {
    catalog: ctx.catalog,
    getRun: () => ctx.spec(),
    scheduleRequest: ctx.scheduleRequest,
    onChange: (patch, commit) => { if (commit) ctx.onChange(patch); },
  };

  const main = h("div", { class: "hp-grid" });
  const advanced = h("div", { class: "advanced-body" });
  for (const name of takes) {
    if (name === "learning_rate") continue;
    if (name === "weight_decay" && info.defaults.weight_decay === null) continue;
    const built = control(field(name), spec[name], {
      name, label: hpLabel(name),
      onChange: (v) => { ctx.onChange({ [name]: v }); refreshCode(); },
    });
    built.el.dataset.hp = name;
    (ADVANCED.has(name) ? advanced : main).append(built.el);
  }
  if (takes.includes("weight_decay") && info.defaults.weight_decay === null) {
    advanced.append(optionalWeightDecay(field("weight_decay"), cardCtx, refreshCode));
  }
  advanced.append(scheduleSection(field("schedule").fields, cardCtx, refreshCode));
  advanced.append(clippingSection(ctx.fields, cardCtx, refreshCode));
  refreshCode();

  container.replaceChildren(h("div", { class: "card-body optimizer-body", "data-optimizer": spec.optimizer },
    h("p", { class: "keras-class" }, `keras.optimizers.${info.keras_class}`),
    main.childElementCount ? main : h("p", { class: "hint" }, t("mlp.only_lr")),
    h("div", { class: "rule-code" },
      h("figure", { class: "rule", "data-hide-key": "rule" },
        h("figcaption", {}, t("card.update_rule")), h("pre", {}, info.update_rule)),
      h("figure", { class: "code" },
        h("figcaption", {}, t("card.keras_code")), h("pre", {}, code))),
    h("details", { class: "advanced", "data-hide-key": "optimizer_advanced" },
      h("summary", {}, t("card.advanced")), advanced)));
  return { refreshCode };
}

/**
 * The training loop's settings. `ctx`: `fields` (experiment descriptions), `experiment()`,
 * `onChange(patch)`.
 */
export function buildTrainingControls(container, ctx) {
  const field = (name) => fieldByName(ctx.fields, name);
  const lossField = field("loss");
  const lossOptions = () => ["auto", ...lossesFor(ctx.experiment(), ctx.rules)];
  const loss = select(lossField, ctx.experiment().loss ?? "auto", {
    name: "loss", label: t("mlp.loss"), options: lossOptions(),
    optionLabel: (o) => (o === "auto" ? t("mlp.loss_auto", { loss: lossesFor(ctx.experiment(), ctx.rules)[0] }) : o),
    onChange: (v) => ctx.onChange({ loss: v === "auto" ? null : v }),
  });
  const built = trainingFields(ctx.fields).map(({ name }) => {
    const c = control(field(name), ctx.experiment()[name], {
      name, label: t(`mlp.${name}`),
      onChange: (v) => ctx.onChange({ [name]: v }),
    });
    return { name, ...c };
  });
  container.replaceChildren(loss.el, ...built.map((b) => b.el));
  return {
    refresh() {
      const options = lossOptions();
      loss.input.replaceChildren(...options.map((o) => h("option", { value: o },
        o === "auto" ? t("mlp.loss_auto", { loss: lossesFor(ctx.experiment(), ctx.rules)[0] }) : o)));
      loss.set(ctx.experiment().loss ?? "auto");
      for (const b of built) b.set(ctx.experiment()[b.name]);
    },
  };
}
