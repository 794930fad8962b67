/**
 * Surface grids: the query of `GET /api/surface/grid`, the one loader every page fetches them
 * with, and the decoding of the base64 little-endian float32 arrays the API sends.
 */

const GRID_POINTS = 120;

/** The grid query for an experiment (field names of `GET /api/surface/grid`). */
export function gridQuery(experiment, points = GRID_POINTS) {
  const params = new URLSearchParams({ surface: experiment.surface, n: String(points) });
  if (experiment.surface === "quadratic") params.set("condition_number", String(experiment.condition_number));
  if (experiment.surface === "custom") {
    params.set("expression", experiment.expression ?? "");
    if (experiment.window) {
      ["xmin", "xmax", "ymin", "ymax"].forEach((key, i) => params.set(key, String(experiment.window[i])));
    }
  }
  return params.toString();
}

/** Base64 little-endian float32 → numbers (null where not finite: ±∞ and NaN draw as gaps). */
export function decodeFloat32(text) {
  const binary = atob(text);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i += 1) view.setUint8(i, binary.charCodeAt(i));
  const out = new Array(binary.length / 4);
  for (let k = 0; k < out.length; k += 1) {
    const v = view.getFloat32(4 * k, true);
    out[k] = Number.isFinite(v) ? v : null;
  }
  return out;
}

/** A grid's row-major `z` (ny × nx) as rows. */
export function decodeGrid(grid) {
  const flat = decodeFloat32(grid.z);
  const rows = [];
  for (let j = 0; j < grid.ny; j += 1) rows.push(flat.slice(j * grid.nx, (j + 1) * grid.nx));
  return rows;
}

/**
 * Loads grids, once per distinct query: `load(experiment)` answers `{grid}`, `{errors}` (the
 * API's 422 list, e.g. a bad formula), or null when a newer request replaced it.
 */
export class GridLoader {
  constructor(fetcher = (url, init) => fetch(url, init)) {
    this.fetcher = fetcher;
    this.key = null;
    this.answer = null;
    this.abort = null;
  }

  async load(experiment) {
    const key = gridQuery(experiment);
    if (key === this.key && this.answer) return this.answer;
    this.key = key;
    this.answer = null;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    try {
      const response = await this.fetcher(`/api/surface/grid?${key}`, { signal: abort.signal });
      const body = await response.json();
      if (key !== this.key) return null;
      this.answer = response.ok ? { grid: body } : { errors: body.errors || [] };
      return this.answer;
    } catch (error) {
      if (key === this.key) this.key = null;
      if (error.name === "AbortError") return null;
      return { errors: [{ code: "error.network", message: String(error.message || error) }] };
    }
  }
}
