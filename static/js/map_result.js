/**
 * One computed hyperparameter map, decoded from `POST /api/map/run`: per cell (row = second
 * hyperparameter, column = learning rate) the final loss, the step it reached the tolerance and
 * the step it diverged. No DOM and no Plotly here.
 */

import { decodeGrid } from "./grid.js";

const GAP_FLOOR = 1e-16;

/** Cell-centre values → the nx + 1 brick edges, midway in log space on a log axis. */
export function edges(centres, log) {
  const into = log ? Math.log10 : (v) => v;
  const back = log ? (v) => 10 ** v : (v) => v;
  const c = centres.map(into);
  const n = c.length;
  const out = [c[0] - (c[1] - c[0]) / 2];
  for (let i = 1; i < n; i += 1) out.push((c[i - 1] + c[i]) / 2);
  out.push(c[n - 1] + (c[n - 1] - c[n - 2]) / 2);
  return out.map(back);
}

/** The decoded map with per-cell look-ups and counts. */
export class MapResult {
  constructor(json) {
    const grid = (z) => decodeGrid({ z, nx: json.nx, ny: json.ny });
    this.nx = json.nx;
    this.ny = json.ny;
    this.lrs = json.x;
    this.seconds = json.y;
    this.best = json.best_value;
    this.start = json.start;
    this.loss = grid(json.final_loss); // null where diverged
    this.steps = grid(json.steps_to_tolerance).map((row) => row.map((v) => (v >= 0 ? v : null)));
    this.diverged = grid(json.diverged_at).map((row) => row.map((v) => (v >= 0 ? v : null)));
    this.outcome = json.outcome ?? null; // {code: "run.undefined_start", params}: no run took a step
    this.raw = json;
  }

  /** Everything known about cell (row, col). */
  cell(row, col) {
    const loss = this.loss[row][col];
    return {
      row, col, lr: this.lrs[col], value: this.seconds[row], loss,
      gap: loss === null || this.best === null ? null : Math.max(loss - this.best, 0),
      steps: this.steps[row][col], divergedAt: this.diverged[row][col],
    };
  }

  /** The cell with the lowest final loss (the fewest steps to tolerance on a tie), or null. */
  bestCell() {
    let found = null;
    for (let row = 0; row < this.ny; row += 1) {
      for (let col = 0; col < this.nx; col += 1) {
        const loss = this.loss[row][col];
        if (loss === null) continue;
        const steps = this.steps[row][col] ?? Infinity;
        if (found === null || loss < found.loss || (loss === found.loss && steps < found.steps)) {
          found = { row, col, loss, steps };
        }
      }
    }
    return found && this.cell(found.row, found.col);
  }

  /** How many cells diverged and how many reached the tolerance. */
  counts() {
    let diverged = 0;
    let reached = 0;
    for (let row = 0; row < this.ny; row += 1) {
      for (let col = 0; col < this.nx; col += 1) {
        if (this.diverged[row][col] !== null) diverged += 1;
        if (this.steps[row][col] !== null) reached += 1;
      }
    }
    return { cells: this.nx * this.ny, diverged, reached };
  }

  /**
   * The colour of every cell: log10(f − f*) (floored at 1e-16) or f where no minimum is known,
   * or the steps to tolerance; null where the cell has no value to show.
   */
  colours(mode) {
    if (mode === "steps") return this.steps;
    if (this.best === null) return this.loss;
    return this.loss.map((row) => row.map((v) => (v === null ? null : Math.log10(Math.max(v - this.best, GAP_FLOOR)))));
  }
}
