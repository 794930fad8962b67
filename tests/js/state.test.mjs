import assert from "node:assert/strict";
import { test } from "node:test";

import { applies, encodePairs, pyFloat, queryString } from "../../static/js/state.js";

test("pyFloat writes floats as Python's repr", () => {
  const cases = [[0.05, "0.05"], [10, "10.0"], [1e-5, "1e-05"], [1.5e16, "1.5e+16"], [0, "0.0"],
    [-0, "-0.0"], [-2.5, "-2.5"], [123456.0, "123456.0"], [1e-4, "0.0001"], [Infinity, "inf"],
    [-Infinity, "-inf"], [NaN, "nan"], [0.1 + 0.2, "0.30000000000000004"], [1e15, "1000000000000000.0"]];
  for (const [value, text] of cases) assert.equal(pyFloat(value), text, `pyFloat(${value})`);
});

const FIELDS = [
  { name: "surface", url: "f", type: "enum" },
  { name: "steps", url: "n", type: "int" },
  { name: "noise", url: "sig", type: "float" },
  { name: "start", url: "x0", type: "list", items: "float" },
  { name: "nested", url: "", type: "model", fields: [{ name: "on", url: "on", type: "bool" }] },
  { name: "runs", url: "r", type: "models", fields: [{ name: "optimizer", url: "o", type: "enum" }] },
  { name: "expression", url: "expr", type: "text" },
];

test("encodePairs walks the schema once: keys, nesting, lists of models, skipped nulls", () => {
  const pairs = encodePairs(FIELDS, {
    surface: "custom", steps: 150.7, noise: 1, start: [1, -0.5], nested: { on: false },
    runs: [{ optimizer: "sgd" }, { optimizer: "adam" }], expression: null,
  });
  assert.deepEqual(pairs, [["f", "custom"], ["n", "150"], ["sig", "1.0"], ["x0", "1.0,-0.5"],
    ["on", "0"], ["r0.o", "sgd"], ["r1.o", "adam"]]);
  assert.deepEqual(encodePairs(FIELDS.slice(5, 6), { runs: [] }), [["r", "0"]]);
});

test("queryString percent-encodes but keeps commas readable", () => {
  assert.equal(queryString([["expr", "x^2 + y"], ["x0", "1.0,2.0"]]), "expr=x%5E2%20%2B%20y&x0=1.0,2.0");
});

test("applies reads a field's when condition", () => {
  const kappa = { name: "k", when: { surface: ["quadratic"] } };
  assert.equal(applies(kappa, { surface: "quadratic" }), true);
  assert.equal(applies(kappa, { surface: "rosenbrock" }), false);
  assert.equal(applies({ name: "steps" }, {}), true);
});
