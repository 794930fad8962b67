import assert from "node:assert/strict";
import { test } from "node:test";

import { surfaceScene } from "../../static/js/surface_3d.js";

const identity = { apply: (v) => v, low: 0, high: 10, log: false };
const grid = { x: [0, 1], y: [0, 1], colour: [[0, 1], [1, 10]], transform: identity,
               window: [0, 1, 0, 1], surface: { name: "sphere" } };

test("the 3D scene lifts each enabled run's path just above the surface, skipping the others", () => {
  const runs = [{ enabled: true, label: "SGD", color: "#000000" },
                { enabled: false, label: "Adam", color: "#0072B2" }];
  const paths = [{ x: [0, 1], y: [0, 1], f: [5, 0] }, { x: [0], y: [0], f: [5] }];
  const { traces, layout } = surfaceScene(grid, runs, paths);
  assert.equal(traces.length, 2); // the surface and SGD's path
  assert.equal(traces[1].name, "SGD");
  assert.deepEqual(traces[1].z, [5 + 0.15, 0.15]); // 1.5 % of the colour range above
  assert.deepEqual(layout.scene.xaxis.range, [0, 1]);
});
