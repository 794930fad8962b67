/**
 * The learning rate over a run, lr(t), under every schedule control: a small SVG chart of the
 * server's curve (POST /api/schedule for a race's run, POST /api/mlp/schedule for the MLP run:
 * the schedule code that trains), redrawn when the run's rate, schedule or length changes.
 * And the places where a piecewise schedule changes its rate, for the pages' loss charts.
 */

import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 300;
const HEIGHT = 72;
const CACHE_SIZE = 64;
const DEBOUNCE_MS = 150;

const cache = new Map(); // request key → promise of the curve

/**
 * A curve in one shape: `x` (the chart's abscissa: update t, or epochs), `y` (η), `axis`
 * ("step" | "epoch") and `changes` (abscissae of the loss chart where the rate changes: the
 * point before the first update at the new rate). Pure.
 */
export function normalize(url, data) {
  if (url === "/api/mlp/schedule") {
    const per = data.steps_per_epoch;
    return {
      axis: "epoch", x: data.updates.map((u) => u / per), y: data.learning_rate,
      changes: data.changes.map((u) => (u - 1) / per), end: data.total_steps / per,
    };
  }
  const y = data.learning_rate;
  const x = y.map((_, i) => i + 1);
  const changes = [];
  for (let i = 1; i < y.length; i += 1) if (y[i] !== y[i - 1]) changes.push(i); // update i + 1 → point i
  return { axis: "step", x, y, changes, end: y.length };
}

/** The curve of `request` = {url, body} (cached by its body). */
export function fetchCurve(request) {
  const key = `${request.url} ${JSON.stringify(request.body)}`;
  if (!cache.has(key)) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value);
    cache.set(key, fetch(request.url, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request.body),
    }).then(async (response) => {
      if (!response.ok) throw new Error(`${request.url}: ${response.status}`);
      return normalize(request.url, await response.json());
    }).catch((error) => { cache.delete(key); throw error; }));
  }
  return cache.get(key);
}

const charts = new Set();

/** Redraw every chart still on the page (each fetches only if its request changed). */
export function refreshCharts() {
  for (const chart of [...charts]) {
    if (chart.el.isConnected) chart.refresh();
    else if (chart.drawn) charts.delete(chart);
  }
}

/** A small lr(t) chart; `request()` → {url, body} of the run it draws. */
export class ScheduleChart {
  constructor(request) {
    this.request = request;
    this.key = null;
    this.drawn = false;
    this.line = document.createElementNS(SVG, "polyline");
    this.line.setAttribute("class", "lrchart-line");
    this.line.setAttribute("vector-effect", "non-scaling-stroke");
    this.marks = document.createElementNS(SVG, "g");
    this.marks.setAttribute("class", "lrchart-changes");
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
    this.svg.setAttribute("preserveAspectRatio", "none");
    this.svg.setAttribute("role", "img");
    this.svg.append(this.marks, this.line);
    this.top = h("span", { class: "lrchart-top" });
    this.start = h("span", {});
    this.endLabel = h("span", {});
    this.el = h("figure", { class: "lrchart", "data-lrchart": "" },
      h("figcaption", {}, h("span", {}, t("lrchart.caption")), this.top),
      h("div", { class: "lrchart-plot" }, this.svg),
      h("div", { class: "lrchart-x" }, this.start, this.endLabel));
    charts.add(this);
    this.refresh();
  }

  /** Fetch and draw if the request changed; a chart in a closed <details> waits until opened. */
  refresh() {
    const details = this.el.closest("details");
    if (details && !details.open) {
      if (!this.waiting) {
        this.waiting = () => { details.removeEventListener("toggle", this.waiting); this.waiting = null; this.refresh(); };
        details.addEventListener("toggle", this.waiting);
      }
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), this.drawn ? DEBOUNCE_MS : 0);
  }

  async load() {
    const request = this.request();
    if (!request) return;
    const key = JSON.stringify(request);
    if (key === this.key) return;
    this.key = key;
    this.el.dataset.loading = "true";
    try {
      const curve = await fetchCurve(request);
      if (key === this.key) this.draw(curve);
    } catch {
      if (key === this.key) this.key = null; // try again at the next change
    }
  }

  draw(curve) {
    const { x, y, end } = curve;
    const high = Math.max(...y.filter(Number.isFinite), 0) * 1.08 || 1;
    const px = (v) => (v / end) * WIDTH;
    const py = (v) => HEIGHT - (v / high) * HEIGHT;
    const points = x.map((v, i) => `${px(v).toFixed(2)},${py(y[i]).toFixed(2)}`);
    if (points.length === 1) points.push(`${WIDTH},${py(y[0]).toFixed(2)}`);
    this.line.setAttribute("points", points.join(" "));
    const lines = curve.changes.map((c) => {
      const line = document.createElementNS(SVG, "line");
      const at = px(curve.axis === "step" ? c + 0.5 : c);
      for (const [k, v] of Object.entries({ x1: at, x2: at, y1: 0, y2: HEIGHT })) line.setAttribute(k, v.toFixed(2));
      line.setAttribute("vector-effect", "non-scaling-stroke");
      return line;
    });
    this.marks.replaceChildren(...lines);
    const axis = t(`lrchart.${curve.axis}`);
    this.svg.setAttribute("aria-label", t("lrchart.aria", { axis }));
    this.top.textContent = `η: ${formatNumber(y[0], 3)} → ${formatNumber(y.at(-1), 3)}`;
    this.start.textContent = curve.axis === "step" ? `${axis} 1` : `${axis} 0`;
    this.endLabel.textContent = `${axis} ${formatNumber(end, 4)}`;
    Object.assign(this.el.dataset, { points: String(y.length), first: String(y[0]), last: String(y.at(-1)), changes: String(curve.changes.length), loading: "false" });
    this.drawn = true;
  }
}

/**
 * Marks for a loss chart: `requests()` → [{request, color}] (the runs with a piecewise
 * schedule); `apply(marks)` gets [{x, color}] once their curves arrive. Call `update()` on
 * every change (debounced; the curves are cached).
 */
export class ScheduleMarks {
  constructor(requests, apply) {
    this.requests = requests;
    this.apply = apply;
    this.key = "[]";
  }

  update() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), DEBOUNCE_MS);
  }

  async load() {
    const wanted = this.requests();
    const key = JSON.stringify(wanted);
    if (key === this.key) return;
    this.key = key;
    try {
      const curves = await Promise.all(wanted.map((w) => fetchCurve(w.request)));
      if (key !== this.key) return;
      this.apply(curves.flatMap((curve, i) => curve.changes.map((x) => ({ x, color: wanted[i].color }))));
    } catch {
      this.key = null;
    }
  }
}
