/**
 * Downloads for slides and reports: every Plotly chart as PNG (twice the screen's pixels) and
 * SVG, with Plotly's own `downloadImage` (offline), and each page's run as CSV and JSON, asked
 * of the API with the experiment the page shows. A small row of buttons follows each chart.
 *
 * A chart drawn as stacked Plotly layers (the contour under the trajectories, the boundary's
 * heatmap under the points) is exported as one figure: the layers' traces in order, on white.
 */

/* global Plotly */

import { h } from "./controls.js";
import { t } from "./i18n.js";
import { MapResult } from "./map_result.js";
import { toast } from "./ui.js";

/**
 * What each page offers: its charts (element `id`; `name` labels it through
 * `downloads.chart.<name>` and names the file `descenso_<page>_<name>`; the row goes after
 * `after`, default the chart) and its run (`json` and `csv` endpoints taking the experiment as
 * body; `fromJson[format]` makes the file from the JSON instead), whose buttons join the row
 * of `chart`.
 */
export const PAGE_DOWNLOADS = {
  surface: {
    charts: [{ id: "surface-plot", name: "surface" }, { id: "loss-chart", name: "loss" }],
    run: { chart: "loss-chart", what: "race", json: "/api/surface/run", csv: "/api/surface/export/csv" },
  },
  mlp: {
    charts: [
      { id: "loss-chart", name: "loss" }, { id: "metric-chart", name: "metric" },
      { id: "grad-chart", name: "gradients" }, { id: "boundary-plot", name: "boundary", after: "boundary-legend" },
      { id: "mc-plot", name: "uncertainty" },
    ],
    run: { chart: "loss-chart", what: "training", json: "/api/mlp/run", csv: "/api/mlp/export/csv" },
  },
  activations: {
    charts: [{ id: "f-plot", name: "activation_f" }, { id: "df-plot", name: "activation_df" },
      { id: "dist-plot", name: "activation_distribution" }],
  },
  init: {
    charts: [{ id: "std-plot", name: "init_std" }, { id: "grad-plot", name: "init_gradients" },
      { id: "hist-plot", name: "init_histograms" }],
  },
  map: {
    charts: [{ id: "map-plot", name: "map" }, { id: "map-preview", name: "start" }],
    run: {
      chart: "map-plot", what: "map", json: "/api/map/run",
      fromJson: { csv: (json, e) => mapCsv(json, e.second), json: (json, e) => mapJson(json, e.second) },
    },
  },
};

const PNG_SCALE = 2; // sharp on a projector and in slides

/* ---------- tables ---------- */

/** A CSV field: numbers as JavaScript writes them (decimal point), empty for null/NaN/±∞. */
function field(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows (arrays) under a header as CSV text, one line per row. */
export function toCsv(header, rows) {
  return [header, ...rows].map((row) => row.map(field).join(",")).join("\n") + "\n";
}

/**
 * The map's numbers as JSON: the answer of `POST /api/map/run` with its base64 grids decoded
 * into rows (row = the second hyperparameter `y`, column = the learning rate `x`; null where a
 * cell diverged or never reached the tolerance) and the second hyperparameter's name.
 */
export function mapJson(json, second) {
  const map = new MapResult(json);
  return { ...json, second, final_loss: map.loss, steps_to_tolerance: map.steps, diverged_at: map.diverged };
}

/**
 * The map's cells as CSV: `row,col,learning_rate,<second>,final_loss,steps_to_tolerance,
 * diverged_at`, one line per cell (empty where the cell has no such value).
 */
export function mapCsv(json, second) {
  const map = new MapResult(json);
  const rows = [];
  for (let row = 0; row < map.ny; row += 1) {
    for (let col = 0; col < map.nx; col += 1) {
      const cell = map.cell(row, col);
      rows.push([row, col, cell.lr, cell.value, cell.loss, cell.steps, cell.divergedAt]);
    }
  }
  return toCsv(["row", "col", "learning_rate", second, "final_loss", "steps_to_tolerance", "diverged_at"], rows);
}

/* ---------- charts ---------- */

function opaque(colour) {
  return Boolean(colour) && colour !== "transparent" && !/rgba\([^)]*,\s*0\)$/.test(colour);
}

/** The Plotly plots a chart shows now: the element itself or its visible stacked layers. */
function shownLayers(container) {
  const plots = container.classList.contains("js-plotly-plot")
    ? [container] : [...container.querySelectorAll(".js-plotly-plot")];
  return plots.filter((el) => Array.isArray(el.data) && el.getClientRects().length > 0);
}

/** A copy the export may change (the live plots keep their own objects). */
function copy(figure) {
  try {
    return structuredClone(figure);
  } catch {
    return { data: figure.data.map((trace) => ({ ...trace })), layout: { ...figure.layout } };
  }
}

