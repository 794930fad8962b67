/**
 * A step's goal judged on what the instrument's stream has delivered so far — the same rules as
 * app/lessons/goals.py, which judges whole runs from the API: `reach` is met by any frame,
 * `final` and `compare` are judged when the run ends, `diverges` when the run diverges. A
 * diverged run's loss (or a value that is not finite) counts as +∞. A run with nothing to judge
 * (not on the stream yet, switched off, no value) meets no goal. Both sides are tested on the same
 * cases: tests/lessons/goal_cases.json.
 */

const OPS = {
  ">=": (a, b) => a >= b, "<=": (a, b) => a <= b, ">": (a, b) => a > b, "<": (a, b) => a < b,
};

const number = (v) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? Infinity : Number(v));

/** The run's last value, +∞ if it diverged, null if it has none to judge. */
function finalValue({ values, status }) {
  if (status === "diverged") return Infinity;
  return values.length === 0 ? null : number(values[values.length - 1]);
}

/**
 * "met", "missed" or "pending". `series(metric, run)` gives `{values, status}` of a run so
 * far; `done` says the run has ended. Pure.
 */
export function judge(goal, { series, done }) {
  const own = series(goal.metric ?? "loss", goal.run);
  if (goal.kind === "diverges") return own.status === "diverged" ? "met" : done ? "missed" : "pending";
  if (goal.kind === "reach") {
    const hit = own.values.some((v) => Number.isFinite(Number(v)) && v !== null && OPS[goal.op](Number(v), goal.value));
    return hit ? "met" : done ? "missed" : "pending";
  }
  if (!done) return "pending";
  const final = finalValue(own);
  if (goal.kind === "compare") {
    const other = finalValue(series(goal.metric ?? "loss", goal.other));
    return final !== null && other !== null && OPS[goal.op](final, other) ? "met" : "missed";
  }
  return final !== null && OPS[goal.op](final, goal.value) ? "met" : "missed";
}

/** What a surface page's race (its debug handle's `race`) has shown: per run, losses and status. */
export function raceSeries(race) {
  return (metric, run) => ({
    values: race.paths[run]?.f ?? [],
    status: race.states[run]?.status ?? "absent",
  });
}

/** What an MLP page's training (its debug handle's `run`) has shown, epoch by epoch. */
export function trainingSeries(training) {
  return (metric) => ({ values: training.epochs.map((e) => e[metric]), status: training.status });
}
