/**
 * The contour (or 3D surface) with one trajectory per run.
 *
 * The contour is the expensive part of a redraw (~100 ms in headless Chromium), the
 * trajectories are cheap (~15 ms). So the 2D view is two plots stacked with identical margins
 * and axis ranges: a static contour underneath, redrawn only when the surface changes, and a
 * transparent trajectory layer on top, redrawn at most once per animation frame.
 */

/* global Plotly */

import { AXIS_FONT, FONT, axis, colourTransform, eventToData, onClick, superscriptPower } from "./charts.js";
import { lastInside } from "./chart_scale.js";
import { decodeGrid } from "./grid.js";
import { surfaceScene } from "./surface_3d.js";
import { formatNumber, t } from "./i18n.js";

const MARGIN = { l: 64, r: 118, t: 14, b: 56, pad: 0, autoexpand: false };
// Pale where f is low (where trajectories end), darker blue-grey up the walls.
export const COLORSCALE = [
  [0, "#ffffff"], [0.25, "#f0f4f9"], [0.5, "#dde7f2"], [0.75, "#c3d3e6"], [1, "#a3b8d1"],
];
// The 3D surface needs more contrast than the flat map to show its relief.
const BASE_CONFIG = { displayModeBar: false, responsive: true, staticPlot: true };
const TOP_CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };

/** Contour (2D, stacked layers) or surface (3D) with one trajectory per run. */
export class SurfacePlot {
  constructor(container, { onPick, onHover } = {}) {
    this.container = container;
    this.base = container.querySelector("[data-layer=base]");
    this.top = container.querySelector("[data-layer=top]");
    this.solid = container.querySelector("[data-layer=solid]");
    this.onPick = onPick;
    this.onHover = onHover;
    this.view = "contour";
    this.grid = null;
    this.runs = [];
    this.start = null;
    this.revision = 0;
    this.ready = false;
    onClick(this.top, (event) => this.pick(event));
    this.top.addEventListener("mousemove", (event) => this.hover(event));
    this.top.addEventListener("mouseleave", () => this.onHover?.(null));
  }

  /** A new surface: decode the grid and redraw the contour (and the 3D surface if shown). */
  async setGrid(grid) {
    const rows = decodeGrid(grid);
    const transform = colourTransform(rows, grid.surface);
    this.grid = { ...grid, rows, transform, colour: rows.map((r) => r.map((v) => (v === null ? null : transform.apply(v)))) };
    await this.drawBase();
    if (this.view === "3d") await this.draw3d();
  }

  /** The runs' names, colours and line styles, in the order of the experiment. */
  setRuns(runs) {
    this.runs = runs;
  }

  setStart(point) {
    this.start = point;
  }

  colourbar() {
    const { transform } = this.grid;
    const bar = {
      thickness: 16, len: 1, x: 1.02, xanchor: "left", y: 0.5, yanchor: "middle",
      outlinewidth: 0, tickfont: { family: FONT, size: 14, color: "#374151" },
      title: { text: transform.log ? t("plot.colour_log") : "f", side: "right", font: AXIS_FONT },
    };
    if (transform.log) {
      const top = transform.apply(transform.high);
      const bottom = transform.apply(transform.low);
      const tickvals = [];
      for (let p = Math.ceil(bottom); p <= Math.floor(top); p += 1) tickvals.push(p);
      const stride = Math.max(1, Math.ceil(tickvals.length / 7));
      bar.tickvals = tickvals.filter((_, i) => i % stride === 0);
      bar.ticktext = bar.tickvals.map(superscriptPower);
    }
    return bar;
  }

  layout2d(extra = {}) {
    const [xmin, xmax, ymin, ymax] = this.grid.window;
    return {
      margin: MARGIN, font: { family: FONT, size: 15 }, showlegend: false,
      xaxis: axis("x", [xmin, xmax]), yaxis: axis("y", [ymin, ymax]),
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", ...extra,
    };
  }

  async drawBase() {
    const g = this.grid;
    const contour = {
      type: "contour", x: g.x, y: g.y, z: g.colour, colorscale: COLORSCALE, ncontours: 22,
      contours: { coloring: "fill", showlines: true }, line: { color: "rgba(55,75,105,0.28)", width: 1 },
      colorbar: this.colourbar(), hoverinfo: "skip", connectgaps: false,
    };
    await Plotly.react(this.base, [contour], this.layout2d({ plot_bgcolor: "#ffffff" }), BASE_CONFIG);
    this.container.dataset.surface = g.surface.name;
  }

