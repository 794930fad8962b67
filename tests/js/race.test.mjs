import assert from "node:assert/strict";
import { test } from "node:test";

import { Race, RaceCache, experimentKeys } from "../../static/js/race.js";

const experiment = () => ({ surface: "rosenbrock", steps: 3, runs: [{ optimizer: "sgd", learning_rate: 0.1 }, { optimizer: "adam", learning_rate: 0.1 }] });

function frame(runs, { from = 0, step = 2, done = true } = {}) {
  return { from, step, done, runs: runs.map((points) => ({ points, losses: points.map(() => 1), status: "ok", summary: {} })) };
}

function completeRace(exp) {
  const race = new Race({ gen: 1, keys: experimentKeys(exp), previous: new Race() });
  race.addFrame(frame([[[0, 0], [1, 1]], [[2, 2], [3, 3]]]));
  return race;
}

test("a race appends each run's points with their step numbers", () => {
  const race = completeRace(experiment());
  assert.deepEqual(race.paths[0], { x: [0, 1], y: [0, 1], f: [1, 1], steps: [0, 1] });
  assert.equal(race.done, true);
  assert.equal(race.playing, false);
});

test("the cache switches off unchanged runs and reuses their paths", () => {
  const cache = new RaceCache();
  cache.remember(completeRace(experiment()));
  const changed = experiment();
  changed.runs[1].learning_rate = 0.2;
  const plan = cache.plan(changed, "instant");
  assert.deepEqual([...plan.reuse.keys()], [0]);
  assert.equal(plan.experiment.runs[0].enabled, false);
  assert.equal(plan.experiment.runs[1].learning_rate, 0.2);
  assert.equal(changed.runs[0].enabled, undefined, "the page's experiment is not changed");
  const race = new Race({ gen: 2, keys: plan.keys, reuse: plan.reuse, previous: new Race() });
  race.addFrame(frame([[], [[5, 5]]], { step: 1 }));
  assert.deepEqual(race.paths[0].x, [0, 1]);
  assert.deepEqual(race.paths[1].x, [5]);
});

test("the cache reuses nothing across a global change, a playing race or after forget", () => {
  const cache = new RaceCache();
  cache.remember(completeRace(experiment()));
  assert.equal(cache.plan({ ...experiment(), steps: 4 }, "instant").reuse, null);
  assert.equal(cache.plan(experiment(), "play").reuse, null);
  cache.forget();
  assert.equal(cache.plan(experiment(), "instant").reuse, null);
});
