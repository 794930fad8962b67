/**
 * Plotly helpers shared by the pages' charts (fonts, axes, the colour transform) and the
 * loss-vs-step chart.
 */

/* global Plotly */

import { divergenceMark, finiteValues, linearRange, logAxis, rangeSeries } from "./chart_scale.js";
import { formatNumber, superscript, t } from "./i18n.js";

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const AXIS_FONT = { family: FONT, size: 16, color: "#1f2937" };
const LOSS_FLOOR = 1e-16;

/**
 * Every chart of the page writes numbers in the page's language: Spanish "0,5" and "1.000",
 * English "0.5" and "1,000" (Plotly's `separators`, given to each plot unless it sets its own).
 */
export function localizeCharts(lang) {
  const separators = lang === "es" ? ",." : ".,";
  for (const name of ["react", "newPlot"]) {
    const draw = Plotly[name];
    Plotly[name] = (el, traces, layout = {}, config) =>
      draw.call(Plotly, el, traces, { separators, ...layout }, config);
  }
}

/** Data coordinates of a mouse event over the Plotly plot `el` showing `window` (null outside). */
export function eventToData(el, window, event) {
  const full = el._fullLayout;
  if (!full || !window) return null;
  const rect = el.getBoundingClientRect();
  const px = event.clientX - rect.left - full._size.l;
  const py = event.clientY - rect.top - full._size.t;
  if (px < 0 || py < 0 || px > full._size.w || py > full._size.h) return null;
  const [xmin, xmax, ymin, ymax] = window;
  return [xmin + (px / full._size.w) * (xmax - xmin), ymax - (py / full._size.h) * (ymax - ymin)];
}

// A tap on a Plotly plot fires two clicks: the browser's, and the one Plotly's drag handler
// synthesizes on touchend. The twin arrives within a few ms at the same place.
const TWIN_CLICK_MS = 400;
const TWIN_CLICK_PX = 8;

/** Listen to clicks on `el`, calling `handler(event)` once per tap (a twin click is dropped). */
export function onClick(el, handler) {
  let last = null;
  el.addEventListener("click", (event) => {
    const twin = last && event.timeStamp - last.at < TWIN_CLICK_MS
      && Math.hypot(event.clientX - last.x, event.clientY - last.y) < TWIN_CLICK_PX;
    last = { at: event.timeStamp, x: event.clientX, y: event.clientY };
    if (!twin) handler(event);
  });
}

/** The lowest global minimum of a surface description, or null (saddles, unbounded). */
export function bestMinimum(info) {
  const values = (info.minima || []).filter((m) => m.kind === "global").map((m) => m.value);
  return values.length && info.bounded_below !== false ? Math.min(...values) : null;
}

/**
 * How f is coloured: on log-scale surfaces log10(f − f_low + δ) with δ a millionth of the
 * range (so the valley floor keeps its detail), else f itself.
 */
export function colourTransform(rows, info) {
  let low = Infinity;
  let high = -Infinity;
  for (const row of rows) for (const v of row) if (v !== null) { low = Math.min(low, v); high = Math.max(high, v); }
  const best = bestMinimum(info);
  if (best !== null) low = Math.min(low, best);
  if (!info.log_scale || !Number.isFinite(low)) {
    return { log: false, apply: (v) => v, low, high };
  }
  const delta = Math.max((high - low) * 1e-6, 1e-12);
  return { log: true, apply: (v) => Math.log10(Math.max(v - low, 0) + delta), low, high, delta };
}

/** 10 to the power p as a tick label: "1", "10", "10²", "10⁻³". */
export function superscriptPower(p) {
  if (p === 0) return "1";
  if (p === 1) return "10";
  return `10${superscript(p)}`;
}

/** A 2D axis in the page's style: fixed range (no zoom), large ticks, a frame. */
export function axis(title, range) {
  return {
    title: { text: title, font: AXIS_FONT, standoff: 6 },
    range, fixedrange: true, automargin: false, zeroline: false, showgrid: false,
    tickfont: { family: FONT, size: 15, color: "#374151" }, ticks: "outside", ticklen: 5,
    linecolor: "#9ca3af", mirror: true, showline: true,
  };
}

/** Loss against step, one line per run; log y on f − f* where a minimum is known. */
export class LossChart {
  constructor(el, note) {
    this.el = el;
    this.note = note;
    this.runs = [];
    this.best = null;
    this.revision = 0;
    this.marks = [];
  }

