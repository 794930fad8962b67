import assert from "node:assert/strict";
import { test } from "node:test";

import { APPLY_ALL, applyToAll } from "../../static/js/mlp_builder.js";

const layers = () => [
  { units: 8, activation: "relu", kernel_initializer: "variance_scaling", variance_scaling: { scale: 2, mode: "fan_in", distribution: "truncated_normal" },
    batch_normalization: "before", dropout: 0.2, kernel_regularizer: { name: "l2", l1: 0, l2: 0.01 }, max_norm: 1 },
  { units: 4, activation: "tanh", kernel_initializer: "zeros", variance_scaling: null,
    batch_normalization: "none", dropout: 0, kernel_regularizer: null, max_norm: null },
  { units: 2, activation: "sigmoid", kernel_initializer: "he_normal", variance_scaling: null,
    batch_normalization: "after", dropout: 0.5, kernel_regularizer: null, max_norm: 3 },
];

test("apply to all copies one setting (and only it) from one layer to every layer", () => {
  for (const setting of Object.keys(APPLY_ALL)) {
    const before = layers();
    const after = applyToAll(before, 0, setting);
    assert.equal(after.length, before.length);
    after.forEach((layer, i) => {
      for (const name of Object.keys(layer)) {
        const expected = APPLY_ALL[setting].includes(name) ? before[0][name] : before[i][name];
        assert.deepEqual(layer[name], expected, `${setting}: layer ${i} ${name}`);
      }
    });
    assert.deepEqual(before, layers(), "the input is not changed");
  }
});

test("the initializer travels with its variance-scaling settings; copies are independent", () => {
  const after = applyToAll(layers(), 0, "kernel_initializer");
  assert.ok(after.every((l) => l.kernel_initializer === "variance_scaling" && l.variance_scaling.scale === 2));
  after[1].variance_scaling.scale = 5;
  assert.equal(after[2].variance_scaling.scale, 2);
  assert.ok(applyToAll(layers(), 1, "max_norm").every((l) => l.max_norm === null));
});
