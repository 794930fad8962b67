/**
 * A small contour of the map's surface: the start point every cell shares (a click moves it)
 * and the trajectory of the best or selected cell.
 */

/* global Plotly */

import { FONT, axis, colourTransform, eventToData, onClick } from "./charts.js";
import { decodeGrid } from "./grid.js";
import { t } from "./i18n.js";
import { COLORSCALE } from "./surface_plot.js";

const MARGIN = { l: 44, r: 10, t: 8, b: 36, pad: 0, autoexpand: false };
const CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };
const PATH_COLOUR = "#D55E00";

/** The preview plot. */
export class StartPreview {
  constructor(el, { onPick } = {}) {
    this.el = el;
    this.onPick = onPick;
    this.grid = null;
    this.start = null;
    this.path = null;
    onClick(el, (event) => {
      const point = this.toData(event);
      if (point) this.onPick?.(point);
    });
  }

  async setGrid(grid) {
    if (this.grid && this.grid.raw === grid) return;
    const rows = decodeGrid(grid);
    const transform = colourTransform(rows, grid.surface);
    this.grid = { raw: grid, ...grid, colour: rows.map((r) => r.map((v) => (v === null ? null : transform.apply(v)))) };
    this.path = null;
    await this.draw();
  }

  async setStart(point) {
    this.start = point;
    await this.draw();
  }

  async setPath(path) {
    this.path = path;
    await this.draw();
  }

  async draw() {
    const g = this.grid;
    if (!g) return;
    const [xmin, xmax, ymin, ymax] = g.window;
    const minima = (g.surface.minima || []).filter((m) => m.kind === "global");
    const traces = [
      {
        type: "contour", x: g.x, y: g.y, z: g.colour, colorscale: COLORSCALE, ncontours: 18,
        showscale: false, hoverinfo: "skip", contours: { coloring: "fill", showlines: true },
        line: { color: "rgba(55,75,105,0.28)", width: 1 },
      },
      {
        type: "scatter", mode: "markers", x: minima.map((m) => m.x), y: minima.map((m) => m.y),
        hovertemplate: `${t("plot.minimum")}<extra></extra>`,
        marker: { symbol: "star", size: 15, color: "#ffcc00", line: { color: "#1f2937", width: 1.2 } },
      },
    ];
    if (this.path) {
      traces.push({
        type: "scatter", mode: "lines", x: this.path.map((p) => p[0]), y: this.path.map((p) => p[1]),
        line: { color: PATH_COLOUR, width: 2.5 }, hoverinfo: "skip",
      });
    }
    if (this.start) {
      traces.push({
        type: "scatter", mode: "markers", x: [this.start[0]], y: [this.start[1]],
        hovertemplate: `${t("plot.start")} (%{x:.3g}, %{y:.3g})<extra></extra>`,
        marker: { symbol: "circle-open", size: 14, color: "#111827", line: { width: 3 } },
      });
    }
    const small = (title, range) => ({ ...axis(title, range), tickfont: { family: FONT, size: 12, color: "#374151" }, title: { text: title, font: { family: FONT, size: 13 }, standoff: 2 } });
    const layout = {
      margin: MARGIN, font: { family: FONT, size: 13 }, showlegend: false, dragmode: false,
      hovermode: "closest", paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff",
      xaxis: small("x", [xmin, xmax]), yaxis: small("y", [ymin, ymax]),
    };
    await Plotly.react(this.el, traces, layout, CONFIG);
  }

  /** Data coordinates of a click inside the axes, or null. */
  toData(event) {
    return eventToData(this.el, this.grid?.window, event);
  }
}
