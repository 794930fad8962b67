/**
 * A step's goal judged on what the instrument's stream has delivered so far — the same rules as
 * app/lessons/goals.py, which judges whole runs from the API: `reach` is met by any frame,
 * `final` and `compare` are judged when the run ends, `diverges` when the run diverges. A
 * diverged run's loss (or a value that is not finite) counts as +∞.
 */

const OPS = {
  ">=": (a, b) => a >= b, "<=": (a, b) => a <= b, ">": (a, b) => a > b, "<": (a, b) => a < b,
};

const number = (v) => (v === null || v === undefined || !Number.isFinite(Number(v)) ? Infinity : Number(v));

function finalValue({ values, status }) {
  return status === "diverged" || values.length === 0 ? Infinity : number(values[values.length - 1]);
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
  if (goal.kind === "compare") {
    return OPS[goal.op](finalValue(own), finalValue(series(goal.metric ?? "loss", goal.other))) ? "met" : "missed";
  }
  return OPS[goal.op](finalValue(own), goal.value) ? "met" : "missed";
}

/** What a surface page's race (its debug handle's `race`) has shown: per run, losses and status. */
export function raceSeries(race) {
  return (metric, run) => ({
    values: race.paths[run]?.f ?? [],
    status: race.states[run]?.status ?? "ok",
  });
}

/** What an MLP page's training (its debug handle's `run`) has shown, epoch by epoch. */
export function trainingSeries(training) {
  return (metric) => ({ values: training.epochs.map((e) => e[metric]), status: training.status });
}
