/** Fetch the contour grid of the experiment's surface, once per distinct surface. */

const GRID_POINTS = 120;

/** The grid query for an experiment (field names of `GET /api/surface/grid`). */
export function gridQuery(experiment) {
  const params = new URLSearchParams({ surface: experiment.surface, n: String(GRID_POINTS) });
  if (experiment.surface === "quadratic") params.set("condition_number", String(experiment.condition_number));
  if (experiment.surface === "custom") {
    params.set("expression", experiment.expression ?? "");
    if (experiment.window) {
      ["xmin", "xmax", "ymin", "ymax"].forEach((key, i) => params.set(key, String(experiment.window[i])));
    }
  }
  return params.toString();
}

/** Loads grids, skipping repeats and abandoning a request a newer one replaces. */
export class GridLoader {
  constructor(onGrid) {
    this.onGrid = onGrid;
    this.key = "";
    this.abort = null;
  }

  async load(experiment) {
    const key = gridQuery(experiment);
    if (key === this.key) return;
    this.key = key;
    this.abort?.abort();
    this.abort = new AbortController();
    try {
      const response = await fetch(`/api/surface/grid?${key}`, { signal: this.abort.signal });
      if (!response.ok) {
        this.key = "";
        return;
      }
      const grid = await response.json();
      if (key === this.key) await this.onGrid(grid);
    } catch (error) {
      if (error.name !== "AbortError") this.key = "";
    }
  }
}
