/**
 * Wiring of the MLP playground: state ↔ link, controls → training, WebSocket frames → charts.
 *
 * Like TensorFlow Playground, the page opens paused at epoch 0 and trains on "Play". A change
 * to the optimizer, the epochs, the grid or the MC passes continues the running training (the
 * server answers `updated`); any other change starts a new one (`started`), playing if it was.
 * Every change writes the link (history.replaceState). Frames are drawn at most once per
 * animation frame; `window.__descenso` exposes the state for the browser tests.
 */

import { applyHidden, buildClassroomDialog } from "./classroom.js";
import { h, slider } from "./controls.js";
import { formatNumber, setCatalog, t } from "./i18n.js";
import { buildLayerColumns } from "./mlp_builder.js";
import { downloadScript, kerasModelCode } from "./mlp_code.js";
import { buildDataPanel, featureLabel } from "./mlp_data.js";
import { NetworkDiagram } from "./mlp_diagram.js";
import {
  LOSSES_FOR_TASK, OUTPUT_ACTIVATION, linkExperiment, newLayer, resolveOptimizer, resolvedLoss,
  structureKey, switchOptimizer, taskOf,
} from "./mlp_experiment.js";
import { Histograms } from "./mlp_histograms.js";
import { buildOptimizerPanel, buildQuickOptimizer, buildTrainingControls } from "./mlp_optimizer.js";
import { BoundaryPlot, CLASS_COLORS, CurveChart, GradientChart, UncertaintyPlot } from "./mlp_plots.js";
import { buildPresetPicker, takeStory } from "./mlp_presets.js";
import { Run, TrainingStream } from "./mlp_run.js";
import { bindPlayer } from "./player.js";
import { clone, encodePairs, fieldByName, queryString, writeUrl } from "./state.js";
import { copyLink, copyText, showNotices, toast, wireShareButtons } from "./ui.js";

/** What a teacher can hide with `hide=` (labels: `hide.<key>` in the catalogs). */
export const HIDE_KEYS = ["presets", "dataset", "samples", "noise", "train_ratio", "data_seed",
  "features", "csv", "network", "diagram", "optimizer_settings", "rule", "optimizer_advanced",
  "training", "speed", "loss", "metric", "gradients", "histograms", "uncertainty", "code"];
// Epochs per second while playing (not part of the link: the schema has no such field).
const SPEED_FIELD = { name: "speed", type: "float", ge: 1, le: 500, scale: "log", slider_min: 1, slider_max: 500 };
const DEFAULT_SPEED = 25;
const CURVE_INTERVAL_MS = 150;

const data = JSON.parse(document.getElementById("descenso-data").textContent);
setCatalog(data.lang, data.catalog);
const schema = data.schema;
const fields = schema.experiment;
const layerFields = fieldByName(fields, "layers");
const optimizerFields = fieldByName(fields, "optimizer").fields;
const optimizerOrder = optimizerFields.map((f) => f.name);
const state = {
  experiment: clone(data.experiment), hide: [...(data.view?.hide ?? [])], speed: DEFAULT_SPEED, upload: null,
};
state.experiment.optimizer = resolveOptimizer(state.experiment.optimizer, schema.optimizers);
const $ = (selector) => document.querySelector(selector);
const labels = { x1: featureLabel("x1"), x2: featureLabel("x2") };

const boundary = new BoundaryPlot($("#boundary-plot"), labels);
const uncertainty = new UncertaintyPlot($("#mc-plot"), labels);
const lossChart = new CurveChart($("#loss-chart"), "loss");
const metricChart = new CurveChart($("#metric-chart"), "metric");
const gradChart = new GradientChart($("#grad-chart"));
const histograms = new Histograms($("#histograms"));
const diagram = new NetworkDiagram($("#network-diagram"));
const stream = new TrainingStream("/ws/mlp", {
  onMessage: receive,
  onOpen: (resent) => { if (!resent) send(run.playing ? "play" : "pause"); },
  onClose: () => { serverStructure = null; },
});

let run = new Run(0);
let serverStructure = null; // structure of the training the server holds
const sentStructure = new Map(); // gen → structure key it was sent with
let drawQueued = false;
let drawing = false;
let lastCurves = 0;
let curveTimer = 0;
let panels = {};

