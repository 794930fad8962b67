import assert from "node:assert/strict";
import { test } from "node:test";

import { landscapeTouched, requestFor } from "../../static/js/landscape.js";
import { needSchemas, schemas } from "./schemas.mjs";

const STATE = { view: "slice", mode: "random", dims: 2, grid: 51, span: 1, bias: "keep", data: "test", seed: 3, other: "initial", other_seed: 1,
  other_optimizer: "sgd", other_learning_rate: 0.05, other_batch_size: 32 };
const EXPERIMENT = { seed: 0, epochs: 10, batch_size: 10,
  optimizer: { optimizer: "adam", learning_rate: 0.01, beta_1: 0.8, schedule: { name: "cosine", decay_steps: 50 } } };

test("each view asks its route with the settings it reads", () => {
  assert.deepEqual(requestFor("slice", EXPERIMENT, STATE), ["/api/mlp/landscape",
    { experiment: EXPERIMENT, mode: "random", dims: 2, grid: 51, span: 1, data: "test", bias: "keep", seed: 3 }]);
  assert.deepEqual(requestFor("pca", EXPERIMENT, STATE), ["/api/mlp/landscape",
    { experiment: EXPERIMENT, mode: "pca", dims: 2, grid: 51, span: 1, data: "test" }]);
  assert.deepEqual(requestFor("interpolate", EXPERIMENT, STATE), ["/api/mlp/interpolate", { experiment: EXPERIMENT, other: null }]);
  assert.deepEqual(requestFor("interpolate", EXPERIMENT, { ...STATE, other: "seed", other_seed: 7 })[1].other, { ...EXPERIMENT, seed: 7 });
  // another optimizer: its Keras defaults (Adam's β₁ does not carry over to SGD), η and the schedule do
  assert.deepEqual(requestFor("interpolate", EXPERIMENT, { ...STATE, other: "config" })[1].other, {
    ...EXPERIMENT, batch_size: 32, optimizer: { optimizer: "sgd", learning_rate: 0.05, schedule: { name: "cosine", decay_steps: 50 } } });
  // a pasted link: the server reads it; the page sends it as it was pasted
  assert.deepEqual(requestFor("interpolate", EXPERIMENT, { ...STATE, other: "link" }, "/s/abc"), ["/api/mlp/interpolate",
    { experiment: EXPERIMENT, other_link: "/s/abc" }]);
  assert.deepEqual(requestFor("sharpness", EXPERIMENT, STATE), ["/api/mlp/sharpness", { experiment: EXPERIMENT }]);
});

test("the panel's keys enter the link only once it differs from the served defaults", needSchemas, () => {
  const fields = schemas.mlp.landscape;
  const defaults = Object.fromEntries(fields.map((f) => [f.name, f.default ?? null]));
  assert.equal(landscapeTouched(fields, defaults), false);
  assert.equal(landscapeTouched(fields, { ...defaults, grid: 21 }), true);
  assert.equal(landscapeTouched(fields, { ...defaults, view: "pca" }), true);
});