/**
 * One figure `{data, layout}` of the chart as shown, or null: the layers merged, on white,
 * and, where the page names its lines in a legend of its own (outside the plot), a legend of
 * the named lines above the plot, so the picture explains itself on a slide.
 */
export function chartFigure(container) {
  const layers = shownLayers(container);
  if (layers.length === 0) return null;
  const { data, layout } = copy({
    data: layers.flatMap((el) => el.data), layout: Object.assign({}, ...layers.map((el) => el.layout)),
  });
  // Each axis as the layer that labels it draws it (a transparent top layer hides its axes).
  for (const key of Object.keys(layout).filter((k) => /^[xy]axis\d*$/.test(k))) {
    const labelled = layers.map((el) => el.layout[key])
      .filter((a) => a && a.visible !== false && a.showticklabels !== false);
    if (labelled.length) layout[key] = structuredClone(labelled[labelled.length - 1]);
  }
  const under = layers[0].layout.plot_bgcolor;
  layout.plot_bgcolor = opaque(under) ? under : "#ffffff";
  layout.paper_bgcolor = "#ffffff";
  const lines = data.filter((trace) => trace.name && trace.visible !== false && (trace.mode ?? "lines").includes("lines"));
  if (lines.length >= 2 && layout.showlegend === false) {
    for (const trace of data) trace.showlegend = lines.includes(trace);
    layout.showlegend = true;
    layout.legend = { orientation: "h", x: 0, xanchor: "left", y: 1.02, yanchor: "bottom", font: { size: 14 } };
    layout.margin = { ...layout.margin, autoexpand: true };
  }
  return { data, layout };
}

/** Save the chart in `container` as `format` ("png" or "svg"); false if nothing is drawn. */
export async function downloadChart(container, format, filename) {
  const figure = chartFigure(container);
  if (!figure) return false;
  await Plotly.downloadImage(figure, {
    format, filename, scale: format === "png" ? PNG_SCALE : 1,
    width: Math.max(container.clientWidth, 320), height: Math.max(container.clientHeight, 240),
  });
  return true;
}

/* ---------- runs ---------- */

/** Hand `blob` to the browser as a file called `filename`. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

/** Download the run of `experiment` as "csv" or "json" (named `descenso_<page>_run.<format>`). */
export async function downloadRun(page, run, format, experiment) {
  const filename = `descenso_${page}_run.${format}`;
  const type = format === "csv" ? "text/csv" : "application/json";
  const make = run.fromJson?.[format];
  if (make) {
    const json = await (await post(run.json, experiment)).json();
    const made = make(json, experiment);
    saveBlob(new Blob([typeof made === "string" ? made : JSON.stringify(made)], { type }), filename);
  } else {
    saveBlob(new Blob([await (await post(run[format], experiment)).text()], { type }), filename);
  }
}

/* ---------- the buttons ---------- */

function button(format, title, action) {
  const el = h("button", { type: "button", class: "download-button", "data-download": format, title, "aria-label": title },
    format.toUpperCase());
  el.addEventListener("click", async () => {
    el.disabled = true;
    try {
      await action();
    } catch {
      toast(t("downloads.failed"));
    } finally {
      el.disabled = false;
    }
  });
  return el;
}

/** The row of buttons after one chart. */
function chartRow(page, chart, el) {
  const label = t(`downloads.chart.${chart.name}`);
  const image = (format) => button(format, t(`downloads.${format}_title`, { chart: label }), async () => {
    if (!(await downloadChart(el, format, `descenso_${page}_${chart.name}`))) toast(t("downloads.nothing"));
  });
  return h("div", { class: "chart-downloads", role: "group", "aria-label": t("downloads.group", { chart: label }), "data-downloads": chart.name },
    h("span", { class: "chart-downloads-label", "aria-hidden": "true" }, t("downloads.label")),
    image("png"), image("svg"));
}

/** Put the download buttons of `page` under its charts; `experiment()` is the run to export. */
export function wireDownloads(page, experiment) {
  const plan = PAGE_DOWNLOADS[page];
  if (!plan) return;
  for (const chart of plan.charts) {
    const el = document.getElementById(chart.id);
    if (!el) continue;
    const row = chartRow(page, chart, el);
    if (plan.run?.chart === chart.id) {
      const what = t(`downloads.run.${plan.run.what}`);
      const data = (format) => button(format, t(`downloads.${format}_title`, { what }),
        () => downloadRun(page, plan.run, format, experiment()));
      row.append(h("span", { class: "chart-downloads-label chart-downloads-data" }, what), data("csv"), data("json"));
    }
    (document.getElementById(chart.after ?? chart.id) ?? el).after(row);
  }
}