const debug = { state, drawCount: 0, drawnEpoch: -1, drawnGen: -1, errors: [], sent: [] };
Object.defineProperty(debug, "run", { get: () => run });
window.__descenso = debug;

/* ---------- state → link ---------- */

function syncUrl() {
  const pairs = [["lang", data.lang], ...encodePairs(fields, linkExperiment(state.experiment))];
  if (state.hide.length) pairs.push(["hide", state.hide.join(",")]);
  const query = queryString(pairs);
  writeUrl(query);
  for (const link of document.querySelectorAll("[data-lang-link]")) {
    link.href = `?${query.replace(/^lang=[a-z]+/, `lang=${link.dataset.langLink}`)}`;
  }
}

/* ---------- talking to the server ---------- */

/** Send the experiment: the server continues the training or starts a new one. */
function send(mode) {
  const key = structureKey(state.experiment);
  const continues = serverStructure !== null && key === serverStructure;
  const gen = stream.startRun(state.experiment, mode, state.speed, continues);
  sentStructure.set(gen, key);
  debug.gen = gen;
  debug.sent.push({ gen, mode, continues });
  if (continues) {
    run.gen = gen;
  } else {
    const previous = run;
    run = new Run(gen);
    run.shown = previous.info ? previous : previous.shown; // the old picture until the new one arrives
  }
  run.playing = mode === "play";
  $("#run-error").hidden = true;
  updatePlayer();
}

/** Something changed: write the link, refresh the code, tell the server. */
function changed() {
  syncUrl();
  refreshCode();
  // Fewer epochs than already trained: the training is over, nothing left to play.
  const over = run.info && run.epoch >= state.experiment.epochs;
  send(run.playing && !over ? "play" : "pause");
}

function receive(message) {
  if (message.type === "started") {
    run.started(message);
    run.shown = null;
    serverStructure = sentStructure.get(message.gen) ?? null;
    for (const gen of sentStructure.keys()) if (gen < message.gen) sentStructure.delete(gen);
    refreshStructure();
    queueDraw();
  } else if (message.type === "frame") {
    run.addFrame(message);
    queueDraw();
  } else if (message.type === "error") {
    showRunError(message.errors ?? []);
  } else if (message.type === "busy") {
    showRunError([{ message: t("mlp.busy") }]);
  }
}

function showRunError(errors) {
  debug.errors.push(...errors);
  run.playing = false;
  const box = $("#run-error");
  box.replaceChildren(h("strong", {}, t("mlp.run_error")), " ",
    errors.map((e) => (e.field && e.field !== "experiment" ? `${e.field}: ${e.message}` : e.message)).join("; "));
  box.hidden = false;
  updatePlayer();
}

/* ---------- drawing, at most once per animation frame ---------- */

function queueDraw() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(draw);
}

const visible = (el) => el.offsetParent !== null;

async function draw() {
  drawQueued = false;
  if (drawing) { queueDraw(); return; }
  drawing = true;
  const shown = run.info ? run : run.shown;
  try {
    if (shown?.info) {
      const { task } = shown.info;
      if (shown.grid && visible($("#boundary-plot"))) await boundary.draw(shown.info, shown.grid);
      await drawUncertainty(shown);
      // While playing, the curves (thousands of points) are redrawn a few times a second only.
      const now = performance.now();
      if (!shown.playing || now - lastCurves >= CURVE_INTERVAL_MS) {
        lastCurves = now;
        if (visible($("#loss-chart"))) await lossChart.draw(shown.epochs, task);
        if (visible($("#metric-chart"))) await metricChart.draw(shown.epochs, task);
        if (visible($("#grad-chart"))) await gradChart.draw(shown.grads, shown.layers);
        debug.curvesEpoch = shown.epoch;
      } else {
        clearTimeout(curveTimer);
        curveTimer = setTimeout(queueDraw, CURVE_INTERVAL_MS - (now - lastCurves));
      }
      histograms.draw(shown.layers);
      diagram.setGradients(shown.grads.length ? shown.layers?.map((l) => l.grad_norm) : null);
      showMetrics(shown);
    }
    updatePlayer();
  } finally {
    drawing = false;
  }
  debug.drawCount += 1;
  debug.drawnGen = shown?.gen ?? -1;
  debug.drawnEpoch = shown?.info ? shown.epoch : -1;
  debug.curvesCurrent = debug.curvesEpoch === debug.drawnEpoch;
}

