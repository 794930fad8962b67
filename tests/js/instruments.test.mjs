import assert from "node:assert/strict";
import { test } from "node:test";

import { stepKey } from "../../static/js/anatomy.js";
import { arrowFactor, niceFactor } from "../../static/js/anatomy_layer.js";
import { normalize } from "../../static/js/schedule_chart.js";
import { applyRates, tunedFromLink, tunedIndices, withoutRun } from "../../static/js/tune.js";

test("anatomy keys: ',' and '.' step, not while typing nor with a modifier", () => {
  assert.equal(stepKey({ key: "," }), -1);
  assert.equal(stepKey({ key: "." }), 1);
  assert.equal(stepKey({ key: ".", ctrlKey: true }), 0);
  assert.equal(stepKey({ key: "ArrowRight" }), 0); // keys.js' step
  assert.equal(stepKey({ key: ".", target: { closest: () => ({}) } }), 0);
});

test("arrows keep one factor: 1 when visible, else a round one bringing the longest to sight", () => {
  const window = [-2, 2, -1, 3];
  assert.equal(arrowFactor([[0.4, 0], [0.1, 0.1]], window), 1);
  assert.equal(niceFactor(37), 20);
  assert.equal(niceFactor(0.7), 0.5);
  const factor = arrowFactor([[1e-4, 0], null, [0, 2e-5]], window);
  assert.ok(factor * 1e-4 / 4 > 0.03 && factor * 1e-4 / 4 <= 0.16, String(factor));
  assert.equal(arrowFactor([[0, 0]], window), 1);
});

test("a race's curve marks the points before the first update at a new rate", () => {
  const curve = normalize("/api/schedule", { learning_rate: [1, 1, 0.5, 0.5, 0.1] });
  assert.deepEqual(curve.x, [1, 2, 3, 4, 5]);
  assert.deepEqual(curve.changes, [2, 4]);
  assert.equal(curve.axis, "step");
});

test("an MLP curve is in epochs, its changes from the server", () => {
  const curve = normalize("/api/mlp/schedule", {
    steps_per_epoch: 10, total_steps: 100, updates: [1, 50, 51, 100], learning_rate: [1, 1, 0.5, 0.5], changes: [51],
  });
  assert.deepEqual(curve.x, [0.1, 5, 5.1, 10]);
  assert.deepEqual(curve.changes, [5]);
  assert.equal(curve.end, 10);
});

test("tuned rates apply to tuned runs only, and the mark goes when η moves", () => {
  const runs = [{ optimizer: "sgd", learning_rate: 0.001 }, { optimizer: "adam", learning_rate: 0.1 }, { optimizer: "sgd", learning_rate: 1 }];
  const results = [{ optimizer: "sgd", learning_rate: 0.003, status: "tuned" }, { optimizer: "adam", learning_rate: 0.1, status: "off" },
    { optimizer: "sgd", learning_rate: 0.1, status: "diverged" }];
  const applied = applyRates(runs, results);
  assert.deepEqual(applied.map((r) => r.learning_rate), [0.003, 0.1, 1]);
  const tuned = new Map([[0, { optimizer: "sgd", learning_rate: 0.003 }]]);
  assert.deepEqual(tunedIndices(applied, tuned), [0]);
  applied[0] = { ...applied[0], learning_rate: 0.004 };
  assert.deepEqual(tunedIndices(applied, tuned), []);
});

test("a link's tuned runs are marked at their η; a removed run's marks move up", () => {
  const runs = [{ optimizer: "sgd", learning_rate: 0.01 }, { optimizer: "adam", learning_rate: 0.2 }, { optimizer: "rmsprop", learning_rate: 0.3 }];
  const tuned = tunedFromLink(runs, [0, 2, 7]); // 7: no such run
  assert.deepEqual([...tuned.keys()], [0, 2]);
  assert.deepEqual(tunedIndices(runs, tuned), [0, 2]);
  const left = withoutRun(tuned, 1);
  assert.deepEqual(tunedIndices([runs[0], runs[2]], left), [0, 1]);
  assert.deepEqual(tunedIndices([runs[0], runs[2]], withoutRun(tuned, 0)), [1]);
});
