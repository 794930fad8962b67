/**
 * The hyperparameter map as a Plotly heatmap: learning rate across on a log axis, the second
 * hyperparameter up. Cells are coloured by the final loss (log of f − f*) or by the steps to
 * tolerance; diverged cells are left empty over a red hatch; the cells that reached the
 * tolerance are outlined (a dark line under a white one, visible on any colour).
 */

/* global Plotly */

import { AXIS_FONT, FONT, axis, onClick, superscriptPower } from "./charts.js";
import { formatNumber, t } from "./i18n.js";
import { stoppedText } from "./map_readouts.js";
import { edges } from "./map_result.js";

const MARGIN = { l: 78, r: 112, t: 10, b: 62, pad: 0, autoexpand: false };
const CONFIG = { displayModeBar: false, responsive: true, scrollZoom: false, doubleClick: false };
const NOT_REACHED = "#d3d8df";
const HATCH_INK = "#b42318";
const HATCH_PAPER = "#fde3df";

/** A red-on-pink diagonal hatch as an SVG data URL, exactly `w`×`h` pixels. */
export function hatchImage(w, h) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">`
    + '<defs><pattern id="p" width="9" height="9" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
    + `<rect width="9" height="9" fill="${HATCH_PAPER}"/><rect width="3.5" height="9" fill="${HATCH_INK}"/></pattern></defs>`
    + `<rect width="${w}" height="${h}" fill="url(#p)"/></svg>`;
  return `data:image/svg+xml;base64,${btoa(svg)}`;
}

/** A log axis over `range` (in decades): one label per decade when it spans two or more. */
function logAxis(range) {
  return { type: "log", exponentformat: "power", dtick: range[1] - range[0] >= 2 ? 1 : undefined };
}

/** Colour-bar ticks for log10 values: whole decades as 10ⁿ, or a few values inside one decade. */
function logTicks(low, high) {
  const decades = [];
  for (let p = Math.ceil(low); p <= Math.floor(high); p += 1) decades.push(p);
  if (decades.length >= 2) {
    const stride = Math.max(1, Math.ceil(decades.length / 8));
    const vals = decades.filter((_, i) => i % stride === 0);
    return { tickvals: vals, ticktext: vals.map(superscriptPower) };
  }
  const vals = [0, 0.25, 0.5, 0.75, 1].map((f) => low + f * (high - low));
  return { tickvals: vals, ticktext: vals.map((v) => formatNumber(10 ** v, 2)) };
}

/** The heatmap of one map result with its overlays; `onPick({row, col})` on a click. */
export class HyperMap {
  constructor(el, { onPick } = {}) {
    this.el = el;
    this.onPick = onPick;
    this.view = null;
    onClick(el, (event) => {
      const cell = this.cellAt(event.clientX, event.clientY);
      if (cell) this.onPick?.(cell);
    });
  }

