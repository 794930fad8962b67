import assert from "node:assert/strict";
import { test } from "node:test";

import { kerasCode } from "../../static/js/keras_code.js";
import { kerasModelCode } from "../../static/js/mlp_code.js";
import {
  outputActivation, pointsTask, resolveOptimizer, resolvedLoss, structureKey, switchOptimizer, taskOf,
} from "../../static/js/mlp_experiment.js";
import { trainableParameters } from "../../static/js/mlp_network.js";
import { needSchemas, schemas } from "./schemas.mjs";

const RULES = {
  dataset_task: { spiral: "binary", blobs: "multiclass", reg_plane: "regression", csv: "binary" },
  losses_for_task: { binary: ["binary_crossentropy", "mean_squared_error"], multiclass: ["categorical_crossentropy"], regression: ["mean_squared_error"] },
  output_activation: { binary_crossentropy: "sigmoid", categorical_crossentropy: "softmax", mean_squared_error: "linear" },
  continues: ["optimizer", "epochs"], max_label_classes: 10,
  features: [{ name: "x1", code: "x1" }, { name: "x1_sq", code: "x1 ** 2" }],
};

test("the task, loss and output activation follow the served rules", () => {
  const experiment = (name, extra = {}) => ({ dataset: { name, points: null }, loss: null, ...extra });
  assert.equal(taskOf(experiment("blobs"), RULES), "multiclass");
  assert.equal(resolvedLoss(experiment("reg_plane"), RULES), "mean_squared_error");
  assert.equal(outputActivation(experiment("spiral"), RULES), "sigmoid");
  assert.equal(outputActivation(experiment("spiral", { loss: "mean_squared_error" }), RULES), "linear");
  const points = (labels) => labels.map((y, i) => [i, i, y]);
  assert.equal(taskOf({ dataset: { name: "csv", points: points([0, 1, 2]) } }, RULES), "multiclass");
  assert.equal(pointsTask(points([0, 1, 0]), RULES), "binary");
  assert.equal(pointsTask(points([0.5, 1]), RULES), "regression");
  assert.equal(pointsTask(points([...Array(11).keys()]), RULES), "regression");
});

test("only the fields the server continues leave the structure unchanged", () => {
  const base = { epochs: 5, optimizer: { optimizer: "adam" }, seed: 0 };
  assert.equal(structureKey({ ...base, epochs: 9, optimizer: { optimizer: "sgd" } }, RULES), structureKey(base, RULES));
  assert.notEqual(structureKey({ ...base, seed: 1 }, RULES), structureKey(base, RULES));
});

test("the served rules cover every data set and loss the schema offers", needSchemas, () => {
  const { rules, experiment } = schemas.mlp;
  const dataset = experiment.find((f) => f.name === "dataset").fields.find((f) => f.name === "name");
  assert.deepEqual(Object.keys(rules.dataset_task).sort(), [...dataset.options].sort());
  const loss = experiment.find((f) => f.name === "loss");
  assert.deepEqual(Object.keys(rules.output_activation).sort(), [...loss.options].sort());
});

test("the Keras code of the default network uses the served feature code", needSchemas, () => {
  const schema = schemas.mlp;
  const experiment = structuredClone(schema.default);
  experiment.features = ["x1", "x2", "x1_sq", "sin_x2"];
  const code = kerasModelCode(experiment, {
    catalog: schema.optimizers, order: schema.experiment.find((f) => f.name === "optimizer").fields.map((f) => f.name),
    outputs: 1, rules: schema.rules,
  });
  assert.match(code, /X = np\.column_stack\(\[x1, x2, x1 \*\* 2, np\.sin\(x2\)\]\)/);
  assert.match(code, /keras\.Input\(shape=\(4,\)\)/);
  assert.match(code, /keras\.layers\.Dense\(1, activation="sigmoid"\)/);
  assert.match(code, /loss="binary_crossentropy"/);
});

test("an optimizer's Keras call names only what differs from its defaults", needSchemas, () => {
  const catalog = schemas.surface.optimizers;
  const adam = schemas.surface.default.runs.find((r) => r.optimizer === "adam");
  const sgd = switchOptimizer(resolveOptimizer({ ...adam, learning_rate: 0.05 }, catalog), "sgd", catalog);
  assert.equal(sgd.beta_1, null, "switching clears what SGD does not take");
  assert.equal(kerasCode(sgd, catalog), "keras.optimizers.SGD(learning_rate=0.05)");
  const momentum = { ...sgd, momentum: 0.9 };
  assert.equal(kerasCode(momentum, catalog), "keras.optimizers.SGD(\n    learning_rate=0.05, momentum=0.9)");
});

test("trainable parameters count dense weights, biases and BatchNorm's γ and β", () => {
  const layer = (units, bn = "none") => ({ units, batch_normalization: bn });
  assert.equal(trainableParameters({ features: ["x1", "x2"], layers: [layer(4)] }, 1), 2 * 4 + 4 + 5);
  assert.equal(trainableParameters({ features: ["x1"], layers: [layer(3, "before")] }, 2), 3 + 6 + 4 * 2);
});

test("the training panel draws every top-level setting the schema serves", needSchemas, async () => {
  const { trainingFields } = await import("../../static/js/mlp_optimizer.js");
  const names = trainingFields(schemas.mlp.experiment).map((f) => f.name);
  assert.deepEqual(names, ["batch_size", "epochs", "shuffle", "seed", "dtype", "grid", "mc_passes"]);
  const added = [...schemas.mlp.experiment, { name: "label_smoothing", type: "float", ge: 0, le: 1 }];
  assert.ok(trainingFields(added).some((f) => f.name === "label_smoothing"));
});
