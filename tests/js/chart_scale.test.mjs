import assert from "node:assert/strict";
import { test } from "node:test";

import {
  divergenceMark, emaLog, lastInside, linearRange, logAxis, niceStep, rangeSeries,
} from "../../static/js/chart_scale.js";

const LN2 = Math.log(2);

function visibleTicks(axis) {
  const [low, high] = axis.range.map((r) => 10 ** r);
  return axis.tickvals.filter((v) => v >= low && v <= high);
}

test("a flat loss stuck at ln 2 gets at least three labelled ticks around it", () => {
  const axis = logAxis(Array(50).fill(LN2));
  const ticks = visibleTicks(axis);
  assert.ok(ticks.length >= 3, `ticks ${axis.tickvals}`);
  assert.ok(ticks.some((v) => v < LN2) && ticks.some((v) => v > LN2));
  assert.equal(axis.ticktext.length, axis.tickvals.length);
  assert.ok(axis.ticktext.every((text) => text.length > 0));
});

test("a loss inside one decade gets 1-2-5 or 1…9 ticks, each labelled", () => {
  for (const [low, high] of [[0.3, 0.9], [2, 7], [0.0011, 0.0019], [1.01, 1.02]]) {
    const axis = logAxis([low, high]);
    assert.ok(visibleTicks(axis).length >= 3, `${low}..${high}: ${axis.tickvals}`);
  }
});

test("a loss over many decades is labelled by decades, at most seven of them", () => {
  const axis = logAxis([1e-12, 1e3]);
  const ticks = visibleTicks(axis);
  assert.ok(ticks.length >= 3 && ticks.length <= 8, String(ticks));
  for (const v of ticks) assert.ok(Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9);
  assert.ok(axis.ticktext.includes("10⁻⁶") || axis.ticktext.includes("10⁻⁹"));
});

test("a short chart gets three or four labels, never ticks that touch", () => {
  for (const [low, high] of [[0.6, 0.95], [0.3, 0.9], [LN2, LN2], [0.05, 0.7], [1e-12, 1e3], [2, 7]]) {
    for (const most of [3, 4]) {
      const axis = logAxis([low, high], most);
      const ticks = visibleTicks(axis);
      assert.ok(ticks.length >= 3 && ticks.length <= most, `${low}..${high} (≤ ${most}): ${axis.tickvals}`);
    }
  }
});

test("nothing positive: no log axis", () => {
  assert.equal(logAxis([0, -1, null, NaN]), null);
});

test("the y-range is set by the runs that did not diverge", () => {
  const series = [[1, 0.5, 0.1], [1, 1e6, 1e12], [1, 0.8, 0.4]];
  const kept = rangeSeries(series, [false, true, false]);
  assert.deepEqual(kept, [series[0], series[2]]);
  const axis = logAxis(kept.flat());
  assert.ok(10 ** axis.range[1] < 10, `top ${10 ** axis.range[1]}`);
  // Every run diverged: they all set the range.
  assert.deepEqual(rangeSeries(series, [true, true, true]), series);
});

test("a linear range pads its values and survives a flat series", () => {
  const [low, high] = linearRange([2, 4]);
  assert.ok(low < 2 && high > 4);
  const [a, b] = linearRange([0, 0]);
  assert.ok(a < 0 && b > 0);
});

test("the divergence mark sits at the last finite value, clamped into the range", () => {
  const mark = divergenceMark([0, 1, 2], [1, 1e9, null], [-1, 1], true);
  assert.equal(mark.x, 1);
  assert.equal(mark.value, 1e9);
  assert.ok(Math.abs(mark.y - 10) < 1e-9);
  assert.equal(divergenceMark([0], [null], null, false), null);
});

test("the last point inside the window", () => {
  assert.equal(lastInside([0, 1, 50, 900], [0, 1, 2, 3], [-2, 2, -2, 2]), 1);
  assert.equal(lastInside([5], [5], [-2, 2, -2, 2]), -1);
});

test("EMA smooths in log space, starts at the first value and skips gaps", () => {
  const raw = [1, 100, 1, 100, null, 1];
  const smooth = emaLog(raw, 0.5);
  assert.equal(smooth[0], 1);
  assert.ok(Math.abs(smooth[1] - 10) < 1e-9); // halfway in log10
  assert.equal(smooth[4], null);
  assert.ok(smooth[3] < 100 && smooth[3] > 1);
  const flat = emaLog([3, 3, 3]);
  for (const v of flat) assert.ok(Math.abs(v - 3) < 1e-12);
});

test("round steps are 1, 2 or 5 times a power of ten", () => {
  assert.equal(niceStep(0.03), 0.05);
  assert.equal(niceStep(1.5), 2);
  assert.equal(niceStep(7), 10);
});
