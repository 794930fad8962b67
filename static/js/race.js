/**
 * The race as the page holds it: per run, the path drawn so far ({x, y, f, steps}) and the last
 * reported state, filled from the WebSocket's frame messages. And a cache of the last complete
 * race, so that an instant re-run recomputes only the runs whose settings changed.
 */

function emptyPath() {
  return { x: [], y: [], f: [], steps: [] };
}

/** One generation of the race; it keeps the previous picture until its first frame arrives. */
export class Race {
  constructor({ gen = 0, mode = "instant", keys = null, reuse = null, previous = null } = {}) {
    this.gen = gen;
    this.mode = mode;
    this.playing = mode === "play";
    this.done = false;
    this.step = 0;
    this.total = null;
    this.start = null;
    this.keys = keys;
    this.reuse = reuse; // index → {path, state} taken over from the cache
    this.paths = previous ? previous.paths : [];
    this.states = previous ? previous.states : [];
    this.stale = previous !== null;
  }

  /** Append a frame message's new points and states. */
  addFrame(message) {
    if (message.reset) this.reuse = null;
    if (message.reset || this.stale) {
      const reuse = this.reuse;
      this.paths = message.runs.map((_, i) => (reuse?.has(i) ? reuse.get(i).path : emptyPath()));
      this.states = message.runs.map((_, i) => (reuse?.has(i) ? reuse.get(i).state : undefined));
      this.stale = false;
    }
    message.runs.forEach((run, i) => {
      if (this.reuse?.has(i)) return;
      const path = this.paths[i];
      run.points.forEach(([x, y], k) => {
        path.x.push(x);
        path.y.push(y);
        path.f.push(run.losses[k]);
        path.steps.push(message.from + k); // a run's points are consecutive steps from `from`
      });
      this.states[i] = { status: run.status, diverged_at: run.diverged_at, outcome: run.outcome ?? null, summary: run.summary, done: message.done };
    });
    this.step = message.step;
    this.done = message.done;
    if (message.done) this.playing = false;
    if (message.reset) {
      this.mode = "pause";
      this.playing = false;
    }
  }
}

/** Comparable keys of an experiment: everything but the runs, and each run. */
export function experimentKeys(experiment) {
  const { runs, ...rest } = experiment;
  return { global: JSON.stringify(rest), runs: runs.map((run) => JSON.stringify(run)) };
}

/**
 * The last complete race. Runs are independent (each has its own optimizer and its own noise
 * stream, seeded by [seed, index]), so a run whose settings and index are unchanged would
 * race exactly the same path again: it is switched off in the request and its path reused.
 */
export class RaceCache {
  constructor() {
    this.last = null;
  }

  remember(race) {
    if (race.keys) this.last = { keys: race.keys, paths: race.paths, states: race.states };
  }

  forget() {
    this.last = null;
  }

  /** What to send for `experiment` in `mode`, and which runs' results to take over. */
  plan(experiment, mode) {
    const keys = experimentKeys(experiment);
    const last = this.last;
    if (mode !== "instant" || !last || last.keys.global !== keys.global
        || last.keys.runs.length !== keys.runs.length) {
      return { experiment, keys, reuse: null };
    }
    const reuse = new Map();
    keys.runs.forEach((key, i) => {
      if (key === last.keys.runs[i] && last.paths[i]) reuse.set(i, { path: last.paths[i], state: last.states[i] });
    });
    if (reuse.size === 0) return { experiment, keys, reuse: null };
    const runs = experiment.runs.map((run, i) => (reuse.has(i) ? { ...run, enabled: false } : run));
    return { experiment: { ...experiment, runs }, keys, reuse };
  }
}
