/**
 * The activation lab's pictures: f and f′ of every chosen activation overlaid (one colour per
 * activation), the band where the Gaussian's inputs fall, the saturation threshold |f′| = 0.05,
 * the histogram of the Gaussian pushed through each f, and the table of its health.
 */

/* global Plotly */

import { FONT, axis } from "./charts.js";
import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";

// Okabe–Ito's eight, then three more that stay apart from them (black last: linear).
const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B",
  "#7F3C8D", "#B8860B", "#4D4D4D", "#000000"];
const CONFIG = { displayModeBar: false, responsive: true };

/** The colour of activation `name`: its place in the served menu `options` picks it. */
export function activationColour(options, name) {
  const i = options.indexOf(name);
  return PALETTE[(i < 0 ? 0 : i) % PALETTE.length];
}

/** A percentage as the page writes numbers: "12,5 %" / "12.5 %". */
export function percent(fraction) {
  return `${formatNumber(100 * fraction, 3)} %`;
}

function layout(xTitle, yTitle, extra = {}) {
  return {
    margin: { l: 62, r: 12, t: 8, b: 50 }, font: { family: FONT, size: 15 },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff", hovermode: "x unified",
    showlegend: false,
    xaxis: { ...axis(xTitle), range: undefined, autorange: true, showgrid: true, gridcolor: "#eef0f3", zeroline: true, zerolinecolor: "#c7ccd3" },
    yaxis: { ...axis(yTitle), range: undefined, autorange: true, showgrid: true, gridcolor: "#eef0f3", zeroline: true, zerolinecolor: "#c7ccd3" },
    ...extra,
  };
}

/** The inputs' band μ ± 2σ (where 95 % of the Gaussian falls), shaded on a curve plot. */
function inputBand(mean, std) {
  return {
    type: "rect", xref: "x", yref: "paper", x0: mean - 2 * std, x1: mean + 2 * std, y0: 0, y1: 1,
    fillcolor: "rgba(11, 92, 173, 0.08)", line: { width: 0 }, layer: "below",
  };
}

/**
 * A bin holding more than three times the rest's largest (relu's dead zeros) would flatten
 * every other outline: the y-axis then stops above the other bins and the spike is labelled
 * with its share. Returns the layout's `yaxis.range` and `annotations` (or nothing).
 */
export function spikeScale(shares, centres, colours) {
  let top = 0;
  const spikes = [];
  shares.forEach((share, i) => {
    const [first, second] = [...share].sort((a, b) => b - a);
    if (second > 0 && first > 3 * second) {
      top = Math.max(top, second);
      spikes.push({ x: centres[share.indexOf(first)], value: first, colour: colours[i] });
    } else {
      top = Math.max(top, first);
    }
  });
  if (!spikes.length || !(top > 0)) return {};
  const height = top * 1.3;
  return {
    yaxis: { range: [0, height], autorange: false },
    annotations: spikes.map((spike) => ({
      x: spike.x, y: height, xref: "x", yref: "y", yanchor: "top", showarrow: false,
      text: `↑ ${percent(spike.value)}`, bgcolor: "rgba(255,255,255,0.85)",
      font: { family: FONT, size: 15, color: spike.colour },
    })),
  };
}

export class ActivationCharts {
  constructor({ fPlot, dfPlot, distPlot, distTitle, table, options }) {
    Object.assign(this, { fPlot, dfPlot, distPlot, distTitle, table, options });
  }

  colour(name) {
    return activationColour(this.options, name);
  }

  /** Draw the lab's answer `result` for the state `lab` (its μ and σ). */
  async draw(result, lab) {
    const band = inputBand(lab.mean, lab.std);
    const curve = (key) => result.activations.map((a) => ({
      type: "scatter", mode: "lines", name: a.name, x: result.x, y: a[key],
      line: { color: this.colour(a.name), width: 3 },
      hovertemplate: `${a.name}: %{y:.4g}<extra></extra>`,
    }));
    const fLayout = layout("x", "f(x)", { shapes: [band], showlegend: true,
      legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom", font: { family: FONT, size: 14 } },
      margin: { l: 62, r: 12, t: 30, b: 50 } });
    const threshold = (y) => ({
      type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: y, y1: y,
      line: { color: "#6b7280", width: 1.5, dash: "dot" },
    });
    const dfLayout = layout("x", "f′(x)", { shapes: [band, threshold(0.05), threshold(-0.05)] });
    const edges = result.bin_edges;
    const centres = edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2);
    const shares = result.activations.map((a) => {
      const total = a.histogram.reduce((sum, c) => sum + c, 0) || 1;
      return a.histogram.map((c) => c / total);
    });
    const bars = result.activations.map((a, i) => ({
      type: "scatter", mode: "lines", name: a.name, x: centres, y: shares[i],
      line: { color: this.colour(a.name), width: 2.5, shape: "hvh" }, fill: "tozeroy",
      fillcolor: `${this.colour(a.name)}22`,
      hovertemplate: `${a.name}: %{y:.1%}<extra></extra>`,
    }));
    const distLayout = layout(t("activations.dist_x"), t("activations.dist_y"));
    distLayout.yaxis.tickformat = ".0%";
    const spike = spikeScale(shares, centres, result.activations.map((a) => this.colour(a.name)));
    Object.assign(distLayout.yaxis, spike.yaxis);
    distLayout.annotations = spike.annotations ?? [];
    this.distTitle.textContent = t("activations.dist_title", {
      mu: formatNumber(lab.mean, 3), sigma: formatNumber(lab.std, 3) });
    await Promise.all([
      Plotly.react(this.fPlot, curve("f"), fLayout, CONFIG),
      Plotly.react(this.dfPlot, curve("df"), dfLayout, CONFIG),
      Plotly.react(this.distPlot, bars, distLayout, CONFIG),
    ]);
    this.drawTable(result);
  }

  /** One row per activation: the outputs' mean and std, % saturated, % dead. */
  drawTable(result) {
    const head = h("tr", {}, ["activations.col_name", "activations.col_mean", "activations.col_std",
      "activations.col_saturated", "activations.col_dead"].map((key) => h("th", { scope: "col" }, t(key))));
    const rows = result.activations.map((a) => h("tr", { "data-activation": a.name },
      h("th", { scope: "row" }, h("span", { class: "lab-swatch", style: `background: ${this.colour(a.name)}`, "aria-hidden": "true" }),
        h("code", {}, a.name)),
      h("td", {}, formatNumber(a.mean, 3)), h("td", {}, formatNumber(a.std, 3)),
      h("td", { "data-col": "saturated" }, percent(a.saturated)), h("td", { "data-col": "dead" }, percent(a.dead))));
    this.table.replaceChildren(h("thead", {}, head), h("tbody", {}, rows));
  }
}

