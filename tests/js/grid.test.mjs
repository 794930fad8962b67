import assert from "node:assert/strict";
import { test } from "node:test";

import { GridLoader, decodeFloat32, decodeGrid, gridQuery } from "../../static/js/grid.js";

function b64(values) {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

test("base64 float32 decodes to numbers, with ±inf and NaN as gaps", () => {
  assert.deepEqual(decodeFloat32(b64([1.5, -2, Infinity, -Infinity, NaN, 3.4e38])), [1.5, -2, null, null, null, Math.fround(3.4e38)]);
  assert.deepEqual(decodeGrid({ z: b64([1, 2, 3, 4, 5, 6]), nx: 3, ny: 2 }), [[1, 2, 3], [4, 5, 6]]);
});

test("the grid query names only what the surface uses", () => {
  assert.equal(gridQuery({ surface: "rosenbrock", condition_number: 10 }), "surface=rosenbrock&n=120");
  assert.equal(gridQuery({ surface: "quadratic", condition_number: 10 }), "surface=quadratic&n=120&condition_number=10");
  assert.equal(gridQuery({ surface: "custom", expression: "x^2", window: [-1, 1, -2, 2] }),
    "surface=custom&n=120&expression=x%5E2&xmin=-1&xmax=1&ymin=-2&ymax=2");
});

test("the loader fetches each distinct grid once and reports a bad formula", async () => {
  const urls = [];
  const loader = new GridLoader(async (url) => {
    urls.push(url);
    const bad = url.includes("custom");
    return { ok: !bad, json: async () => (bad ? { errors: [{ field: "expression" }] } : { z: "" }) };
  });
  const first = await loader.load({ surface: "sphere" });
  assert.deepEqual(first, { grid: { z: "" } });
  assert.equal(await loader.load({ surface: "sphere" }), first);
  assert.deepEqual(await loader.load({ surface: "custom", expression: "x^" }), { errors: [{ field: "expression" }] });
  assert.equal(urls.length, 2);
});
