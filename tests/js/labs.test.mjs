import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { activationColour, spikeScale } from "../../static/js/activation_charts.js";
import { perLayerFactor } from "../../static/js/init_charts.js";

const schemas = JSON.parse(readFileSync(process.env.DESCENSO_SCHEMAS, "utf-8"));
const menu = schemas.activations.experiment.find((f) => f.name === "activations").options;

test("every activation of the served menu gets its own colour", () => {
  const colours = menu.map((name) => activationColour(menu, name));
  assert.equal(new Set(colours).size, menu.length);
});

test("a spike (relu's dead zeros) stops the axis above the other bins and is labelled", () => {
  const relu = [0, 0.5, 0.1, 0.08, 0.05];
  const tanh = [0.1, 0.2, 0.3, 0.2, 0.2];
  const { yaxis, annotations } = spikeScale([relu, tanh], [0, 1, 2, 3, 4], ["#000", "#111"]);
  assert.ok(Math.abs(yaxis.range[1] - 0.3 * 1.3) < 1e-12);
  assert.equal(annotations.length, 1);
  assert.equal(annotations[0].x, 1);
  assert.deepEqual(spikeScale([tanh], [0, 1, 2, 3, 4], ["#000"]), {});
});

test("the per-layer factor of a std that shrinks by 0.8 each layer is 0.8", () => {
  const stds = Array.from({ length: 20 }, (_, i) => 0.6 * 0.8 ** i);
  assert.ok(Math.abs(perLayerFactor(stds) - 0.8) < 1e-12);
  assert.equal(perLayerFactor([0, 0, 0]), null);
  assert.equal(perLayerFactor([1]), null);
});
