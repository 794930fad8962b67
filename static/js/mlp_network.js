/**
 * The network panel: the layer columns, the diagram, the parameter count and the Keras code,
 * all redrawn from the store. Adding, removing or changing a layer patches the store.
 */

import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";
import { buildLayerColumns } from "./mlp_builder.js";
import { kerasModelCode } from "./mlp_code.js";
import { featureLabel } from "./mlp_data.js";
import { NetworkDiagram } from "./mlp_diagram.js";
import { newLayer, outputActivation, taskOf } from "./mlp_experiment.js";
import { applyHidden } from "./classroom.js";
import { $ } from "./page.js";
import { fieldByName } from "./state.js";

/** Trainable weights of `experiment` with `outputs` output units (BatchNorm's γ and β count). */
export function trainableParameters(experiment, outputs) {
  let total = 0;
  let fanIn = experiment.features.length;
  for (const layer of experiment.layers) {
    total += fanIn * layer.units + (layer.batch_normalization === "before" ? 0 : layer.units);
    if (layer.batch_normalization !== "none") total += 2 * layer.units; // gamma and beta
    fanIn = layer.units;
  }
  return total + (fanIn + 1) * outputs;
}

/** Whether `experiment`'s network (layers, inputs) differs from the `held` structure key. */
export function networkChanged(held, experiment) {
  if (held === null) return false;
  const before = JSON.parse(held);
  return JSON.stringify([before.layers, before.features]) !== JSON.stringify([experiment.layers, experiment.features]);
}

/** "Restarted: the network changed", above the run's error box, until the next change. */
export function showRestarted(shown) {
  let note = document.getElementById("run-restarted");
  if (!note) {
    note = h("p", { id: "run-restarted", class: "run-notice", role: "status" });
    $("#run-error").before(note);
  }
  note.hidden = !shown;
  note.textContent = shown ? t("mlp.restarted_network") : "";
}

export class NetworkPanel {
  /** `store` holds `{experiment, upload, hide}`; `run()` is the training the page shows. */
  constructor({ store, schema, run }) {
    this.store = store;
    this.schema = schema;
    this.run = run;
    this.layerField = fieldByName(schema.experiment, "layers");
    this.order = fieldByName(schema.experiment, "optimizer").fields.map((f) => f.name);
    this.diagram = new NetworkDiagram($("#network-diagram"));
    $("#btn-add-layer").addEventListener("click", () => {
      const layers = this.layers();
      if (layers.length >= this.layerField.max_length) return;
      this.setLayers([...layers, newLayer(layers, this.layerField.fields)]);
    });
    $("#btn-remove-layer").addEventListener("click", () => {
      if (this.layers().length) this.setLayers(this.layers().slice(0, -1));
    });
  }

  layers() {
    return this.store.state.experiment.layers;
  }

  setLayers(layers, meta = { network: true }) {
    this.store.patch({ experiment: { layers } }, meta);
  }

  outputUnits() {
    const { experiment, upload } = this.store.state;
    if (taskOf(experiment, this.schema.rules) !== "multiclass") return 1;
    if (experiment.dataset.name === "csv") return upload?.n_classes ?? 3;
    const run = this.run();
    return run.info?.data?.n_classes ?? run.shown?.info?.data?.n_classes ?? 3;
  }

  /** The layer columns, rebuilt (the number of layers changed). */
  build() {
    buildLayerColumns($("#layer-columns"), {
      fields: this.layerField.fields,
      layers: () => this.layers(),
      onChange: (index, patch) => this.setLayers(
        this.layers().map((layer, k) => (k === index ? { ...layer, ...patch } : layer)), { structure: true }),
      onRemove: (index) => this.setLayers(this.layers().filter((_, k) => k !== index)),
      onApplyAll: (layers) => this.setLayers(layers), // one patch; the columns are redrawn
    });
    this.refresh();
    applyHidden(document, this.store.state.hide);
  }

  /** Count, buttons, parameters, diagram and code. */
  refresh() {
    const experiment = this.store.state.experiment;
    const layers = experiment.layers;
    const count = { 0: "mlp.layer_count_zero", 1: "mlp.layer_count_one" }[layers.length] ?? "mlp.layer_count";
    $("#layer-count").textContent = t(count, { n: layers.length });
    $("#btn-add-layer").disabled = layers.length >= this.layerField.max_length;
    $("#btn-remove-layer").disabled = layers.length === 0;
    $("#model-summary").textContent = t("mlp.parameters", { n: formatNumber(trainableParameters(experiment, this.outputUnits()), 8) });
    this.diagram.draw({
      features: experiment.features.map(featureLabel), layers, outputs: this.outputUnits(),
      outputActivation: outputActivation(experiment, this.schema.rules),
    });
    this.refreshCode();
  }

  refreshCode() {
    $("#keras-code code").textContent = kerasModelCode(this.store.state.experiment, {
      catalog: this.schema.optimizers, order: this.order, outputs: this.outputUnits(), rules: this.schema.rules,
    });
  }

  /** The gradient norm of each layer on the diagram (null: none yet). */
  setGradients(norms) {
    this.diagram.setGradients(norms);
  }
}