  /**
   * Draw `result` (a MapResult). `view`: {mode: "loss"|"steps", secondLog, symbol, secondLabel,
   * selected, best, limit: [[lr, value]…] or null, optimum: {lr, value} or null}.
   */
  async draw(result, view) {
    this.result = result;
    this.view = view;
    const xEdges = edges(result.lrs, true);
    const yEdges = edges(result.seconds, view.secondLog);
    this.xRange = [Math.log10(xEdges[0]), Math.log10(xEdges[xEdges.length - 1])];
    this.yRange = view.secondLog
      ? [Math.log10(yEdges[0]), Math.log10(yEdges[yEdges.length - 1])]
      : [yEdges[0], yEdges[yEdges.length - 1]];
    const { colours, text, alive } = this.cells(result, view);
    const traces = [
      {
        type: "heatmap", x: xEdges, y: yEdges, z: alive, showscale: false, hoverinfo: "skip",
        colorscale: [[0, NOT_REACHED], [1, NOT_REACHED]], zmin: 0, zmax: 1,
      },
      {
        type: "heatmap", name: "map", x: xEdges, y: yEdges, z: colours, text, hoverongaps: true,
        hovertemplate: "%{text}<extra></extra>", colorscale: "Viridis", reversescale: true,
        colorbar: this.colourbar(colours, result, view), ...this.zRange(colours),
        showscale: colours.some((row) => row.some((v) => v !== null)),
      },
      ...this.outline(result),
      ...this.markers(result, view),
    ];
    const { w, h } = this.plotSize();
    const layout = {
      margin: MARGIN, font: { family: FONT, size: 15 }, showlegend: false, dragmode: false,
      hovermode: "closest", paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      hoverlabel: { font: { family: FONT, size: 14, color: "#1a2230" }, bgcolor: "#ffffff", bordercolor: "#9ca3af", align: "left" },
      xaxis: { ...axis(t("map.axis_lr"), this.xRange), ...logAxis(this.xRange) },
      yaxis: {
        ...axis(view.secondLog ? t("map.axis_log", { label: view.secondLabel }) : view.secondLabel, this.yRange),
        ...(view.secondLog ? logAxis(this.yRange) : {}),
      },
      images: [{
        source: hatchImage(w, h), xref: "paper", yref: "paper", x: 0, y: 1, sizex: 1, sizey: 1,
        xanchor: "left", yanchor: "top", sizing: "stretch", layer: "below",
      }],
    };
    await Plotly.react(this.el, traces, layout, CONFIG);
  }

  /**
   * The per-cell arrays, rebuilt only when the result, the colour or the axis changes: Plotly
   * re-renders only the overlays when the arrays are the same objects (a click redraws fast).
   */
  cells(result, view) {
    const key = `${view.mode}|${view.symbol}`;
    if (this.cache?.result !== result || this.cache.key !== key) {
      this.cache = {
        result, key, colours: result.colours(view.mode), text: this.hoverText(result, view),
        alive: result.diverged.map((row) => row.map((v) => (v === null ? 1 : null))),
      };
    }
    return this.cache;
  }

  plotSize() {
    const w = Math.max(50, Math.round(this.el.clientWidth - MARGIN.l - MARGIN.r));
    const h = Math.max(50, Math.round(this.el.clientHeight - MARGIN.t - MARGIN.b));
    return { w, h };
  }

  zRange(colours) {
    let low = Infinity;
    let high = -Infinity;
    for (const row of colours) for (const v of row) if (v !== null) { low = Math.min(low, v); high = Math.max(high, v); }
    if (!Number.isFinite(low)) return { zmin: 0, zmax: 1 };
    if (high - low < 1e-9) return { zmin: low - 0.5, zmax: high + 0.5 };
    return { zmin: low, zmax: high };
  }

  colourbar(colours, result, view) {
    const log = view.mode === "loss" && result.best !== null;
    let title = t("map.colourbar_steps");
    if (view.mode === "loss") title = log ? t("map.colourbar_gap") : t("map.colourbar_f");
    const bar = {
      thickness: 16, len: 1, x: 1.02, xanchor: "left", y: 0.5, yanchor: "middle", outlinewidth: 0,
      tickfont: { family: FONT, size: 14, color: "#374151" },
      title: { text: title, side: "right", font: AXIS_FONT },
    };
    if (log) {
      const { zmin, zmax } = this.zRange(colours);
      Object.assign(bar, logTicks(zmin, zmax), { tickmode: "array" });
    }
    return bar;
  }

