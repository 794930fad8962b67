/**
 * The MLP page's curves: training and test loss (log y) or accuracy / R² per epoch, and the
 * norm of each layer's kernel gradient per frame.
 */

/* global Plotly */

import { divergenceMark, emaLog, logAxis } from "./chart_scale.js";
import { AXIS_FONT, FONT } from "./charts.js";
import { t } from "./i18n.js";
import { CONFIG, TICK_FONT } from "./mlp_plots.js";
import { isPresenting } from "./present.js";

const TRAIN_COLOR = "#0b5cad";
const TEST_COLOR = "#D55E00";
const LOG_FLOOR = 1e-10;
// Weight of the past in the gradient norms' moving average (about five frames).
const GRAD_SMOOTHING = 0.8;

// Presentation mode: every label of a chart at 16 px, readable from the back of a room.
const PRESENT_FONT = 16;

function tickFont() {
  return isPresenting() ? { ...TICK_FONT, size: PRESENT_FONT } : TICK_FONT;
}

/** How many y labels fit `el`'s plot area without touching (a short chart in presentation mode). */
function tickBudget(el, layout) {
  const plot = (el.clientHeight || 300) - layout.margin.t - layout.margin.b;
  return Math.max(3, Math.floor(plot / (2.2 * layout.yaxis.tickfont.size)));
}

function curveAxes(yTitle, log) {
  const ticks = tickFont();
  return {
    xaxis: {
      title: { text: t("mlp.epoch"), font: AXIS_FONT, standoff: 4 }, fixedrange: true, rangemode: "tozero",
      tickfont: ticks, showgrid: true, gridcolor: "#eef0f3", zeroline: false, linecolor: "#9ca3af", showline: true,
    },
    yaxis: {
      title: { text: yTitle, font: AXIS_FONT, standoff: 4 }, fixedrange: true, type: log ? "log" : "linear",
      tickfont: ticks, showgrid: true, gridcolor: "#eef0f3", zeroline: false, linecolor: "#9ca3af",
      showline: true, exponentformat: "power", nticks: 5,
    },
  };
}

function curveLayout(yTitle, log, legend = true) {
  const present = isPresenting();
  const size = present ? PRESENT_FONT : 14;
  // presentation mode: the legend inside the plot's top right, so the curves get the height
  const place = present
    ? { x: 1, xanchor: "right", y: 1, yanchor: "top", bgcolor: "rgba(255,255,255,0.85)" }
    : { x: 0, y: 1.02, yanchor: "bottom" };
  return {
    margin: { l: 64, r: 12, t: legend && !present ? 34 : 8, b: 46 }, font: { family: FONT, size },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff", hovermode: "x unified",
    showlegend: legend, legend: { orientation: "h", ...place, font: { family: FONT, size } },
    ...curveAxes(yTitle, log),
  };
}

/** A log y-axis with at least three labelled ticks, at most `most`, fitted to `values` (chart_scale.js). */
function logTicks(values, most) {
  const scale = logAxis(values, most);
  return scale ? { range: scale.range, autorange: false, tickvals: scale.tickvals, ticktext: scale.ticktext } : {};
}

/** Training and test loss per epoch (log y), or accuracy / R² (linear y). */
export class CurveChart {
  constructor(el, kind) {
    this.el = el;
    this.kind = kind; // "loss" | "metric"
    this.marks = [];
  }

  /** Dashed vertical lines at epochs `xs`: where a piecewise schedule changes the rate. */
  setMarks(xs) {
    this.marks = xs;
  }

