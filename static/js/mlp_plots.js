/**
 * The MLP page's Plotly charts: the decision boundary (binary: p(class 1) on a diverging
 * orange–blue scale; multiclass: each class's colour, paler where the network is less sure;
 * regression: the predicted surface) under the train (●) and test (▲) points; the MC-dropout
 * uncertainty map. The curves are in mlp_curves.js.
 */

/* global Plotly */

import { AXIS_FONT, FONT } from "./charts.js";
import { decodeGrid } from "./grid.js";
import { formatNumber, t } from "./i18n.js";

export const CONFIG = { displayModeBar: false, responsive: true };
export const TICK_FONT = { family: FONT, size: 14, color: "#374151" };
/** Okabe–Ito plus Tol's wine, olive and teal: ten classes told apart under colour blindness. */
export const CLASS_COLORS = ["#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9",
  "#882255", "#999933", "#44AA99", "#332288"];
/** Background of p(class 1): pale orange (class 0) through white to pale blue (class 1). */
const BINARY_SCALE = [[0, "#f2b765"], [0.5, "#f7f7f7"], [1, "#6aa6d6"]];
const POINT_SCALE = [[0, "#E69F00"], [0.5, "#f2f2f2"], [1, "#0072B2"]];
const UNCERTAINTY_SCALE = [[0, "#ffffff"], [0.35, "#d9c8ea"], [1, "#4b2a86"]];

/** Mix a hex colour with white: `amount` 0 keeps it, 1 gives white. */
function tint(hex, amount) {
  const n = parseInt(hex.slice(1), 16);
  const mix = (c) => Math.round(c + (255 - c) * amount);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(mix);
  return `rgb(${r},${g},${b})`;
}

/** A piecewise scale: class k spans [k/K, (k+1)/K), pale at low confidence, strong at high. */
function classScale(k) {
  const stops = [];
  for (let i = 0; i < k; i += 1) {
    stops.push([i / k, tint(CLASS_COLORS[i], 0.9)]);
    stops.push([i === k - 1 ? 1 : (i + 1) / k - 1e-6, tint(CLASS_COLORS[i], 0.35)]);
  }
  return stops;
}

function decode(grid) {
  return decodeGrid({ z: grid.z, nx: grid.n, ny: grid.n });
}

function planeAxis(title, range) {
  return {
    title: { text: title, font: AXIS_FONT, standoff: 4 }, range, fixedrange: true, zeroline: false,
    showgrid: false, tickfont: TICK_FONT, ticks: "outside", ticklen: 4, linecolor: "#9ca3af",
    mirror: true, showline: true,
  };
}

function pointTraces(data, task, size = 7) {
  const traces = [];
  for (const [part, symbol, outline, name] of [["train", "circle", "#ffffff", t("mlp.train")], ["test", "triangle-up", "#1a2230", t("mlp.test")]]) {
    const points = data[part];
    const marker = task === "regression"
      ? { color: points.label, colorscale: POINT_SCALE, cmin: -1, cmax: 1 }
      : { color: points.label.map((c) => CLASS_COLORS[Math.round(c) % CLASS_COLORS.length]) };
    traces.push({
      type: "scatter", mode: "markers", name, x: points.x, y: points.y,
      marker: {
        ...marker, symbol, size: part === "test" ? size + 2 : size,
        // on the regression surface a white outline vanishes: outline training points in grey
        line: { color: task === "regression" && part === "train" ? "rgba(26,34,48,0.45)" : outline, width: 1 },
      },
      customdata: points.label,
      hovertemplate: `${name}: (%{x:.2f}, %{y:.2f}) → %{customdata:.3~g}<extra></extra>`,
    });
  }
  return traces;
}

/**
 * The decision boundary with the data on top, as two stacked Plotly layers: the heatmap below
 * is redrawn every frame, the points above only when the data change (redrawing hundreds of SVG
 * markers every frame is what would make playback stutter). The top layer also reads the
 * network's output under the pointer from the grid.
 */
export class BoundaryPlot {
  constructor(el, labels) {
    this.el = el;
    this.labels = labels; // {x1, x2}
    this.base = document.createElement("div");
    this.top = document.createElement("div");
    this.readout = document.createElement("span");
    this.base.className = "layer";
    this.base.dataset.layer = "base";
    this.top.className = "layer";
    this.top.dataset.layer = "top";
    this.readout.className = "hover-readout";
    this.readout.setAttribute("aria-hidden", "true");
    el.append(this.base, this.top, this.readout);
    this.pointsOf = null;
    this.values = null;
    this.top.addEventListener("mousemove", (event) => this.hover(event));
    this.top.addEventListener("mouseleave", () => { this.readout.textContent = ""; });
  }