  /** One hover text per cell: η, the second value, the final loss and what became of the run. */
  hoverText(result, view) {
    const lossName = result.best === null ? t("map.hover_final_f") : t("map.hover_final_gap");
    const lrText = result.lrs.map((v) => `η = ${formatNumber(v, 3)}`);
    return result.seconds.map((value, row) => {
      const secondText = `${view.symbol} = ${formatNumber(value, 4)}`;
      return result.lrs.map((_, col) => {
        const c = result.cell(row, col);
        let status;
        if (c.divergedAt !== null) status = stoppedText(result, c);
        else if (c.steps !== null) status = t("map.reached_at", { step: c.steps });
        else status = result.best === null ? t("summary.no_minimum") : t("summary.not_converged");
        const loss = c.divergedAt !== null ? "" : `${lossName} = ${formatNumber(result.best === null ? c.loss : c.gap, 3)}<br>`;
        return `${lrText[col]}<br>${secondText}<br>${loss}${status}<br><i>${t("map.hover_open")}</i>`;
      });
    });
  }

  /** The border of the region that reached the tolerance: a dark line under a white one. */
  outline(result) {
    let any = false;
    const z = result.steps.map((row) => row.map((v) => { if (v !== null) any = true; return v === null ? 0 : 1; }));
    if (!any) return [];
    const line = (color, width) => ({
      type: "contour", x: result.lrs, y: result.seconds, z, showscale: false, hoverinfo: "skip",
      contours: { start: 0.5, end: 0.5, size: 1, coloring: "none" }, line: { color, width, smoothing: 0 },
    });
    return [line("#111827", 4.5), line("#ffffff", 2)];
  }

  markers(result, view) {
    const traces = [];
    if (view.limit) {
      traces.push({
        type: "scatter", mode: "lines", x: view.limit.map((p) => p[0]), y: view.limit.map((p) => p[1]),
        line: { color: "#111827", width: 3, dash: "dash" }, hovertemplate: `${t("map.legend_limit")}<extra></extra>`,
      });
    }
    if (view.optimum) {
      traces.push({
        type: "scatter", mode: "markers", x: [view.optimum.lr], y: [view.optimum.value],
        marker: { symbol: "circle-open", size: 30, color: "#111827", line: { width: 2.5 } },
        hovertemplate: `${t("map.legend_optimum")}<br>η* = ${formatNumber(view.optimum.lr, 3)}<br>${view.symbol}* = ${formatNumber(view.optimum.value, 3)}<extra></extra>`,
      });
    }
    const at = (c) => ({ x: [result.lrs[c.col]], y: [result.seconds[c.row]] });
    if (view.best) {
      traces.push({
        type: "scatter", mode: "markers", ...at(view.best), name: "best",
        marker: { symbol: "star", size: 21, color: "#ffffff", line: { color: "#111827", width: 2 } },
        hoverinfo: "skip",
      });
    }
    if (view.selected) {
      const { w } = this.plotSize();
      traces.push({
        type: "scatter", mode: "markers", ...at(view.selected), name: "selected", hoverinfo: "skip",
        marker: { symbol: "square-open", size: Math.max(14, Math.min(34, w / result.nx + 6)), color: "#111827", line: { width: 3 } },
      });
    }
    return traces;
  }

  /** The cell under client pixel (x, y), or null outside the map. */
  cellAt(clientX, clientY) {
    const full = this.el._fullLayout;
    if (!full || !this.result) return null;
    const rect = this.el.getBoundingClientRect();
    const fx = (clientX - rect.left - full._size.l) / full._size.w;
    const fy = 1 - (clientY - rect.top - full._size.t) / full._size.h;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return null;
    const col = Math.min(this.result.nx - 1, Math.floor(fx * this.result.nx));
    const row = Math.min(this.result.ny - 1, Math.floor(fy * this.result.ny));
    return { row, col };
  }

  /** Client pixel of the centre of cell (row, col) (for tests and keyboard users' focus). */
  cellCentre(row, col) {
    const full = this.el._fullLayout;
    const rect = this.el.getBoundingClientRect();
    return {
      x: rect.left + full._size.l + ((col + 0.5) / this.result.nx) * full._size.w,
      y: rect.top + full._size.t + (1 - (row + 0.5) / this.result.ny) * full._size.h,
    };
  }
}
