/**
 * Pure helpers that choose what a chart's axis shows (no Plotly, no DOM; unit-tested in
 * tests/js/chart_scale.test.mjs): the y-range from the runs that did not diverge, log-axis
 * ticks that always label at least three values, and the smoothing of the gradient norms.
 */

import { formatNumber, superscript } from "./i18n.js";

const MIN_TICKS = 3;
const MAX_DECADE_TICKS = 7;
// A flat curve (the zero-init MLP stuck at ln 2) still gets an axis this many decades tall.
const MIN_LOG_SPAN = 0.3;

/** The finite values of `series` (arrays; null, NaN, ±∞ skipped; `positive`: > 0 only). */
export function finiteValues(series, positive = false) {
  const out = [];
  for (const values of series) {
    for (const v of values) if (v !== null && Number.isFinite(v) && (!positive || v > 0)) out.push(v);
  }
  return out;
}

/**
 * The series that set a chart's y-range: those of runs that did not diverge (a run that blew
 * up to 10¹² must not flatten the others), or every series when all of them diverged.
 */
export function rangeSeries(series, diverged) {
  const kept = series.filter((_, i) => !diverged[i]);
  return kept.some((values) => finiteValues([values]).length) ? kept : series;
}

/** A linear range around `values` with 5 % padding (a flat series gets ±5 % of its value). */
export function linearRange(values) {
  if (!values.length) return null;
  let low = Math.min(...values);
  let high = Math.max(...values);
  const pad = high > low ? 0.05 * (high - low) : Math.max(0.05 * Math.abs(high), 0.05);
  low -= pad;
  high += pad;
  return [low, high];
}

/** 10^p as a label: "1", "10", "10²", "10⁻³". */
export function powerLabel(p) {
  if (p === 0) return "1";
  if (p === 1) return "10";
  return `10${superscript(p)}`;
}

function candidates(from, to, mantissas) {
  const out = [];
  for (let p = Math.floor(from) - 1; p <= Math.ceil(to); p += 1) {
    for (const m of mantissas) {
      const v = m * 10 ** p;
      const lv = Math.log10(v);
      if (lv >= from - 1e-9 && lv <= to + 1e-9) out.push(Number(v.toPrecision(6)));
    }
  }
  return out;
}

/**
 * A log axis over the positive `values`: `{range, tickvals, ticktext}` with `range` in log10
 * units (Plotly's convention) and at least three labelled ticks: whole decades when the
 * range spans three or more, else 1-2-5 or 1…9 per decade, else evenly spaced round values;
 * never more than `maxTicks` labels (a short chart: labels that would touch). Null when there is
 * nothing positive to show.
 */
export function logAxis(values, maxTicks = 10) {
  const most = Math.max(MIN_TICKS, maxTicks);
  const positive = values.filter((v) => v !== null && Number.isFinite(v) && v > 0);
  if (!positive.length) return null;
  let from = Math.log10(Math.min(...positive));
  let to = Math.log10(Math.max(...positive));
  const pad = Math.max(0.04 * (to - from), (MIN_LOG_SPAN - (to - from)) / 2, 0);
  from -= pad;
  to += pad;
  const range = [from, to];
  const decades = candidates(from, to, [1]);
  if (decades.length >= MIN_TICKS) {
    const stride = Math.max(1, Math.ceil(decades.length / Math.min(MAX_DECADE_TICKS, most)));
    const tickvals = decades.filter((_, i) => i % stride === 0);
    return { range, tickvals, ticktext: tickvals.map((v) => powerLabel(Math.round(Math.log10(v)))) };
  }
  for (const mantissas of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const tickvals = candidates(from, to, mantissas);
    if (tickvals.length >= MIN_TICKS && tickvals.length <= 10) {
      const shown = thin(tickvals, most);
      return { range, tickvals: shown, ticktext: shown.map(tickLabel) };
    }
  }
  const low = 10 ** from;
  const high = 10 ** to;
  const step = niceStep((high - low) / 6);
  const tickvals = [];
  for (let v = Math.ceil(low / step) * step; v <= high; v += step) tickvals.push(Number(v.toPrecision(6)));
  const shown = thin(tickvals, most);
  return { range, tickvals: shown, ticktext: shown.map(tickLabel) };
}

/** At most `most` of `ticks` (every k-th; else first, middle and last), never fewer than three. */
function thin(ticks, most) {
  if (ticks.length <= most) return ticks;
  const stride = Math.ceil(ticks.length / most);
  const every = ticks.filter((_, i) => i % stride === 0);
  if (every.length >= MIN_TICKS) return every;
  return [ticks[0], ticks[Math.floor((ticks.length - 1) / 2)], ticks[ticks.length - 1]];
}

/** A tick label: a power of ten as 10ⁿ, anything else in the page's number format. */
function tickLabel(v) {
  const p = Math.log10(v);
  return Math.abs(p - Math.round(p)) < 1e-9 ? powerLabel(Math.round(p)) : formatNumber(v, 3);
}

/** The round step (1, 2 or 5 × 10ⁿ) nearest above `raw`. */
export function niceStep(raw) {
  const p = Math.floor(Math.log10(raw));
  const m = raw / 10 ** p;
  const nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
  return nice * 10 ** p;
}

/**
 * Exponential moving average of `values` in log10 (what a log chart shows): s ← a·s + (1 − a)·v,
 * started at the first value; null and non-positive values are skipped and give null.
 */
export function emaLog(values, smoothing = 0.8) {
  let s = null;
  return values.map((v) => {
    if (v === null || v === undefined || !Number.isFinite(v) || v <= 0) return null;
    const lv = Math.log10(v);
    s = s === null ? lv : smoothing * s + (1 - smoothing) * lv;
    return 10 ** s;
  });
}

/**
 * Where a diverged run's × goes: its last finite point, its y clamped into `range` (log10 units
 * on a log axis) so the mark stays on the chart; null when the run has no finite point.
 */
export function divergenceMark(xs, ys, range, log) {
  for (let i = ys.length - 1; i >= 0; i -= 1) {
    const y = ys[i];
    if (y === null || !Number.isFinite(y) || (log && y <= 0)) continue;
    if (!range) return { x: xs[i], y, value: y };
    const [low, high] = log ? range.map((r) => 10 ** r) : range;
    return { x: xs[i], y: Math.min(Math.max(y, low), high), value: y };
  }
  return null;
}

/** The index of the last point of a path inside `window` = [xmin, xmax, ymin, ymax], or −1. */
export function lastInside(xs, ys, window) {
  const [xmin, xmax, ymin, ymax] = window;
  for (let i = xs.length - 1; i >= 0; i -= 1) {
    if (xs[i] >= xmin && xs[i] <= xmax && ys[i] >= ymin && ys[i] <= ymax) return i;
  }
  return -1;
}
