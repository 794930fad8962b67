/**
 * The racers: each run's style (the optimizer's colour from the served catalogue, a dash per
 * repeat), the cards, and adding or removing a run. Every change goes through the store.
 */

import { buildCard, optimizerLabel } from "./cards.js";
import { applyHidden } from "./classroom.js";
import { h } from "./controls.js";
import { clone, fieldByName } from "./state.js";

const DASHES = ["solid", "dash", "dot", "dashdot"];
const FALLBACK_COLOUR = "#444444";

/** Label, colour, dash and on/off of each run; a repeated optimizer gets "(2)" and a dash. */
export function runStyles(runs, catalog, label = optimizerLabel) {
  const seen = {};
  return runs.map((run) => {
    const n = seen[run.optimizer] ?? 0;
    seen[run.optimizer] = n + 1;
    return {
      label: label(run.optimizer) + (n ? ` (${n + 1})` : ""),
      color: catalog[run.optimizer]?.colour ?? FALLBACK_COLOUR,
      dash: DASHES[n % DASHES.length],
      enabled: run.enabled,
    };
  });
}

/**
 * A new run of `name`: the page's default race's settings for it, else its Keras defaults at
 * the surface page's rate for it (the catalogue's `page_learning_rate`).
 */
export function newRun(schema, name) {
  const preset = schema.default.runs.find((r) => r.optimizer === name);
  const entry = schema.optimizers[name];
  const run = preset ? clone(preset) : { ...clone(entry.defaults), optimizer: name };
  if (!preset && entry.page_learning_rate) run.learning_rate = entry.page_learning_rate;
  run.enabled = true;
  return run;
}

/** The body of POST /api/schedule for run `i` over the race's steps (null once it is gone). */
export function scheduleRequest(experiment, i, schema) {
  const run = experiment.runs[i];
  if (!run) return null;
  const learningRate = run.learning_rate ?? schema.optimizers[run.optimizer].defaults.learning_rate;
  return { url: "/api/schedule", body: { learning_rate: learningRate, schedule: run.schedule, steps: experiment.steps } };
}

/**
 * The cards column and the "add optimizer" menu (its options: the schema's optimizer names).
 * Patches go through `store`: `{experiment: {runs}}` with meta `{runs: true}` when the list
 * of runs changes (the cards and the classroom dialog are rebuilt; `removed`: the index of a
 * run taken out, so marks by index can follow), else `{commit}`.
 */
export class RunCards {
  constructor({ store, schema, container, addMenu }) {
    this.store = store;
    this.schema = schema;
    this.container = container;
    this.addMenu = addMenu;
    this.runsField = fieldByName(schema.experiment, "runs");
    const names = fieldByName(this.runsField.fields, "optimizer").options;
    addMenu.append(...names.map((name) => h("option", { value: name }, optimizerLabel(name))));
    addMenu.addEventListener("change", () => {
      const name = addMenu.value;
      addMenu.value = "";
      if (name) this.setRuns([...this.runs(), newRun(schema, name)]);
    });
  }

  runs() {
    return this.store.state.experiment.runs;
  }

  /** The runs' styles; a run whose optimizer the teacher hid (`hide=adam`) is off and `hidden`. */
  styles() {
    const hidden = new Set(this.store.state.view.hide);
    return runStyles(this.runs(), this.schema.optimizers).map((style, i) => (
      hidden.has(this.runs()[i].optimizer) ? { ...style, enabled: false, hidden: true } : style));
  }

  setRuns(runs, meta = {}) {
    this.store.patch({ experiment: { runs } }, { commit: true, runs: true, ...meta });
  }

  toggle(i) {
    const runs = this.runs();
    runs[i] = { ...runs[i], enabled: !runs[i].enabled };
    this.setRuns(runs);
  }

  build() {
    const styles = this.styles();
    const runs = this.runs();
    const cards = runs.map((_, i) => buildCard(i, {
      fields: this.runsField.fields, catalog: this.schema.optimizers, style: styles[i],
      getRun: () => this.runs()[i],
      scheduleRequest: () => scheduleRequest(this.store.state.experiment, i, this.schema),
      canRemove: runs.length > 1,
      onRemove: () => this.setRuns(this.runs().filter((__, k) => k !== i), { removed: i }),
      onChange: (patch, commit) => {
        const next = this.runs().map((run, k) => (k === i ? { ...run, ...patch } : run));
        this.store.patch({ experiment: { runs: next } }, { commit, redraw: "enabled" in patch });
      },
    }));
    this.container.replaceChildren(...cards.map((c) => c.el));
    this.addMenu.disabled = runs.length >= this.runsField.max_length;
    applyHidden(document, this.store.state.view.hide);
  }
}
