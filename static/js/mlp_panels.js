/**
 * The MLP page's control panels — data, inputs, CSV, quick optimizer (with the learning-rate
 * finder beside η), optimizer, training and speed — wired to the store: each change is one
 * patch (the page's subscriber retrains).
 */

import { applyHidden } from "./classroom.js";
import { h, slider } from "./controls.js";
import { t } from "./i18n.js";
import { buildDataPanel } from "./mlp_data.js";
import { lossesFor, switchOptimizer } from "./mlp_experiment.js";
import { buildLrFinder } from "./mlp_lr_finder.js";
import { buildOptimizerPanel, buildQuickOptimizer, buildTrainingControls } from "./mlp_optimizer.js";
import { $ } from "./page.js";
import { fieldByName } from "./state.js";

// Epochs per second while playing (not part of the link: the schema has no such field).
const SPEED_FIELD = { name: "speed", type: "float", ge: 1, le: 500, scale: "log", slider_min: 1, slider_max: 500 };

/** A magnifying glass (the finder's button shows only it in presentation mode). */
function magnifier() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", "icon");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const glass = document.createElementNS(ns, "path");
  glass.setAttribute("d", "M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM15.5 15.5L20 20");
  glass.setAttribute("fill", "none");
  glass.setAttribute("stroke", "currentColor");
  glass.setAttribute("stroke-width", "2.4");
  glass.setAttribute("stroke-linecap", "round");
  svg.append(glass);
  return svg;
}

/** Build every control panel; `onSpeed(v)` tells the stream. Returns the panels. */
export function buildPanels({ store, schema, onSpeed, debug }) {
  const state = store.state;
  const fields = schema.experiment;
  const rules = schema.rules;
  const panels = {};
  const patch = (experiment, meta = {}) => store.patch({ experiment }, meta);

  panels.data = buildDataPanel({
    fields, rules, experiment: () => state.experiment, upload: state.upload,
    onUpload: (result) => store.patch({ upload: result }, { run: false }),
    onDataset: (change) => {
      const next = { dataset: { ...state.experiment.dataset, ...change } };
      const losses = lossesFor({ ...state.experiment, ...next }, rules);
      if (state.experiment.loss !== null && !losses.includes(state.experiment.loss)) next.loss = null;
      patch(next, { structure: true });
      panels.training.refresh();
    },
    onFeatures: (list) => patch({ features: list }, { structure: true }),
  });
  $("#data-controls").replaceChildren(panels.data.controls);
  $("#feature-toggles").replaceChildren(panels.data.features);
  $("#csv-upload").replaceChildren(panels.data.csv);

  const optimizerCtx = {
    fields: fieldByName(fields, "optimizer").fields, catalog: schema.optimizers,
    spec: () => state.experiment.optimizer,
    scheduleRequest: () => ({ url: "/api/mlp/schedule", body: state.experiment }),
    onSwitch: (name) => {
      patch({ optimizer: switchOptimizer(state.experiment.optimizer, name, schema.optimizers) });
      panels.optimizer = buildOptimizerPanel($("#optimizer-controls"), optimizerCtx);
      applyHidden(document, state.hide);
    },
    onChange: (change) => {
      patch({ optimizer: { ...state.experiment.optimizer, ...change } });
      panels.optimizer.refreshCode();
    },
  };
  panels.quick = buildQuickOptimizer($("#quick-optimizer"), optimizerCtx);
  const finder = h("button", {
    type: "button", id: "btn-lr-find", class: "button lr-find-button", title: t("mlp.lr_find_button_title"),
    "aria-label": t("mlp.lr_find_button"),
  }, magnifier(), h("span", { class: "lr-find-label" }, t("mlp.lr_find_button")));
  $("#quick-optimizer").append(finder);
  panels.lrFinder = buildLrFinder(finder, {
    experiment: () => state.experiment, debug,
    onUse: (lr) => { optimizerCtx.onChange({ learning_rate: lr }); panels.quick.refresh(); },
  });
  panels.optimizer = buildOptimizerPanel($("#optimizer-controls"), optimizerCtx);
  panels.training = buildTrainingControls($("#training-controls"), {
    fields, rules, experiment: () => state.experiment,
    onChange: (change) => patch(change, { structure: "loss" in change }),
  });
  const speed = slider(SPEED_FIELD, state.speed, {
    name: "speed", label: t("mlp.speed"),
    onChange: (v) => {
      store.patch({ speed: v }, { run: false });
      onSpeed(v);
    },
  });
  $("#speed-control").replaceChildren(speed.el);
  return panels;
}
