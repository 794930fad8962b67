/**
 * "Show me the code": the Keras 3 code of the current network and optimizer, written the way
 * the lecture's slides write it (`keras.layers.Dense(8, activation="relu",
 * kernel_initializer="he_normal")`, `keras.layers.BatchNormalization()`,
 * `keras.layers.Activation("relu")`, `keras.layers.Dropout(rate=0.2)`, regularizers, max-norm,
 * the optimizer call), plus downloads of the full reproducing scripts from the export API.
 */

import { errorText, t } from "./i18n.js";
import { kerasCode } from "./keras_code.js";
import { outputActivation, resolvedLoss, taskOf } from "./mlp_experiment.js";
import { pyFloat } from "./state.js";

const WIDTH = 88;

/** `head(a, b, …)tail`, continued on lines indented four more spaces when too long. */
function wrapCall(indent, head, args, tail = "") {
  const one = `${indent}${head}(${args.join(", ")})${tail}`;
  if (one.length <= WIDTH || args.length < 2) return one;
  const lines = [];
  let line = `${indent}${head}(${args[0]},`;
  for (const [i, arg] of args.slice(1).entries()) {
    const last = i === args.length - 2;
    const piece = `${arg}${last ? `)${tail}` : ","}`;
    if (line.length + 1 + piece.length > WIDTH) {
      lines.push(line);
      line = `${indent}    ${piece}`;
    } else {
      line += ` ${piece}`;
    }
  }
  lines.push(line);
  return lines.join("\n");
}

function regularizerCode(reg) {
  if (reg.name === "l1") return `keras.regularizers.l1(${pyFloat(reg.l1)})`;
  if (reg.name === "l2") return `keras.regularizers.l2(${pyFloat(reg.l2)})`;
  return `keras.regularizers.l1_l2(l1=${pyFloat(reg.l1)}, l2=${pyFloat(reg.l2)})`;
}

/** The lines of one hidden block, as `build_block` in the core builds it. */
function blockLines(layer, initName) {
  const before = layer.batch_normalization === "before";
  const args = [String(layer.units)];
  if (!before && layer.activation !== "linear") args.push(`activation="${layer.activation}"`);
  if (initName) args.push(`kernel_initializer=${initName}`);
  if (before) args.push("use_bias=False");
  if (layer.kernel_regularizer) args.push(`kernel_regularizer=${regularizerCode(layer.kernel_regularizer)}`);
  if (layer.max_norm !== null && layer.max_norm !== undefined) {
    args.push(`kernel_constraint=keras.constraints.max_norm(${pyFloat(layer.max_norm)})`);
  }
  const lines = [wrapCall("    ", "keras.layers.Dense", args, ",")];
  if (before) {
    lines.push("    keras.layers.BatchNormalization(),");
    lines.push(`    keras.layers.Activation("${layer.activation}"),`);
  } else if (layer.batch_normalization === "after") {
    lines.push("    keras.layers.BatchNormalization(),");
  }
  if (layer.dropout > 0) lines.push(`    keras.layers.Dropout(rate=${pyFloat(layer.dropout)}),`);
  return lines;
}

/**
 * The Keras 3 code of `experiment`. `ctx`: `catalog` (the schema's optimizers), `order` (the
 * optimizer's argument order), `outputs` (units of the output layer), `rules` (the schema's
 * MLP rules: losses, output activations, each feature's NumPy code).
 */
export function kerasModelCode(experiment, { catalog, order, outputs, rules }) {
  const loss = resolvedLoss(experiment, rules);
  const task = taskOf(experiment, rules);
  const featureCode = Object.fromEntries(rules.features.map((f) => [f.name, f.code]));
  const lines = ["import keras", "import numpy as np", ""];
  if (experiment.dtype === "float64") lines.push('keras.config.set_floatx("float64")', "");
  lines.push(`# ${t("mlp.code_inputs")}`);
  lines.push(`X = np.column_stack([${experiment.features.map((f) => featureCode[f]).join(", ")}])`, "");

  const inits = [];
  const initFor = (layer) => {
    if (layer.kernel_initializer === "glorot_uniform") return null; // Keras' default
    if (layer.kernel_initializer !== "variance_scaling") return `"${layer.kernel_initializer}"`;
    const vs = layer.variance_scaling ?? { scale: 1.0, mode: "fan_in", distribution: "truncated_normal" };
    const name = `init_${inits.length + 1}`;
    inits.push(wrapCall("", `${name} = keras.initializers.VarianceScaling`,
      [`scale=${pyFloat(vs.scale)}`, `mode="${vs.mode}"`, `distribution="${vs.distribution}"`]));
    return name;
  };
  const body = experiment.layers.flatMap((layer) => blockLines(layer, initFor(layer)));
  if (inits.length) lines.push(...inits, "");
  lines.push("model = keras.Sequential([");
  lines.push(`    keras.Input(shape=(${experiment.features.length},)),`);
  lines.push(...body);
  const outActivation = outputActivation(experiment, rules);
  lines.push(`    keras.layers.Dense(${outputs}${outActivation === "linear" ? "" : `, activation="${outActivation}"`}),`);
  lines.push("])", "");

  const optimizer = kerasCode(experiment.optimizer, catalog, order, WIDTH - "optimizer = ".length).split("\n");
  const head = optimizer.findIndex((line) => line.startsWith("keras.optimizers."));
  optimizer[head] = `optimizer = ${optimizer[head]}`;
  lines.push(...optimizer);
  const metrics = task === "regression" ? "[keras.metrics.R2Score()]" : '["accuracy"]';
  lines.push(wrapCall("", "model.compile", ["optimizer=optimizer", `loss="${loss}"`, `metrics=${metrics}`]));
  if (task === "multiclass") {
    lines.push(`y_train = keras.utils.to_categorical(y_train, ${outputs})  # ${t("mlp.code_one_hot")}`);
  }
  const fit = ["X_train", "y_train", `batch_size=${experiment.batch_size}`, `epochs=${experiment.epochs}`];
  if (!experiment.shuffle) fit.push("shuffle=False");
  fit.push("validation_data=(X_test, y_test)");
  lines.push(wrapCall("", "history = model.fit", fit));

  const dropout = experiment.layers.some((l) => l.dropout > 0);
  if (experiment.mc_passes > 0 && dropout) {
    const many = t("mlp.code_estimates");
    const one = t("mlp.code_estimate");
    lines.push("", `# ${t("mlp.code_mc", { n: experiment.mc_passes })}`);
    lines.push(`${many} = np.stack([model(X, training=True) for _ in range(${experiment.mc_passes})])`);
    lines.push(`${one} = ${many}.mean(axis=0)`);
  }
  return lines.join("\n");
}

/** Ask the export API for a script, commented in `lang`, and hand it to the browser as a download. */
export async function downloadScript(kind, experiment, lang) {
  const response = await fetch(`/api/mlp/export/${kind}?lang=${encodeURIComponent(lang)}`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(experiment),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    const detail = (body.errors ?? []).map(errorText).join("; ");
    throw new Error(detail || `HTTP ${response.status}`);
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `descenso_mlp_${kind}.py`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