  layout(window, withAxes) {
    const [xmin, xmax, ymin, ymax] = window;
    const x = planeAxis(withAxes ? this.labels.x1 : "", [xmin, xmax]);
    const y = planeAxis(withAxes ? this.labels.x2 : "", [ymin, ymax]);
    if (!withAxes) {
      for (const axis of [x, y]) Object.assign(axis, { showticklabels: false, ticks: "", showline: false });
    }
    return {
      margin: { l: 46, r: 8, t: 6, b: 42 }, showlegend: false, font: { family: FONT, size: 14 },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: withAxes ? "rgba(0,0,0,0)" : "#ffffff",
      hovermode: "closest", xaxis: { ...x, automargin: false }, yaxis: { ...y, automargin: false },
    };
  }

  async draw(info, grid) {
    const { data, task } = info;
    const rows = decode(grid);
    let heat;
    let classes = null;
    if (task === "multiclass") {
      classes = decode({ ...grid, z: grid.classes });
      const k = Math.max(data.n_classes, 2);
      // z = class + confidence: max probability 1/K … 1 rescaled to 0 … 1 within the class band
      const z = rows.map((row, j) => row.map((p, i) => {
        const c = classes[j][i];
        if (p === null || c === null) return null;
        const conf = Math.min(Math.max((p - 1 / k) / (1 - 1 / k), 0), 0.999);
        return c + conf;
      }));
      heat = { z, zmin: 0, zmax: k, colorscale: classScale(k) };
    } else {
      heat = { z: rows, zmin: task === "regression" ? -1 : 0, zmax: 1, colorscale: BINARY_SCALE };
    }
    this.values = { rows, classes, grid, task };
    await Plotly.react(this.base, [{ type: "heatmap", x: grid.x, y: grid.y, showscale: false,
      zsmooth: "fast", hoverinfo: "skip", ...heat }], this.layout(data.window, false), CONFIG);
    if (this.pointsOf !== data) {
      this.pointsOf = data;
      await Plotly.react(this.top, pointTraces(data, task), this.layout(data.window, true), CONFIG);
    }
  }

  /** The network's output at the pointer, read off the grid. */
  hover(event) {
    const layout = this.top._fullLayout;
    if (!layout || !this.values) return;
    const box = this.top.getBoundingClientRect();
    const px = event.clientX - box.left - layout._size.l;
    const py = event.clientY - box.top - layout._size.t;
    if (px < 0 || py < 0 || px > layout._size.w || py > layout._size.h) {
      this.readout.textContent = "";
      return;
    }
    const x = layout.xaxis.p2d(px);
    const y = layout.yaxis.p2d(py);
    const { rows, classes, grid, task } = this.values;
    const index = (values, v) => Math.round(((v - values[0]) / (values[values.length - 1] - values[0])) * (values.length - 1));
    const i = Math.min(Math.max(index(grid.x, x), 0), grid.n - 1);
    const j = Math.min(Math.max(index(grid.y, y), 0), grid.n - 1);
    const value = rows[j][i];
    let text;
    if (value === null) text = "—";
    else if (task === "multiclass") text = t("mlp.hover_class", { n: classes[j][i], p: formatNumber(value * 100, 3) });
    else if (task === "regression") text = `ŷ = ${formatNumber(value, 3)}`;
    else text = `${t("mlp.p_class1")} = ${formatNumber(value, 3)}`;
    this.readout.textContent = `${this.labels.x1} = ${formatNumber(x, 3)}, ${this.labels.x2} = ${formatNumber(y, 3)}: ${text}`;
  }
}

/** Standard deviation of MC-dropout predictions over the plane. */
export class UncertaintyPlot {
  constructor(el, labels) {
    this.el = el;
    this.labels = labels;
  }

  async draw(info, grid, mc) {
    const rows = decode({ ...grid, z: mc.std });
    let high = 0;
    for (const row of rows) for (const v of row) if (v !== null) high = Math.max(high, v);
    const [xmin, xmax, ymin, ymax] = info.data.window;
    const train = info.data.train;
    const traces = [
      {
        type: "heatmap", x: grid.x, y: grid.y, z: rows, zmin: 0, zmax: Math.max(high, 0.02),
        colorscale: UNCERTAINTY_SCALE, zsmooth: "fast",
        colorbar: { thickness: 12, len: 0.9, tickfont: TICK_FONT, outlinewidth: 0, title: { text: "σ", font: AXIS_FONT } },
        hovertemplate: `σ = %{z:.3f}<extra></extra>`,
      },
      { type: "scatter", mode: "markers", x: train.x, y: train.y, hoverinfo: "skip",
        marker: { size: 4, color: "rgba(26,34,48,0.55)" } },
    ];
    const layout = {
      margin: { l: 46, r: 8, t: 6, b: 42 }, showlegend: false, font: { family: FONT, size: 14 },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff",
      xaxis: planeAxis(this.labels.x1, [xmin, xmax]), yaxis: planeAxis(this.labels.x2, [ymin, ymax]),
    };
    await Plotly.react(this.el, traces, layout, CONFIG);
  }
}
