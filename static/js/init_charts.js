/**
 * The initializer lab's pictures, settings A and B side by side: the activations' std and mean
 * per layer, the backpropagated gradient's std per layer (log scale), every layer's histogram
 * as a row of colour, and the variance argument with the numbers of the current settings.
 */

/* global Plotly */

import { FONT, axis } from "./charts.js";
import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";

export const SIDES = [{ key: "a", label: "A", colour: "#0072B2" }, { key: "b", label: "B", colour: "#D55E00" }];
const CONFIG = { displayModeBar: false, responsive: true };

function lineLayout(yTitle, extra = {}) {
  return {
    margin: { l: 74, r: 12, t: 30, b: 50 }, font: { family: FONT, size: 15 },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff", hovermode: "x unified", showlegend: true,
    legend: { orientation: "h", x: 0, y: 1.0, yanchor: "bottom", font: { family: FONT, size: 14 }, entrywidth: 0.5, entrywidthmode: "fraction" },
    xaxis: { ...axis(t("init.layer")), range: undefined, autorange: true, showgrid: true, gridcolor: "#eef0f3" },
    yaxis: { ...axis(yTitle), range: undefined, autorange: true, showgrid: true, gridcolor: "#eef0f3", zeroline: true, zerolinecolor: "#c7ccd3" },
    ...extra,
  };
}

/** (last / first)^(1 / (depth − 1)): what one layer multiplies the std by, or null. */
export function perLayerFactor(stds) {
  const first = stds[0];
  const last = stds.at(-1);
  if (stds.length < 2 || !(first > 0) || !(last > 0)) return null;
  return (last / first) ** (1 / (stds.length - 1));
}

export class InitCharts {
  constructor({ stdPlot, gradPlot, histPlot, numbers }) {
    Object.assign(this, { stdPlot, gradPlot, histPlot, numbers });
  }

  /** `answers[i]`: `POST /api/init/propagate`'s answer for side i; `lab`: the page state. */
  async draw(answers, lab) {
    const layers = (answer) => answer.layers.map((_, i) => i + 1);
    const std = [];
    const grad = [];
    SIDES.forEach((side, i) => {
      const answer = answers[i];
      const x = layers(answer);
      std.push({
        type: "scatter", mode: "lines+markers", name: t("init.legend_std", { side: side.label }), x,
        y: answer.layers.map((l) => l.activation_std), line: { color: side.colour, width: 3 }, marker: { size: 5 },
      }, {
        type: "scatter", mode: "lines", name: t("init.legend_mean", { side: side.label }), x,
        y: answer.layers.map((l) => l.activation_mean), line: { color: side.colour, width: 2, dash: "dot" },
      });
      grad.push({
        type: "scatter", mode: "lines+markers", name: side.label, x,
        y: answer.layers.map((l) => (l.gradient_std > 0 ? l.gradient_std : null)),
        line: { color: side.colour, width: 3 }, marker: { size: 5 },
      });
    });
    const gradLayout = lineLayout(t("init.grad_axis"));
    Object.assign(gradLayout.yaxis, { type: "log", exponentformat: "power", zeroline: false });
    await Promise.all([
      Plotly.react(this.stdPlot, std, lineLayout(t("init.std_axis")), CONFIG),
      Plotly.react(this.gradPlot, grad, gradLayout, CONFIG),
      Plotly.react(this.histPlot, ...this.histograms(answers, lab), CONFIG),
    ]);
    this.drawNumbers(answers, lab);
  }

  /** Two heatmaps: row = layer, column = bin, colour = the layer's share in that bin. */
  histograms(answers, lab) {
    const traces = [];
    const layout = {
      margin: { l: 56, r: 10, t: 30, b: 50 }, font: { family: FONT, size: 15 },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff",
    };
    SIDES.forEach((side, i) => {
      const answer = answers[i];
      const [lo, hi] = answer.layers[0].bin_edges;
      const bins = answer.layers[0].histogram.length;
      const x = Array.from({ length: bins }, (_, k) => lo + ((k + 0.5) * (hi - lo)) / bins);
      const z = answer.layers.map((l) => {
        const total = l.histogram.reduce((s, c) => s + c, 0) || 1;
        return l.histogram.map((c) => c / total);
      });
      const suffix = i === 0 ? "" : "2";
      traces.push({
        type: "heatmap", x, y: answer.layers.map((_, k) => k + 1), z, xaxis: `x${suffix}`, yaxis: `y${suffix}`,
        colorscale: [[0, "#ffffff"], [1, side.colour]], showscale: false, zmin: 0,
        hovertemplate: `${side.label} · ${t("init.layer")} %{y}<br>%{x:.2f}: %{z:.1%}<extra></extra>`,
      });
      const domain = i === 0 ? [0, 0.46] : [0.54, 1];
      const setting = lab[side.key];
      const title = `<b>${side.label}</b> · ${setting.initializer} · ${setting.activation}`;
      layout[`xaxis${suffix}`] = {
        ...axis(title), range: undefined, autorange: true, domain, anchor: `y${suffix}`,
        title: { text: title, font: { family: FONT, size: 14, color: side.colour }, standoff: 4 },
      };
      const yaxis = { ...axis(t("init.layer")), range: undefined, autorange: true, anchor: `x${suffix}`, dtick: Math.max(1, Math.ceil(lab.depth / 5)) };
      if (i > 0) delete yaxis.title;
      layout[`yaxis${suffix}`] = yaxis;
    });
    return [traces, layout];
  }

  /** The argument's numbers: fan_in · Var(w) and the measured std from the first to the last layer. */
  drawNumbers(answers, lab) {
    const blocks = SIDES.map((side, i) => {
      const answer = answers[i];
      const setting = lab[side.key];
      const stds = answer.layers.map((l) => l.activation_std);
      const gain = answer.fan_in * answer.weight_variance;
      const lines = [h("p", {}, h("span", { class: `side-${side.key}` }, `${side.label}: `),
        t("init.gain", { fan_in: formatNumber(answer.fan_in, 6), variance: formatNumber(answer.weight_variance, 3), gain: formatNumber(gain, 3) }))];
      if (stds.some((s) => s === null)) {
        lines.push(h("p", {}, t("init.overflow")));
      } else {
        const factor = perLayerFactor(stds);
        const params = { first: formatNumber(stds[0], 3), last: formatNumber(stds.at(-1), 3), depth: stds.length };
        lines.push(h("p", {}, factor === null ? t("init.measured_plain", params)
          : t("init.measured", { ...params, factor: formatNumber(factor, 3) })));
      }
      if (setting.batch_normalization !== "none") lines.push(h("p", {}, t("init.bn_note")));
      return h("div", { "data-side": side.key }, lines);
    });
    this.numbers.replaceChildren(...blocks);
  }
}
