/**
 * The loss landscape's charts (Plotly): the slice (contour of log₁₀ loss, or a line in 1D) with
 * the trained network at its centre; the PCA plane with the path, each point as opaque as it is
 * close to the plane; the true loss along the path against the plane's; the interpolation
 * curve; λ_max against 2/η per epoch.
 */

/* global Plotly */

import { logAxis } from "./chart_scale.js";
import { AXIS_FONT, FONT } from "./charts.js";
import { decodeFloat32 } from "./grid.js";
import { formatNumber, t } from "./i18n.js";
import { CONFIG, TICK_FONT } from "./mlp_plots.js";

const BLUE = "#0b5cad";
const ORANGE = "#D55E00";
const GREEN = "#009E73";
const SCALE = "Viridis";

function axis(title, extra = {}) {
  return {
    title: { text: title, font: AXIS_FONT, standoff: 4 }, tickfont: TICK_FONT, zeroline: false,
    showline: true, linecolor: "#9ca3af", gridcolor: "#eef0f3", fixedrange: true, ...extra,
  };
}

/** A log y axis titled `title` with a few readable ticks fitted to `values` (chart_scale.js). */
function logY(title, ...values) {
  const scale = logAxis(values.flat(), 6);
  const ticks = scale ? { range: scale.range, autorange: false, tickvals: scale.tickvals, ticktext: scale.ticktext } : {};
  return axis(title, { type: "log", exponentformat: "power", ...ticks });
}

function layout(xTitle, yTitle, extra = {}) {
  return {
    margin: { l: 64, r: 16, t: 30, b: 50 }, font: { family: FONT, size: 14 },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff", showlegend: true,
    // two entries each: half the width apiece, so their place does not hang on measured text
    // (a lesson's frame is scaled, and text measured there comes out short)
    legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", entrywidth: 0.5, entrywidthmode: "fraction", font: { family: FONT, size: 14 } },
    xaxis: axis(xTitle), yaxis: axis(yTitle), ...extra,
  };
}

const log10 = (v) => (v === null || !(v > 0) ? null : Math.log10(v));

/** The answer's grid as rows (len(beta) × len(alpha)) of losses (null where not finite). */
export function gridRows(answer) {
  const flat = decodeFloat32(answer.loss);
  const n = answer.alpha.length;
  return answer.beta.map((_, i) => flat.slice(i * n, (i + 1) * n));
}

function contour(answer, rows) {
  return {
    type: "contour", x: answer.alpha, y: answer.beta, z: rows.map((row) => row.map(log10)),
    colorscale: SCALE, ncontours: 24, line: { width: 0.5, color: "rgba(255,255,255,0.5)" },
    contours: { coloring: "heatmap" }, showlegend: false,
    colorbar: { title: { text: t("landscape.log_loss"), side: "right", font: { family: FONT, size: 13 } },
      thickness: 12, tickfont: { family: FONT, size: 12 } },
    customdata: rows, hovertemplate: `α %{x:.3f}<br>β %{y:.3f}<br>${t("landscape.loss")} %{customdata:.4g}<extra></extra>`,
  };
}

function trainedMarker() {
  return { type: "scatter", mode: "markers", x: [0], y: [0], name: t("landscape.trained"),
    marker: { symbol: "star", size: 16, color: "#ffffff", line: { color: "#111827", width: 1.5 } },
    hovertemplate: `${t("landscape.trained")}<extra></extra>` };
}

/** Random slice: a contour around θ* (2D) or the loss along α (1D). */
export function drawSlice(el, answer) {
  const rows = gridRows(answer);
  if (answer.beta.length === 1) {
    const line = { type: "scatter", mode: "lines", x: answer.alpha, y: rows[0], name: t("landscape.loss"),
      line: { color: BLUE, width: 2.5 } };
    const star = { ...trainedMarker(), y: [answer.center_loss], marker: { symbol: "star", size: 16, color: ORANGE } };
    return Plotly.react(el, [line, star], layout("α", t("landscape.loss"), { yaxis: logY(t("landscape.loss"), rows[0]) }), CONFIG);
  }
  return Plotly.react(el, [contour(answer, rows), trainedMarker()],
    layout("α", "β"), CONFIG);
}