async function drawUncertainty(shown) {
  const plot = $("#mc-plot");
  const note = $("#mc-note");
  const experiment = state.experiment;
  const dropout = experiment.layers.some((l) => l.dropout > 0);
  if (experiment.mc_passes === 0 || !dropout) {
    plot.hidden = true;
    note.textContent = experiment.mc_passes === 0 ? t("mlp.mc_off_passes") : t("mlp.mc_off_dropout");
    return;
  }
  if (!shown.mc) {
    plot.hidden = true;
    note.textContent = t("mlp.mc_waiting");
    return;
  }
  plot.hidden = false;
  note.textContent = t("mlp.mc_note", { n: experiment.mc_passes });
  if (visible(plot)) await uncertainty.draw(shown.info, shown.grid, shown.mc);
}

function showMetrics(shown) {
  const latest = shown.latest;
  const regression = shown.info.task === "regression";
  const metric = (v) => (v === null || v === undefined ? "—" : regression ? formatNumber(v, 3) : `${formatNumber(v * 100, 3)} %`);
  const items = [
    ["test_loss", t("mlp.test_loss"), formatNumber(latest?.test_loss, 4)],
    ["train_loss", t("mlp.train_loss"), formatNumber(latest?.train_loss, 4)],
    ["test_metric", regression ? t("mlp.test_r2") : t("mlp.test_accuracy"), metric(latest?.test_metric)],
    ["train_metric", regression ? t("mlp.train_r2") : t("mlp.train_accuracy"), metric(latest?.train_metric)],
    ["learning_rate", t("mlp.current_lr"), formatNumber(latest?.learning_rate, 3)],
  ];
  $("#metrics").replaceChildren(...items.map(([key, label, value]) =>
    h("div", { class: "metric", "data-metric": key }, h("dt", {}, label), h("dd", {}, value))));
  const banner = $("#diverged-banner");
  banner.hidden = shown.status !== "diverged";
  if (!banner.hidden) {
    banner.replaceChildren(h("strong", {}, t("mlp.diverged_at", { epoch: shown.divergedAt ?? shown.epoch })), " ", t("mlp.diverged_hint"));
  }
  $("#metric-title").textContent = regression ? "R²" : t("mlp.metric_accuracy");
  drawLegend(shown.info);
}

function drawLegend(info) {
  const items = [
    h("span", { class: "legend-point" }, h("span", { class: "marker marker-train", "aria-hidden": "true" }), t("mlp.train_points")),
    h("span", { class: "legend-point" }, h("span", { class: "marker marker-test", "aria-hidden": "true" }), t("mlp.test_points")),
  ];
  let scale;
  if (info.task === "binary") {
    scale = h("span", { class: "scale" }, h("span", { class: "scale-end", style: `--c: ${CLASS_COLORS[0]}` }, t("mlp.class_n", { n: 0 })),
      h("span", { class: "scale-bar scale-binary", "aria-hidden": "true" }),
      h("span", { class: "scale-end", style: `--c: ${CLASS_COLORS[1]}` }, t("mlp.class_n", { n: 1 })),
      h("span", { class: "scale-caption" }, t("mlp.binary_scale")));
  } else if (info.task === "regression") {
    scale = h("span", { class: "scale" }, h("span", {}, "−1"), h("span", { class: "scale-bar scale-binary", "aria-hidden": "true" }), h("span", {}, "1"),
      h("span", { class: "scale-caption" }, t("mlp.regression_scale")));
  } else {
    scale = h("span", { class: "scale" }, Array.from({ length: info.data.n_classes }, (_, k) =>
      h("span", { class: "class-swatch", style: `--c: ${CLASS_COLORS[k % CLASS_COLORS.length]}` }, t("mlp.class_n", { n: k }))),
    h("span", { class: "scale-caption" }, t("mlp.multiclass_scale")));
  }
  $("#boundary-legend").replaceChildren(h("div", { class: "legend-points" }, items), scale);
}

/* ---------- player ---------- */

