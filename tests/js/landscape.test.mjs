import assert from "node:assert/strict";
import { test } from "node:test";

import { landscapeTouched, requestFor } from "../../static/js/landscape.js";
import { needSchemas, schemas } from "./schemas.mjs";

const STATE = { view: "slice", mode: "random", dims: 2, grid: 51, span: 1, bias: "keep", data: "test", seed: 3, other_seed: null };
const EXPERIMENT = { seed: 0, epochs: 10 };

test("each view asks its route with the settings it reads", () => {
  assert.deepEqual(requestFor("slice", EXPERIMENT, STATE), ["/api/mlp/landscape",
    { experiment: EXPERIMENT, mode: "random", dims: 2, grid: 51, span: 1, data: "test", bias: "keep", seed: 3 }]);
  assert.deepEqual(requestFor("pca", EXPERIMENT, STATE), ["/api/mlp/landscape",
    { experiment: EXPERIMENT, mode: "pca", dims: 2, grid: 51, span: 1, data: "test" }]);
  assert.deepEqual(requestFor("interpolate", EXPERIMENT, STATE), ["/api/mlp/interpolate", { experiment: EXPERIMENT, other: null }]);
  assert.deepEqual(requestFor("interpolate", EXPERIMENT, { ...STATE, other_seed: 7 })[1].other, { seed: 7, epochs: 10 });
  assert.deepEqual(requestFor("sharpness", EXPERIMENT, STATE), ["/api/mlp/sharpness", { experiment: EXPERIMENT }]);
});

test("the panel's keys enter the link only once it differs from the served defaults", needSchemas, () => {
  const fields = schemas.mlp.landscape;
  const defaults = Object.fromEntries(fields.map((f) => [f.name, f.default ?? null]));
  assert.equal(landscapeTouched(fields, defaults), false);
  assert.equal(landscapeTouched(fields, { ...defaults, grid: 21 }), true);
  assert.equal(landscapeTouched(fields, { ...defaults, view: "pca" }), true);
});