const pc = (k, ratio) => t("landscape.pc_axis", { k, percent: formatNumber(100 * (ratio ?? 0), 3) });

/** The PCA plane with the projected path: opacity 1 on the plane, fading with the residual. */
export function drawPcaPlane(el, answer) {
  const rows = gridRows(answer);
  const [r1, r2] = answer.explained_variance;
  const residual = answer.residual.map((r) => r ?? 0);
  const worst = Math.max(...residual, 1e-12);
  const opacity = residual.map((r) => 1 - 0.85 * (r / worst));
  const path = {
    type: "scatter", mode: "lines+markers", name: t("landscape.path"),
    x: answer.path.map((p) => p[0]), y: answer.path.map((p) => (answer.beta.length === 1 ? 0 : p[1])),
    line: { color: "rgba(255,255,255,0.8)", width: 1.5 },
    marker: { size: 8, color: ORANGE, opacity, line: { color: "#111827", width: 0.5 } },
    customdata: answer.path_epochs.map((e, i) => [e, residual[i]]),
    hovertemplate: `${t("mlp.epoch")} %{customdata[0]}<br>${t("landscape.residual")} %{customdata[1]:.3g}<extra></extra>`,
  };
  if (answer.beta.length === 1) {
    const line = { type: "scatter", mode: "lines", x: answer.alpha, y: rows[0], name: t("landscape.loss"), line: { color: BLUE, width: 2.5 } };
    return Plotly.react(el, [line], layout(pc(1, r1), t("landscape.loss")), CONFIG);
  }
  return Plotly.react(el, [contour(answer, rows), path, trainedMarker()],
    layout(pc(1, r1), pc(2, r2)), CONFIG);
}

/** The honesty chart: the true loss at each snapshot against the plane's at its projection. */
export function drawHonesty(el, answer) {
  const x = answer.path_epochs;
  const traces = [
    { type: "scatter", mode: "lines+markers", x, y: answer.path_loss, name: t("landscape.true_loss"), line: { color: BLUE, width: 2.5 }, marker: { size: 5 } },
    { type: "scatter", mode: "lines+markers", x, y: answer.plane_loss, name: t("landscape.plane_loss"), line: { color: ORANGE, width: 2, dash: "dot" }, marker: { size: 5 } },
  ];
  return Plotly.react(el, traces, layout(t("mlp.epoch"), t("landscape.loss"), {
    yaxis: logY(t("landscape.loss"), answer.path_loss, answer.plane_loss) }), CONFIG);
}

/** L((1 − α) θ_a + α θ_b) with the two networks marked. */
export function drawInterpolation(el, answer, labels) {
  const at = (a) => answer.loss[answer.alpha.reduce((best, v, i) => (Math.abs(v - a) < Math.abs(answer.alpha[best] - a) ? i : best), 0)];
  const traces = [
    { type: "scatter", mode: "lines", x: answer.alpha, y: answer.loss, name: t("landscape.loss"), line: { color: BLUE, width: 2.5 } },
    { type: "scatter", mode: "markers+text", x: [0, 1], y: [at(0), at(1)], text: labels, textposition: ["top right", "top left"], // each label inside the axis
      textfont: { family: FONT, size: 14 }, name: t("landscape.ends"), showlegend: false,
      marker: { size: 11, color: [GREEN, ORANGE], line: { color: "#111827", width: 1 } } },
  ];
  return Plotly.react(el, traces, layout("α", t("landscape.loss"), {
    yaxis: logY(t("landscape.loss"), answer.loss), showlegend: false }), CONFIG);
}

/** λ_max per epoch against the edge of stability 2/η. */
export function drawSharpness(el, answer) {
  const traces = [
    { type: "scatter", mode: "lines+markers", x: answer.epochs, y: answer.lambda_max, name: t("landscape.lambda_max"), line: { color: BLUE, width: 2.5 }, marker: { size: 5 } },
    { type: "scatter", mode: "lines", x: answer.epochs, y: answer.two_over_lr, name: t("landscape.two_over_lr"), line: { color: ORANGE, width: 2, dash: "dash" } },
  ];
  return Plotly.react(el, traces, layout(t("mlp.epoch"), t("landscape.sharpness_axis"), {
    yaxis: logY(t("landscape.sharpness_axis"), answer.lambda_max, answer.two_over_lr) }), CONFIG);
}
