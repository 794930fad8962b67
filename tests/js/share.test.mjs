import assert from "node:assert/strict";
import { test } from "node:test";

import { mapCsv, mapJson, toCsv } from "../../static/js/downloads.js";
import { embedCode, embedUrl, escapeAttribute, qrSource } from "../../static/js/share.js";

function b64(values) {
  return Buffer.from(new Float32Array(values).buffer).toString("base64");
}

test("the embed link adds embed=1 once and keeps present= and hide= as written", () => {
  assert.equal(embedUrl("http://h:1/surface?lang=es&hide=loss,steps&present=1#x"),
    "http://h:1/surface?lang=es&hide=loss,steps&present=1&embed=1");
  assert.equal(embedUrl("http://h:1/mlp?embed=0&lang=en"), "http://h:1/mlp?lang=en&embed=1");
  assert.equal(embedUrl("http://h:1/mlp?lang=en&embed=1"), "http://h:1/mlp?lang=en&embed=1");
  assert.equal(embedUrl("http://h:1/map"), "http://h:1/map?embed=1");
  assert.equal(embedUrl("http://h:1/map?embedded=2"), "http://h:1/map?embedded=2&embed=1");
});

test("the embed code is an escaped iframe, projector-shaped in presentation mode", () => {
  const code = embedCode("http://h:1/surface?lang=es&f=x<1", 'De "scenso"');
  assert.match(code, /^<iframe src="http:\/\/h:1\/surface\?lang=es&amp;f=x&lt;1&amp;embed=1" width="960" height="640" loading="lazy" style="border:0" title="De &quot;scenso&quot;"/);
  assert.match(code, /<\/iframe>$/);
  assert.match(embedCode("http://h:1/surface?present=1", "D"), /width="1280" height="720"/);
  assert.equal(escapeAttribute('a&b"c'), "a&amp;b&quot;c");
});

test("the QR image asks the server for an app-relative link", () => {
  assert.equal(qrSource("/s/AbC123"), "/api/qr?url=%2Fs%2FAbC123");
});

test("CSV fields: decimal points, empty for missing or non-finite, quoted text", () => {
  assert.equal(toCsv(["a", "b"], [[0.5, null], [Infinity, 'x,"y"']]), 'a,b\n0.5,\n,"x,""y"""\n');
});

test("the map's cells as CSV and JSON, grids decoded into rows", () => {
  const json = {
    nx: 2, ny: 2, x: [0.01, 0.1], y: [0.5, 0.9], best_value: 0, start: [1, 1],
    final_loss: b64([0.25, NaN, 0.5, 1]), steps_to_tolerance: b64([3, -1, -1, 7]), diverged_at: b64([-1, 4, -1, -1]),
  };
  assert.equal(mapCsv(json, "beta_1"), [
    "row,col,learning_rate,beta_1,final_loss,steps_to_tolerance,diverged_at",
    "0,0,0.01,0.5,0.25,3,", "0,1,0.1,0.5,,,4", "1,0,0.01,0.9,0.5,,", "1,1,0.1,0.9,1,7,", ""].join("\n"));
  const decoded = mapJson(json, "beta_1");
  assert.deepEqual(decoded.final_loss, [[0.25, null], [0.5, 1]]);
  assert.deepEqual(decoded.steps_to_tolerance, [[3, null], [null, 7]]);
  assert.deepEqual(decoded.diverged_at, [[null, 4], [null, null]]);
  assert.equal(decoded.second, "beta_1");
  assert.deepEqual(decoded.x, [0.01, 0.1]);
});