  setRuns(runs) {
    this.runs = runs;
  }

  /** Dashed vertical lines `[{x, color}]`: where a run's piecewise schedule changes the rate. */
  setMarks(marks) {
    this.marks = marks;
  }

  /** Choose the scale from the surface: log of f − f* if f* is known, else linear f. */
  setSurface(info) {
    this.best = bestMinimum(info);
    this.estimated = Boolean(info.minima_estimated);
    if (this.best === null) {
      this.note.textContent = t("loss.note_linear");
    } else {
      this.note.textContent = t(this.estimated ? "loss.note_log_estimated" : "loss.note_log",
        { best: formatNumber(this.best, 6) });
    }
  }

  /**
   * One line per run; `states[i].status === "diverged"` ends run i with a × at its last finite
   * value and "diverged at step k" (the server's `outcome`, through the catalog). The y-range is
   * set by the runs that did not diverge; a log axis always labels at least three ticks.
   */
  async draw(trajectories, states = []) {
    this.revision += 1;
    const log = this.best !== null;
    const traces = [];
    const series = [];
    const diverged = [];
    const marks = [];
    this.runs.forEach((run, i) => {
      const path = trajectories[i];
      if (!run.enabled || !path) return;
      const y = log ? path.f.map((v) => Math.max(v - this.best, LOSS_FLOOR)) : path.f;
      series.push(y);
      const state = states[i];
      diverged.push(state?.status === "diverged");
      if (state?.status === "diverged") marks.push({ run, path, y, state });
      traces.push({
        type: "scatter", mode: "lines", name: run.label, x: path.steps, y,
        line: { color: run.color, width: 3, dash: run.dash },
        hovertemplate: `${run.label}<br>${t("loss.step")} %{x}: %{y:.4g}<extra></extra>`,
      });
    });
    const values = finiteValues(rangeSeries(series, diverged), log);
    const scale = log ? logAxis(values) : null;
    const range = log ? scale?.range : linearRange(values);
    const lastStep = Math.max(1, ...trajectories.map((p) => p?.steps.at(-1) ?? 0));
    const notes = [];
    for (const { run, path, y, state } of marks) {
      const mark = divergenceMark(path.steps, y, range, log);
      if (!mark) continue;
      const text = state.outcome ? t(state.outcome.code, state.outcome.params) : t("summary.diverged_at", { step: state.diverged_at ?? "?" });
      traces.push({
        type: "scatter", mode: "markers", name: `${run.label} ×`, x: [mark.x], y: [mark.y],
        cliponaxis: false, customdata: [formatNumber(mark.value, 4)], meta: { diverged: true },
        marker: { symbol: "x-thin-open", size: 16, color: run.color, line: { width: 3.5, color: run.color } },
        hovertemplate: `${run.label}<br>${text}<br>%{customdata}<extra></extra>`,
      });
      const right = mark.x < lastStep / 2;
      notes.push({
        x: mark.x, y: log ? Math.log10(mark.y) : mark.y, xref: "x", yref: "y", text, showarrow: false,
        xanchor: right ? "left" : "right", xshift: right ? 12 : -12, bgcolor: "rgba(255,255,255,0.9)",
        font: { family: FONT, size: 14, color: run.color === "#000000" ? "#111827" : run.color },
      });
    }
    const layout = {
      margin: { l: 78, r: 18, t: 10, b: 54 }, showlegend: false, datarevision: this.revision,
      font: { family: FONT, size: 15 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff",
      hovermode: "closest", annotations: notes,
      shapes: this.marks.map(({ x, color }) => ({
        type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, name: "schedule-change",
        line: { color, width: 1.5, dash: "dash" },
      })),
      xaxis: { ...axis(t("loss.step")), range: undefined, autorange: true, showgrid: true, gridcolor: "#eef0f3", rangemode: "tozero" },
      yaxis: {
        ...axis(log ? t("loss.axis_gap") : "f"), range: range ?? undefined, autorange: !range,
        type: log ? "log" : "linear", showgrid: true, gridcolor: "#eef0f3", exponentformat: "power",
        ...(scale ? { tickvals: scale.tickvals, ticktext: scale.ticktext } : {}),
      },
    };
    await Plotly.react(this.el, traces, layout, { displayModeBar: false, responsive: true });
  }
}