  /** `divergedAt`: the epoch a diverged run stopped at (null while it has not diverged). */
  async draw(epochs, task, divergedAt = null) {
    const x = epochs.map((e) => e.epoch);
    const pick = (key) => epochs.map((e) => {
      const v = e[key];
      if (v === null || v === undefined || !Number.isFinite(v)) return null;
      return this.kind === "loss" ? Math.max(v, LOG_FLOOR) : v;
    });
    const prefix = this.kind === "loss" ? "loss" : "metric";
    const train = pick(`train_${prefix}`);
    const test = pick(`test_${prefix}`);
    const accuracy = this.kind === "metric" && task !== "regression";
    const fmt = this.kind === "loss" ? ":.4g" : (accuracy ? ":.1%" : ":.3f");
    const traces = [
      { type: "scatter", mode: "lines", name: t("mlp.train"), x, y: train, line: { color: TRAIN_COLOR, width: 3 },
        hovertemplate: `%{y${fmt}}<extra>${t("mlp.train")}</extra>` },
      { type: "scatter", mode: "lines", name: t("mlp.test"), x, y: test, line: { color: TEST_COLOR, width: 3, dash: "dash" },
        hovertemplate: `%{y${fmt}}<extra>${t("mlp.test")}</extra>` },
    ];
    let layout;
    if (this.kind === "loss") {
      layout = curveLayout(t("mlp.loss_axis"), true);
      Object.assign(layout.yaxis, logTicks([...train, ...test], tickBudget(this.el, layout)));
    } else if (accuracy) {
      layout = curveLayout(t("mlp.metric_accuracy"), false);
      Object.assign(layout.yaxis, { range: [0, 1.03], tickformat: ".0%" });
    } else {
      layout = curveLayout("R²", false);
      const values = [...train, ...test].filter((v) => v !== null);
      const low = values.length ? Math.max(Math.min(...values), -1) : 0;
      Object.assign(layout.yaxis, { range: [Math.min(low, 0) - 0.03, 1.03] });
    }
    if (x.length) layout.xaxis.range = [0, Math.max(x[x.length - 1], 1)];
    if (this.kind === "loss" && divergedAt !== null) markDivergence(traces, layout, x, train, divergedAt);
    layout.shapes = this.marks.map((at) => ({
      type: "line", xref: "x", yref: "paper", x0: at, x1: at, y0: 0, y1: 1, name: "schedule-change",
      line: { color: "#6b7280", width: 1.5, dash: "dash" },
    }));
    await Plotly.react(this.el, traces, layout, CONFIG);
  }
}

/** A × at the training loss' last finite value, labelled "diverged at epoch k". */
function markDivergence(traces, layout, x, train, epoch) {
  const mark = divergenceMark(x, train, layout.yaxis.range ?? null, true);
  if (!mark) return;
  const text = t("run.diverged_epoch", { epoch });
  traces.push({ type: "scatter", mode: "markers", x: [mark.x], y: [mark.y], showlegend: false,
    marker: { symbol: "x", size: 14, color: TRAIN_COLOR, line: { width: 2 } }, hovertemplate: `${text}<extra></extra>` });
  const [low, high] = layout.xaxis.range ?? [0, 1];
  const xanchor = mark.x < (low + high) / 2 ? "left" : "right"; // the label stays on the plot
  layout.annotations = [{ x: mark.x, y: Math.log10(mark.y), text, showarrow: false, xanchor, yanchor: "bottom",
    font: { family: FONT, size: 14, color: "#991b1b" }, bgcolor: "rgba(255,255,255,0.85)" }];
}

/** A colour per depth, from the first hidden layer (dark purple) to the output (yellow). */
function depthColor(i, n) {
  const viridis = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"];
  const pos = n <= 1 ? 0 : (i / (n - 1)) * (viridis.length - 1);
  return viridis[Math.round(pos)];
}

/** Name of Dense block `i` of `n` (the last is the output layer). */
export function layerName(i, n, activation) {
  return i === n - 1 ? t("mlp.output_layer", { activation }) : t("mlp.layer_act", { n: i + 1, activation });
}

/**
 * Norm of each Dense layer's kernel gradient (last minibatch of each frame), log y: the line is
 * an exponential moving average (in log space, so one noisy minibatch does not hide the
 * trend); hovering shows the raw value.
 */
export class GradientChart {
  constructor(el) {
    this.el = el;
  }

  async draw(grads, layers) {
    const n = layers ? layers.length : 0;
    const x = grads.map((g) => g.epoch);
    const traces = [];
    for (let i = 0; i < n; i += 1) {
      const name = layerName(i, n, layers[i].activation);
      const raw = grads.map((g) => (g.norms[i] === null || g.norms[i] === undefined ? null : Math.max(g.norms[i], LOG_FLOOR)));
      traces.push({
        type: "scatter", mode: "lines", name, x, y: emaLog(raw, GRAD_SMOOTHING), customdata: raw,
        line: { color: depthColor(i, n), width: 2.5 },
        hovertemplate: `%{customdata:.3g}<extra>${name}</extra>`,
      });
    }
    const layout = curveLayout(t("mlp.grad_axis"), true);
    layout.hovermode = "closest";
    layout.legend = { orientation: "v", x: 1.01, y: 1, font: { family: FONT, size: isPresenting() ? PRESENT_FONT : 13 } };
    layout.margin.r = 150;
    layout.margin.t = 8;
    Object.assign(layout.yaxis, logTicks(traces.flatMap((tr) => tr.customdata), tickBudget(this.el, layout)));
    if (x.length) layout.xaxis.range = [0, Math.max(x[x.length - 1], 1)];
    await Plotly.react(this.el, traces, layout, CONFIG);
  }
}