function updatePlayer() {
  const play = $("#btn-play");
  play.setAttribute("aria-pressed", String(run.playing));
  play.querySelector("[data-role=label]").textContent = run.playing ? t("player.pause") : t("player.play");
  play.querySelector("[data-role=icon]").textContent = run.playing ? "❚❚" : "▶";
  $("#epoch-value").textContent = String((run.info ? run : run.shown ?? run).epoch);
  $("#epoch-total").textContent = t("mlp.epoch_of", { total: state.experiment.epochs });
}

/** Finished (all epochs, or diverged): playing again starts over. */
function finished() {
  return run.done && (run.status === "diverged" || run.epoch >= state.experiment.epochs);
}

function togglePlay() {
  if (run.playing) {
    stream.pause();
    run.playing = false;
  } else if (!run.info) {
    send("play");
  } else {
    if (finished()) stream.reset();
    stream.play();
    run.playing = true;
  }
  updatePlayer();
}

function stepOnce() {
  if (!run.info) send("pause");
  else if (finished()) stream.reset();
  run.playing = false;
  stream.step(1);
  updatePlayer();
}

function resetRun() {
  run.playing = false;
  stream.reset();
  updatePlayer();
}

/* ---------- structure: network builder, diagram, code ---------- */

function outputUnits() {
  if (taskOf(state.experiment) !== "multiclass") return 1;
  if (state.experiment.dataset.name === "csv") return state.upload?.n_classes ?? 3;
  return run.info?.data?.n_classes ?? run.shown?.info?.data?.n_classes ?? 3;
}

function trainableParameters() {
  let total = 0;
  let fanIn = state.experiment.features.length;
  for (const layer of state.experiment.layers) {
    total += fanIn * layer.units + (layer.batch_normalization === "before" ? 0 : layer.units);
    if (layer.batch_normalization !== "none") total += 2 * layer.units; // gamma and beta
    fanIn = layer.units;
  }
  return total + (fanIn + 1) * outputUnits();
}

function refreshStructure() {
  const layers = state.experiment.layers;
  const max = layerFields.max_length;
  const count = { 0: "mlp.layer_count_zero", 1: "mlp.layer_count_one" }[layers.length] ?? "mlp.layer_count";
  $("#layer-count").textContent = t(count, { n: layers.length });
  $("#btn-add-layer").disabled = layers.length >= max;
  $("#btn-remove-layer").disabled = layers.length === 0;
  $("#model-summary").textContent = t("mlp.parameters", { n: formatNumber(trainableParameters(), 8) });
  diagram.draw({
    features: state.experiment.features.map(featureLabel), layers, outputs: outputUnits(),
    outputActivation: OUTPUT_ACTIVATION[resolvedLoss(state.experiment)],
  });
  refreshCode();
}

function buildNetwork() {
  buildLayerColumns($("#layer-columns"), {
    fields: layerFields.fields,
    layers: () => state.experiment.layers,
    onChange: (index, patch) => {
      Object.assign(state.experiment.layers[index], patch);
      refreshStructure();
      changed();
    },
    onRemove: (index) => {
      state.experiment.layers.splice(index, 1);
      networkChanged();
    },
  });
  refreshStructure();
  applyHidden(document, state.hide);
}

function networkChanged() {
  buildNetwork();
  changed();
}

function refreshCode() {
  $("#keras-code code").textContent = kerasModelCode(state.experiment, {
    catalog: schema.optimizers, order: optimizerOrder, outputs: outputUnits(),
  });
}

/* ---------- panels ---------- */

