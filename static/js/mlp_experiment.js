/**
 * The MLP experiment as the page holds it: what kind of task a data set makes, which losses
 * suit it, what a change resets, and the optimizer filled in with its Keras defaults. These
 * mirror `app/schema/mlp_experiment.py` and `app/routes/mlp_ws.py`.
 */

import { clone } from "./state.js";

/** Losses each task accepts (LOSSES_FOR_TASK), the first being the automatic choice. */
export const LOSSES_FOR_TASK = {
  binary: ["binary_crossentropy", "mean_squared_error"],
  multiclass: ["categorical_crossentropy"],
  regression: ["mean_squared_error"],
};

/** The output layer's activation for each loss (OUTPUT_ACTIVATION in the training job). */
export const OUTPUT_ACTIVATION = {
  binary_crossentropy: "sigmoid", categorical_crossentropy: "softmax", mean_squared_error: "linear",
};

/** Fields whose change continues the training instead of restarting it (mlp_ws.py). */
const CONTINUES = ["optimizer", "epochs", "grid", "mc_passes"];

/** The task of uploaded points: up to 10 integer labels classify, anything else regresses. */
export function pointsTask(points) {
  const labels = new Set(points.map((p) => p[2]));
  if (![...labels].every(Number.isInteger) || labels.size > 10) return "regression";
  return labels.size <= 2 ? "binary" : "multiclass";
}

/** "binary", "multiclass" or "regression", as `MlpExperiment.task()` decides. */
export function taskOf(experiment) {
  const { name, points } = experiment.dataset;
  if (name === "reg_plane" || name === "reg_gauss") return "regression";
  if (name === "blobs") return "multiclass";
  if (name === "csv" && points) return pointsTask(points);
  return "binary";
}

/** The loss the training uses: the chosen one, or the task's default. */
export function resolvedLoss(experiment) {
  return experiment.loss ?? LOSSES_FOR_TASK[taskOf(experiment)][0];
}

/** What decides whether a change restarts training: everything but the optimizer and display. */
export function structureKey(experiment) {
  const rest = { ...experiment };
  for (const name of CONTINUES) delete rest[name];
  return JSON.stringify(rest);
}

/** The experiment as the link records it: uploaded points are not part of a link. */
export function linkExperiment(experiment) {
  const copy = clone(experiment);
  copy.dataset.points = null;
  return copy;
}

/**
 * An optimizer spec with every hyperparameter the optimizer takes filled in (Keras default
 * where missing) and the ones it does not take cleared: what `OptimizerSpec.resolved()` gives.
 */
export function resolveOptimizer(spec, catalog) {
  const defaults = catalog[spec.optimizer].defaults;
  const out = { ...spec };
  const every = new Set(Object.values(catalog).flatMap((info) => Object.keys(info.defaults)));
  for (const name of every) if (!(name in defaults)) out[name] = null;
  for (const [name, value] of Object.entries(defaults)) {
    if (out[name] === null || out[name] === undefined) out[name] = value;
  }
  return out;
}

/**
 * Switch to another optimizer: its Keras defaults, keeping the learning rate, the schedule and
 * the clipping (so a student compares optimizers at the same η).
 */
export function switchOptimizer(spec, name, catalog) {
  const next = { ...spec, optimizer: name };
  for (const key of Object.keys(next)) {
    if (!["optimizer", "learning_rate", "schedule", "clipvalue", "clipnorm", "global_clipnorm"].includes(key)) {
      next[key] = null;
    }
  }
  return resolveOptimizer(next, catalog);
}

/** A new hidden layer: a copy of the last one, else the schema's default layer. */
export function newLayer(layers, layerFields) {
  if (layers.length) return clone(layers[layers.length - 1]);
  return Object.fromEntries(layerFields.map((f) => [f.name, f.type === "model" ? null : clone(f.default ?? null)]));
}