  /** Markers of the global minima (stars) and saddle points, drawn under the paths. */
  markerTraces() {
    const minima = (this.grid?.surface.minima || []).filter((m) => m.kind === "global");
    const saddles = (this.grid?.surface.minima || []).filter((m) => m.kind === "saddle");
    const traces = [{
      type: "scatter", mode: "markers", name: t("plot.minimum"), x: minima.map((m) => m.x),
      y: minima.map((m) => m.y), hovertemplate: `${t("plot.minimum")}<br>f = %{customdata}<extra></extra>`,
      customdata: minima.map((m) => formatNumber(m.value, 6)),
      marker: { symbol: "star", size: 22, color: "#ffcc00", line: { color: "#1f2937", width: 1.5 } },
    }];
    if (saddles.length) {
      traces.push({
        type: "scatter", mode: "markers", name: t("plot.saddle"), x: saddles.map((m) => m.x),
        y: saddles.map((m) => m.y), hovertemplate: `${t("plot.saddle")}<extra></extra>`,
        marker: { symbol: "x-thin-open", size: 16, color: "#1f2937", line: { width: 3 } },
      });
    }
    return traces;
  }

  /** The start point (a ring), drawn over the paths that leave it. */
  startTraces() {
    if (!this.start) return [];
    return [{
      type: "scatter", mode: "markers", name: t("plot.start"), x: [this.start[0]], y: [this.start[1]],
      hovertemplate: `${t("plot.start")} (%{x:.3g}, %{y:.3g})<extra></extra>`,
      marker: { symbol: "circle-open", size: 18, color: "#111827", line: { width: 3.5 } },
    }];
  }

  /**
   * Redraw every trajectory from `trajectories[i] = {x, y, f}` (one Plotly call); a run whose
   * `states[i].status` is "diverged" ends with a × at its last point inside the window.
   */
  async drawTrajectories(trajectories, states = this.lastStates ?? []) {
    this.lastStates = states;
    if (!this.grid) return;
    if (this.view === "3d") {
      await this.draw3d(trajectories);
      return;
    }
    this.revision += 1;
    const lines = [];
    const heads = { x: [], y: [], color: [], text: [], symbol: [], size: [] };
    this.runs.forEach((run, i) => {
      const path = trajectories[i];
      if (!run.enabled || !path) return;
      lines.push({
        type: "scatter", mode: "lines", name: run.label, x: path.x, y: path.y,
        line: { color: run.color, width: 2.75, dash: run.dash, shape: "linear" },
        hovertemplate: `${run.label}<br>(%{x:.4g}, %{y:.4g})<extra></extra>`,
      });
      const state = states[i];
      const diverged = state?.status === "diverged";
      const last = diverged ? lastInside(path.x, path.y, this.grid.window) : path.x.length - 1;
      if (last < 0) return;
      heads.x.push(path.x[last]);
      heads.y.push(path.y[last]);
      heads.color.push(run.color);
      heads.symbol.push(diverged ? "x" : "circle");
      heads.size.push(diverged ? 17 : 13);
      const why = diverged && state.outcome ? `<br>${t(state.outcome.code, state.outcome.params)}` : "";
      heads.text.push(`${run.label}${why}`);
    });
    const headTrace = {
      type: "scatter", mode: "markers", x: heads.x, y: heads.y, text: heads.text, name: "",
      hovertemplate: "%{text}<extra></extra>",
      marker: { size: heads.size, symbol: heads.symbol, color: heads.color, line: { color: "#ffffff", width: 2 } },
    };
    const layout = this.layout2d({ datarevision: this.revision, hovermode: "closest", dragmode: false });
    layout.xaxis = { ...layout.xaxis, visible: false };
    layout.yaxis = { ...layout.yaxis, visible: false };
    const traces = [...this.markerTraces(), ...lines, ...this.startTraces(), headTrace];
    await Plotly.react(this.top, traces, layout, TOP_CONFIG);
    this.ready = true;
    this.lastTrajectories = trajectories;
  }

  /** The 3D surface with the trajectories lifted onto it (same colour transform as 2D). */
  async draw3d(trajectories = this.lastTrajectories) {
    if (!this.grid) return;
    const { traces, layout } = surfaceScene(this.grid, this.runs, trajectories);
    await Plotly.react(this.solid, traces, layout, { displayModeBar: false, responsive: true });
  }

  async setView(view) {
    this.view = view;
    this.container.dataset.view = view;
    if (view === "3d") {
      await this.draw3d();
    } else {
      if (this.solid.data) Plotly.purge(this.solid);
      if (this.lastTrajectories) await this.drawTrajectories(this.lastTrajectories);
    }
    Plotly.Plots.resize(view === "3d" ? this.solid : this.top);
  }

  /** Data coordinates of a mouse event over the trajectory layer, or null outside the axes. */
  toData(event) {
    return eventToData(this.top, this.grid?.window, event);
  }

  pick(event) {
    const point = this.toData(event);
    if (point) this.onPick?.(point);
  }

  hover(event) {
    const point = this.toData(event);
    if (!point) { this.onHover?.(null); return; }
    const g = this.grid;
    const [xmin, xmax, ymin, ymax] = g.window;
    const i = Math.round(((point[0] - xmin) / (xmax - xmin)) * (g.nx - 1));
    const j = Math.round(((point[1] - ymin) / (ymax - ymin)) * (g.ny - 1));
    this.onHover?.({ x: point[0], y: point[1], f: g.rows[j]?.[i] ?? null });
  }
}

