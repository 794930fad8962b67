/**
 * The MLP experiment as the page holds it. The rules (which task a data set makes, which losses
 * suit it, the output activation of each loss, which fields continue a training) are the
 * server's: `rules` is `schema.rules` from `/api/mlp/schema` (app/schema/mlp_rules.py).
 */

import { clone } from "./state.js";

/** The task of uploaded points: up to `max_label_classes` integer labels classify, else regress. */
export function pointsTask(points, rules) {
  const labels = new Set(points.map((p) => p[2]));
  if (![...labels].every(Number.isInteger) || labels.size > rules.max_label_classes) return "regression";
  return labels.size <= 2 ? "binary" : "multiclass";
}

/** "binary", "multiclass" or "regression", as `MlpExperiment.task()` decides. */
export function taskOf(experiment, rules) {
  const { name, points } = experiment.dataset;
  if (name === "csv" && points) return pointsTask(points, rules);
  return rules.dataset_task[name];
}

/** The losses that suit the experiment's task; the first is the automatic choice. */
export function lossesFor(experiment, rules) {
  return rules.losses_for_task[taskOf(experiment, rules)];
}

/** The loss the training uses: the chosen one, or the task's default. */
export function resolvedLoss(experiment, rules) {
  return experiment.loss ?? lossesFor(experiment, rules)[0];
}

/** The output layer's activation for the experiment's loss. */
export function outputActivation(experiment, rules) {
  return rules.output_activation[resolvedLoss(experiment, rules)];
}

/** What decides whether a change restarts training: everything the server does not continue. */
export function structureKey(experiment, rules) {
  const rest = { ...experiment };
  for (const name of rules.continues) delete rest[name];
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