function buildPanels() {
  const dataPanel = buildDataPanel({
    fields, experiment: () => state.experiment, upload: state.upload,
    onUpload: (result) => { state.upload = result; },
    onDataset: (patch) => {
      Object.assign(state.experiment.dataset, patch);
      const losses = LOSSES_FOR_TASK[taskOf(state.experiment)];
      if (state.experiment.loss !== null && !losses.includes(state.experiment.loss)) state.experiment.loss = null;
      panels.training.refresh();
      refreshStructure();
      changed();
    },
    onFeatures: (list) => {
      state.experiment.features = list;
      refreshStructure();
      changed();
    },
  });
  $("#data-controls").replaceChildren(dataPanel.controls);
  $("#feature-toggles").replaceChildren(dataPanel.features);
  $("#csv-upload").replaceChildren(dataPanel.csv);

  const optimizerCtx = {
    fields: optimizerFields, catalog: schema.optimizers, spec: () => state.experiment.optimizer,
    onSwitch: (name) => {
      state.experiment.optimizer = switchOptimizer(state.experiment.optimizer, name, schema.optimizers);
      panels.optimizer = buildOptimizerPanel($("#optimizer-controls"), optimizerCtx);
      applyHidden(document, state.hide);
      changed();
    },
    onChange: (patch) => {
      Object.assign(state.experiment.optimizer, patch);
      panels.optimizer.refreshCode();
      changed();
    },
  };
  const quick = buildQuickOptimizer($("#quick-optimizer"), optimizerCtx);
  const optimizer = buildOptimizerPanel($("#optimizer-controls"), optimizerCtx);
  const training = buildTrainingControls($("#training-controls"), {
    fields, experiment: () => state.experiment,
    onChange: (patch) => {
      Object.assign(state.experiment, patch);
      if ("loss" in patch) refreshStructure();
      changed();
    },
  });
  const speed = slider(SPEED_FIELD, state.speed, {
    name: "speed", label: t("mlp.speed"),
    onChange: (v) => { state.speed = v; stream.speed(v); },
  });
  $("#speed-control").replaceChildren(speed.el);
  panels = { data: dataPanel, quick, training, optimizer };
}

/* ---------- header: copy link, classroom, code buttons ---------- */

function buildClassroom() {
  buildClassroomDialog($("#classroom-dialog"), {
    keys: HIDE_KEYS, hide: state.hide,
    onChange: (list) => {
      state.hide = list;
      syncUrl();
      applyHidden(document, list);
      queueDraw();
    },
    onCopy: () => copyLink("toast.classroom_copied"),
  });
}

function buildHeader() {
  wireShareButtons();
  $("#btn-add-layer").addEventListener("click", () => {
    if (state.experiment.layers.length >= layerFields.max_length) return;
    state.experiment.layers.push(newLayer(state.experiment.layers, layerFields.fields));
    networkChanged();
  });
  $("#btn-remove-layer").addEventListener("click", () => {
    if (!state.experiment.layers.length) return;
    state.experiment.layers.pop();
    networkChanged();
  });
  $("#btn-copy-code").addEventListener("click", async () => {
    if (await copyText($("#keras-code").textContent)) toast(t("mlp.code_copied"));
  });
  for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await downloadScript(button.dataset.export, state.experiment);
        toast(t("mlp.script_downloaded"));
      } catch (error) {
        toast(t("mlp.script_failed", { reason: error.message }));
      } finally {
        button.disabled = false;
      }
    });
  }
}

/** The server's notices; a link that named an uploaded CSV gets a plain explanation. */
function linkNotices() {
  const asked = new URLSearchParams(location.search).get("d");
  if (asked === "csv" && state.experiment.dataset.name !== "csv") {
    return [{ key: "d", value: "csv", message: t("mlp.csv_link_notice") },
      ...data.notices.filter((n) => n.key !== "" && !n.key.startsWith("d"))];
  }
  return data.notices;
}

function showStory(story) {
  if (!story) return;
  const box = $("#story");
  const close = h("button", { type: "button", class: "icon-button", "aria-label": t("notices.dismiss"), title: t("notices.dismiss") }, "×");
  close.addEventListener("click", () => { box.hidden = true; });
  box.replaceChildren(h("div", { class: "notice-text" },
    h("strong", {}, t(`mlp.preset.${story.id}`)), " — ", t(`mlp.preset_hint.${story.id}`)), close);
  box.hidden = false;
}

/* ---------- start-up ---------- */

function main() {
  showNotices($("#notices"), linkNotices());
  const story = takeStory();
  showStory(story);
  buildPresetPicker($("#preset-select"), { lang: data.lang, hide: () => state.hide, current: story });
  buildHeader();
  buildPanels();
  buildNetwork();
  buildClassroom();
  bindPlayer({ togglePlay, step: stepOnce, reset: resetRun, busy: () => $("#classroom-dialog").open });
  applyHidden(document, state.hide);
  syncUrl();
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(refreshStructure, 150);
  });
  send(story ? "play" : "pause");
  stream.connect();
  document.body.dataset.ready = "true";
}

main();
