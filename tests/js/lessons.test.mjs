import assert from "node:assert/strict";
import { test } from "node:test";

import { judge, raceSeries, trainingSeries } from "../../static/js/lesson_goals.js";
import { blocks, safeHref } from "../../static/js/lesson_markdown.js";

const FEEDBACK = { met: "yes", missed: "no" };

test("markdown blocks: paragraphs join lines, lists, fenced code and math keep their lines", () => {
  const md = "One line\nand the next.\n\n- a\n- b\n\n```python\nx = 1\n  y = 2\n```\n\n```math\nm ← β·m\nθ ← θ + m\n```\n1. first\n2. second";
  assert.deepEqual(blocks(md), [
    { type: "p", lines: ["One line and the next."] },
    { type: "ul", lines: ["a", "b"] },
    { type: "code", lines: ["x = 1", "  y = 2"], lang: "python" },
    { type: "code", lines: ["m ← β·m", "θ ← θ + m"], lang: "math" },
    { type: "ol", lines: ["first", "second"] },
  ]);
});

test("links: only this app's paths and http(s)", () => {
  assert.equal(safeHref("/surface?f=beale"), "/surface?f=beale");
  assert.equal(safeHref("https://distill.pub/2017/momentum/"), "https://distill.pub/2017/momentum/");
  for (const bad of ["javascript:alert(1)", "//evil.example", "data:text/html,x", "vbscript:x"]) {
    assert.equal(safeHref(bad), null, bad);
  }
});

test("goals judged on a race as it streams: reach is live, compare waits for the end", () => {
  const race = { paths: [{ f: [4, 2] }, { f: [4, 1] }], states: [{ status: "ok" }, { status: "ok" }] };
  const series = raceSeries(race);
  const compare = { kind: "compare", run: 1, other: 0, op: "<", metric: "loss", ...FEEDBACK };
  assert.equal(judge(compare, { series, done: false }), "pending");
  assert.equal(judge(compare, { series, done: true }), "met");
  const reach = { kind: "reach", run: 0, metric: "loss", op: "<=", value: 2, ...FEEDBACK };
  assert.equal(judge(reach, { series, done: false }), "met");
  const diverges = { kind: "diverges", run: 0, ...FEEDBACK };
  assert.equal(judge(diverges, { series, done: false }), "pending");
  assert.equal(judge(diverges, { series, done: true }), "missed");
  race.states[0].status = "diverged";
  assert.equal(judge(diverges, { series, done: false }), "met");
  assert.equal(judge({ ...compare, run: 0, other: 1, op: ">" }, { series, done: true }), "met");
});

test("goals judged on a training: final reads the last epoch, null is +∞", () => {
  const training = { epochs: [{ test_loss: 0.9 }, { test_loss: 0.4 }, { test_loss: null }], status: "ok" };
  const series = trainingSeries(training);
  const final = { kind: "final", run: 0, metric: "test_loss", op: ">=", value: 10, ...FEEDBACK };
  assert.equal(judge(final, { series, done: true }), "met");
  const reach = { kind: "reach", run: 0, metric: "test_loss", op: "<=", value: 0.5, ...FEEDBACK };
  assert.equal(judge(reach, { series, done: false }), "met");
  assert.equal(judge({ ...reach, value: 0.1 }, { series, done: true }), "missed");
});
