/**
 * The MLP's output panels, drawn from the run the page holds: the decision boundary, the MC
 * dropout uncertainty, the loss, metric and gradient curves (a few times a second while
 * playing: they hold thousands of points), the histograms, the metrics and the legend.
 */

import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";
import { featureLabel } from "./mlp_data.js";
import { Histograms } from "./mlp_histograms.js";
import { CurveChart, GradientChart } from "./mlp_curves.js";
import { BoundaryPlot, CLASS_COLORS, UncertaintyPlot } from "./mlp_plots.js";
import { $ } from "./page.js";

const CURVE_INTERVAL_MS = 150;
const visible = (el) => el.offsetParent !== null;

export class MlpView {
  /** `experiment()`: the current experiment; `redraw()`: asks for another draw later. */
  constructor({ experiment, redraw, debug }) {
    const labels = { x1: featureLabel("x1"), x2: featureLabel("x2") };
    this.experiment = experiment;
    this.redraw = redraw;
    this.debug = debug;
    this.boundary = new BoundaryPlot($("#boundary-plot"), labels);
    this.uncertainty = new UncertaintyPlot($("#mc-plot"), labels);
    this.lossChart = new CurveChart($("#loss-chart"), "loss");
    this.metricChart = new CurveChart($("#metric-chart"), "metric");
    this.gradChart = new GradientChart($("#grad-chart"));
    this.histograms = new Histograms($("#histograms"));
    this.lastCurves = 0;
    this.curveTimer = 0;
  }

  /** Draw what `shown` (a Run with its `info`) holds; returns the diagram's gradient norms. */
  async draw(shown) {
    const { task } = shown.info;
    if (shown.grid && visible($("#boundary-plot"))) await this.boundary.draw(shown.info, shown.grid);
    await this.drawUncertainty(shown);
    const now = performance.now();
    if (!shown.playing || now - this.lastCurves >= CURVE_INTERVAL_MS) {
      this.lastCurves = now;
      const divergedAt = shown.status === "diverged" ? shown.divergedAt ?? shown.epoch : null;
      if (visible($("#loss-chart"))) await this.lossChart.draw(shown.epochs, task, divergedAt);
      if (visible($("#metric-chart"))) await this.metricChart.draw(shown.epochs, task);
      if (visible($("#grad-chart"))) await this.gradChart.draw(shown.grads, shown.layers);
      this.debug.curvesEpoch = shown.epoch;
    } else {
      clearTimeout(this.curveTimer);
      this.curveTimer = setTimeout(this.redraw, CURVE_INTERVAL_MS - (now - this.lastCurves));
    }
    this.histograms.draw(shown.layers);
    this.showMetrics(shown);
    return shown.grads.length ? shown.layers?.map((l) => l.grad_norm) : null;
  }

  async drawUncertainty(shown) {
    const plot = $("#mc-plot");
    const note = $("#mc-note");
    const experiment = this.experiment();
    const dropout = experiment.layers.some((l) => l.dropout > 0);
    if (experiment.mc_passes === 0 || !dropout) {
      plot.hidden = true;
      note.textContent = experiment.mc_passes === 0 ? t("mlp.mc_off_passes") : t("mlp.mc_off_dropout");
      return;
    }
    if (!shown.mc) {
      plot.hidden = true;
      note.textContent = t("mlp.mc_waiting");
      return;
    }
    plot.hidden = false;
    note.textContent = t("mlp.mc_note", { n: experiment.mc_passes });
    if (visible(plot)) await this.uncertainty.draw(shown.info, shown.grid, shown.mc);
  }

  showMetrics(shown) {
    const latest = shown.latest;
    const regression = shown.info.task === "regression";
    const metric = (v) => (v === null || v === undefined ? "—" : regression ? formatNumber(v, 3) : `${formatNumber(v * 100, 3)} %`);
    const items = [
      ["test_loss", t("mlp.test_loss"), formatNumber(latest?.test_loss, 4)],
      ["train_loss", t("mlp.train_loss"), formatNumber(latest?.train_loss, 4)],
      ["test_metric", regression ? t("mlp.test_r2") : t("mlp.test_accuracy"), metric(latest?.test_metric)],
      ["train_metric", regression ? t("mlp.train_r2") : t("mlp.train_accuracy"), metric(latest?.train_metric)],
      ["learning_rate", t("mlp.current_lr"), formatNumber(latest?.learning_rate, 3)],
    ];
    $("#metrics").replaceChildren(...items.map(([key, label, value]) =>
      h("div", { class: "metric", "data-metric": key }, h("dt", {}, label), h("dd", {}, value))));
    const banner = $("#diverged-banner");
    banner.hidden = shown.status !== "diverged";
    if (!banner.hidden) {
      banner.replaceChildren(h("strong", {}, t("mlp.diverged_at", { epoch: shown.divergedAt ?? shown.epoch })), " ", t("mlp.diverged_hint"));
    }
    $("#metric-title").textContent = regression ? "R²" : t("mlp.metric_accuracy");
    drawLegend(shown.info);
  }
}

function drawLegend(info) {
  const items = [
    h("span", { class: "legend-point" }, h("span", { class: "marker marker-train", "aria-hidden": "true" }), t("mlp.train_points")),
    h("span", { class: "legend-point" }, h("span", { class: "marker marker-test", "aria-hidden": "true" }), t("mlp.test_points")),
  ];
  let scale;
  if (info.task === "binary") {
    scale = h("span", { class: "scale" }, h("span", { class: "scale-end", style: `--c: ${CLASS_COLORS[0]}` }, t("mlp.class_n", { n: 0 })),
      h("span", { class: "scale-bar scale-binary", "aria-hidden": "true" }),
      h("span", { class: "scale-end", style: `--c: ${CLASS_COLORS[1]}` }, t("mlp.class_n", { n: 1 })),
      h("span", { class: "scale-caption" }, t("mlp.binary_scale")));
  } else if (info.task === "regression") {
    scale = h("span", { class: "scale" }, h("span", {}, "−1"), h("span", { class: "scale-bar scale-binary", "aria-hidden": "true" }), h("span", {}, "1"),
      h("span", { class: "scale-caption" }, t("mlp.regression_scale")));
  } else {
    scale = h("span", { class: "scale" }, Array.from({ length: info.data.n_classes }, (_, k) =>
      h("span", { class: "class-swatch", style: `--c: ${CLASS_COLORS[k % CLASS_COLORS.length]}` }, t("mlp.class_n", { n: k }))),
    h("span", { class: "scale-caption" }, t("mlp.multiclass_scale")));
  }
  $("#boundary-legend").replaceChildren(h("div", { class: "legend-points" }, items), scale);
}
