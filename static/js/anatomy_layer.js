/**
 * The anatomy's layer over the contour (anatomy.js owns the panel): the explained run's path up
 * to update k, arrows from the point before it for −η·g, the first moment or velocity and the
 * step taken (one common length factor, so they compare), a rectangle whose sides are the
 * adaptive per-axis scale (1/√v), and the path without bias correction, labelled "not Keras".
 * Same margins and axis ranges as the contour (SurfacePlot.layout2d), no pointer events.
 */

/* global Plotly */

import { t } from "./i18n.js";

export const COLOURS = { gradient: "#c2410c", moment: "#6d28d9", step: "#111827", scale: "#0f766e", ghost: "#6b7280" };
const ARROW_TARGET = 0.16; // the longest arrow, as a fraction of the window
const SCALE_BOX = 0.06; // half the longer side of the 1/√v rectangle, as a fraction of the window

/** Both coordinates finite (the API sends null for a value that is not). Pure. */
export const pair = (v) => v && v.every((c) => c !== null);

/** 1, 2 or 5 × 10ᵏ nearest below `x` (x > 0). Pure. */
export function niceFactor(x) {
  const power = 10 ** Math.floor(Math.log10(x));
  const mantissa = x / power;
  return (mantissa >= 5 ? 5 : mantissa >= 2 ? 2 : 1) * power;
}

/**
 * One factor for every arrow of a step, so that their lengths compare: 1 when the longest is
 * already visible and not huge, else a round factor bringing it to ARROW_TARGET. Pure.
 */
export function arrowFactor(vectors, window) {
  const [xmin, xmax, ymin, ymax] = window;
  const lengths = vectors.filter(Boolean).map(([dx, dy]) => Math.hypot(dx / (xmax - xmin), dy / (ymax - ymin)))
    .filter((v) => Number.isFinite(v));
  const longest = Math.max(0, ...lengths);
  if (longest === 0 || (longest >= 0.03 && longest <= 0.3)) return 1;
  return niceFactor(ARROW_TARGET / longest);
}

export class AnatomyLayer {
  /** `view()`: "contour" | "3d"; `onLegend(factor, moment, scale, ghost)`; `retry()` once the contour loads. */
  constructor({ plot, layer, view, onLegend, retry }) {
    Object.assign(this, { plot, layer, view, onLegend, retry });
  }

  clear() {
    if (this.layer.data) Plotly.purge(this.layer);
    this.layer.hidden = true;
  }

  /** The explained path up to update k, its arrows, the 1/√v rectangle and the ghost path. */
  async draw(style, steps, k, ghost) {
    const grid = this.plot.grid;
    if (!grid || this.view() !== "contour" || !steps.length) {
      this.clear();
      if (!grid && steps.length) setTimeout(() => this.retry(), 300); // the contour is loading
      return;
    }
    this.layer.hidden = false;
    const window = grid.window;
    const step = steps[k - 1];
    const [x, y] = step.point;
    const lr = step.learning_rate;
    const vectors = {
      gradient: pair(step.gradient) ? [-lr * step.gradient[0], -lr * step.gradient[1]] : null,
      moment: pair(step.parts.moment) ? step.parts.moment : null,
      step: step.update,
    };
    const factor = arrowFactor(Object.values(vectors), window);
    const annotations = [];
    for (const [role, v] of Object.entries(vectors)) {
      if (!v) continue;
      annotations.push({
        x: x + v[0] * factor, y: y + v[1] * factor, ax: x, ay: y, xref: "x", yref: "y", axref: "x", ayref: "y",
        text: "", showarrow: true, arrowhead: 2, arrowsize: 1.1, arrowwidth: role === "step" ? 4 : 3,
        arrowcolor: COLOURS[role], standoff: 0, startstandoff: 0, name: role,
      });
    }
    const shapes = [];
    if (pair(step.parts.scale)) {
      const [sx, sy] = step.parts.scale;
      const big = Math.max(sx, sy);
      const hw = (sx / big) * SCALE_BOX * (window[1] - window[0]);
      const hh = (sy / big) * SCALE_BOX * (window[3] - window[2]);
      shapes.push({
        type: "rect", xref: "x", yref: "y", x0: x - hw, x1: x + hw, y0: y - hh, y1: y + hh, name: "scale",
        line: { color: COLOURS.scale, width: 2.5 }, fillcolor: "rgba(15,118,110,0.12)",
      });
    }
    const path = steps.slice(0, k);
    const traces = [{
      type: "scatter", mode: "lines+markers", name: style.label, x: [...path.map((s) => s.point[0]), x + step.update[0]],
      y: [...path.map((s) => s.point[1]), y + step.update[1]], line: { color: style.color, width: 2 },
      marker: { size: 5, color: style.color }, hoverinfo: "skip",
    }, {
      type: "scatter", mode: "markers", x: [x], y: [y], hoverinfo: "skip",
      marker: { size: 14, color: "#ffffff", line: { color: style.color, width: 3.5 } },
    }];
    if (ghost?.steps.length) {
      const g = ghost.steps.slice(0, k);
      const last = g.at(-1);
      const gx = [...g.map((s) => s.point[0]), last.point[0] + last.update[0]];
      const gy = [...g.map((s) => s.point[1]), last.point[1] + last.update[1]];
      traces.push({
        type: "scatter", mode: "lines+markers", name: t("anatomy.ghost_label"), x: gx, y: gy, meta: { ghost: true },
        line: { color: COLOURS.ghost, width: 2.5, dash: "dot" }, marker: { size: 5, color: COLOURS.ghost, symbol: "circle-open" }, hoverinfo: "skip",
      });
      // the label stays on the plot: on the side of the window's centre, above or below the end
      // (on a phone-sized plot the panel's legend names the dotted path instead)
      if (this.layer.clientWidth >= 500) annotations.push(this.ghostLabel(gx.at(-1), gy.at(-1), window));
    }
    const layout = this.plot.layout2d({ annotations, shapes, hovermode: false, dragmode: false });
    layout.xaxis = { ...layout.xaxis, visible: false };
    layout.yaxis = { ...layout.yaxis, visible: false };
    this.layer.dataset.factor = String(factor);
    await Plotly.react(this.layer, traces, layout, { displayModeBar: false, responsive: true, staticPlot: true });
    this.onLegend(factor, Boolean(step.parts.moment && pair(step.parts.moment)), pair(step.parts.scale), Boolean(ghost?.steps.length));
  }

  ghostLabel(x, y, window) {
    const left = x > (window[0] + window[1]) / 2;
    const low = y > (window[2] + window[3]) / 2;
    return {
      x, y, xref: "x", yref: "y", text: t("anatomy.ghost_label"), showarrow: false, name: "ghost",
      xanchor: left ? "right" : "left", yanchor: low ? "top" : "bottom", xshift: left ? -8 : 8, yshift: low ? -8 : 8,
      bgcolor: "rgba(255,255,255,0.9)", bordercolor: COLOURS.ghost, borderpad: 2, font: { size: 13, color: "#374151" },
    };
  }
}
