/**
 * The surface race of one map cell: the map's surface, start, steps and tolerance with ONE run —
 * the map's optimizer with the cell's learning rate and second hyperparameter — written with the
 * surface page's own schema and encoder, so the link is exactly what that page writes.
 */

import { clone, fieldByName, pageQuery } from "./state.js";

/** The optimizer run of a cell as a surface-page `RunSpec` (Keras defaults filled in). */
export function cellRun(surfaceSchema, spec, second, cell) {
  const runFields = fieldByName(surfaceSchema.experiment, "runs").fields;
  const defaults = surfaceSchema.optimizers[spec.optimizer].defaults;
  const run = {};
  for (const field of runFields) {
    run[field.name] = field.name in spec
      ? clone(spec[field.name] ?? defaults[field.name] ?? null)
      : clone(field.default ?? null);
  }
  run.learning_rate = cell.lr;
  run[second] = cell.value;
  run.enabled = true;
  return run;
}

/** The surface experiment that replays cell `{lr, value}` of `experiment` started at `start`. */
export function cellExperiment(surfaceSchema, experiment, start, cell) {
  const race = clone(surfaceSchema.default);
  Object.assign(race, {
    surface: experiment.surface,
    expression: experiment.surface === "custom" ? experiment.expression : null,
    window: null,
    condition_number: experiment.condition_number,
    start: [...start],
    steps: experiment.steps,
    tolerance: experiment.tolerance,
    runs: [cellRun(surfaceSchema, experiment.optimizer, experiment.second, cell)],
  });
  return race;
}

/** The default view of the surface page (speed, 2D, nothing hidden), from its schema. */
function defaultView(surfaceSchema) {
  return Object.fromEntries(surfaceSchema.view.map((field) => [field.name, clone(field.default)]));
}

/** `/surface?…` for the race of one cell, in language `lang`. */
export function cellRaceUrl(surfaceSchema, lang, experiment, start, cell) {
  const race = cellExperiment(surfaceSchema, experiment, start, cell);
  return `/surface?${pageQuery(surfaceSchema, lang, race, defaultView(surfaceSchema))}`;
}
