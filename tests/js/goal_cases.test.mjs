// static/js/lesson_goals.js on the goal cases shared with app/lessons/goals.py
// (tests/lessons/goal_cases.json, judged in Python by tests/lessons/test_goal_cases.py). The
// pytest runner (test_node_units.py) writes them into DESCENSO_GOAL_CASES with each goal as the
// player receives it; each case's run (in the API's shape) becomes what the page's debug handle
// holds: a race's paths and states, or a training's epochs and status.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { judge, raceSeries, trainingSeries } from "../../static/js/lesson_goals.js";

const cases = process.env.DESCENSO_GOAL_CASES
  ? JSON.parse(readFileSync(process.env.DESCENSO_GOAL_CASES, "utf8"))
  : null;
const needCases = cases ? {} : { skip: "DESCENSO_GOAL_CASES not set (run through pytest)" };

const NON_FINITE = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
const decoded = (values) => values.map((v) => (typeof v === "string" ? NON_FINITE[v] : v));

/** The stream's series of the case's run, as the page's race or training holds it. */
function seriesOf({ page, result }) {
  if (page === "surface") {
    return raceSeries({
      paths: result.runs.map((run) => ({ f: decoded(run.losses) })),
      states: result.runs.map((run) => ({ status: run.status })),
    });
  }
  const epochs = result.epochs.map((epoch) => Object.fromEntries(
    Object.entries(epoch).map(([metric, v]) => [metric, decoded([v])[0]])));
  return trainingSeries({ epochs, status: result.status });
}

test("lesson_goals.js judges every shared goal case as expected, at the end and while running", needCases, () => {
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const series = seriesOf(c);
    assert.equal(judge(c.goal, { series, done: true }), c.expected, `${c.name} (ended)`);
    assert.equal(judge(c.goal, { series, done: false }), c.live, `${c.name} (running)`);
  }
});

test("before the first frame, every goal is pending", needCases, () => {
  for (const c of cases) {
    const series = c.page === "surface" ? raceSeries({ paths: [], states: [] })
      : trainingSeries({ epochs: [], status: "ok" });
    assert.equal(judge(c.goal, { series, done: false }), "pending", c.name);
  }
});
