import assert from "node:assert/strict";
import { test } from "node:test";

import { DrawScheduler } from "../../static/js/draw.js";
import { Store } from "../../static/js/store.js";

test("patch merges one level deep, writes the link, then tells every panel", () => {
  const written = [];
  const seen = [];
  const store = new Store({ experiment: { steps: 1, runs: [1] }, hide: [] }, {
    link: (s) => `n=${s.experiment.steps}&hide=${s.hide.join(",")}`, write: (q) => written.push(q),
  });
  const experiment = store.state.experiment;
  store.subscribe((changes, meta, state) => seen.push([changes, meta, state.experiment.steps, written.length]));
  store.patch({ experiment: { steps: 5 }, hide: ["seed"] }, { commit: false });
  assert.equal(store.state.experiment, experiment, "a panel holding the experiment sees the change");
  assert.deepEqual(store.state.experiment, { steps: 5, runs: [1] });
  assert.deepEqual(written, ["n=5&hide=seed"]);
  assert.deepEqual(seen, [[{ experiment: { steps: 5 }, hide: ["seed"] }, { commit: false }, 5, 1]]);
});

test("an unsubscribed panel is not told", () => {
  const store = new Store({ a: 1 });
  let calls = 0;
  const off = store.subscribe(() => { calls += 1; });
  store.patch({ a: 2 });
  off();
  store.patch({ a: 3 });
  assert.equal(calls, 1);
  assert.equal(store.writeLink(), "", "no link function: nothing written");
});

test("the draw scheduler coalesces requests and never re-enters a running draw", async () => {
  const frames = [];
  let release;
  let draws = 0;
  const scheduler = new DrawScheduler(async () => {
    draws += 1;
    await new Promise((resolve) => { release = resolve; });
  }, { frame: (callback) => frames.push(callback) });
  scheduler.queue();
  scheduler.queue();
  assert.equal(frames.length, 1);
  const first = frames.shift()();
  assert.equal(draws, 1);
  scheduler.queue(); // while drawing
  frames.shift()(); // its frame comes while the first draw still runs: it is put off
  assert.equal(draws, 1);
  assert.equal(frames.length, 1);
  release();
  await first;
  const second = frames.shift()();
  assert.equal(draws, 2);
  release();
  await second;
  assert.equal(scheduler.count, 2);
});
