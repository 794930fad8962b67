/**
 * The learning-rate finder of the MLP page (fastai's `lr_find`, Leslie Smith's range test): a
 * button beside η opens a dialog (an overlay: it works in presentation mode and on a phone) that
 * asks `POST /api/mlp/lr_find` to sweep η over minibatch steps on a fresh copy of the current
 * network, draws the loss against η (log x; raw and smoothed) with the server's three
 * suggestions marked, and offers "use it" buttons that set η through the store (so the link
 * and the training follow). The training on the page is untouched by the sweep.
 */

/* global Plotly */

import { AXIS_FONT, FONT } from "./charts.js";
import { h } from "./controls.js";
import { errorText, formatNumber, t } from "./i18n.js";
import { CONFIG, TICK_FONT } from "./mlp_plots.js";

export const SWEEP = { start_lr: 1e-7, end_lr: 10, num_it: 100 };
// The suggestions in the order fastai lists them, with their mark on the chart.
const SUGGESTIONS = [
  ["valley", { symbol: "circle", color: "#1b9e77" }],
  ["steep", { symbol: "triangle-down", color: "#d95f02" }],
  ["minimum", { symbol: "diamond", color: "#7570b3" }],
];
const RAW_COLOR = "rgba(11, 92, 173, 0.35)";
const SMOOTH_COLOR = "#0b5cad";

/** η as the link keeps it: two significant digits (a finder suggests an order of magnitude). */
export function roundedRate(lr) {
  return Number(lr.toPrecision(2));
}

/** The smoothed loss at rate `lr` (linear in log η between the sweep's points), for a mark. */
export function lossAt(rates, losses, lr) {
  const x = Math.log10(lr);
  const xs = rates.map(Math.log10);
  if (x <= xs[0]) return losses[0];
  for (let i = 1; i < xs.length; i += 1) {
    if (x <= xs[i]) return losses[i - 1] + ((x - xs[i - 1]) / (xs[i] - xs[i - 1])) * (losses[i] - losses[i - 1]);
  }
  return losses[losses.length - 1];
}

/** A y-range that shows the smoothed curve whole and cuts the raw loss' last spikes. */
function lossRange(result) {
  const values = result.smoothed.filter(Number.isFinite);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = Math.max(0.06 * (high - low), 0.02 * Math.abs(high), 1e-6);
  return [low - pad, high + pad];
}

/**
 * Wire the finder: `button` opens it; `ctx` = {experiment(), onUse(lr), debug}. Returns
 * {dialog, open()}.
 */
export function buildLrFinder(button, ctx) {
  const chart = h("div", { id: "lr-find-chart", class: "lr-find-chart", role: "img", "aria-label": t("mlp.lr_find_aria") });
  const status = h("p", { id: "lr-find-status", class: "lr-find-status", role: "status" });
  const picks = h("div", { class: "lr-find-picks", role: "group", "aria-label": t("mlp.lr_find_use_label") });
  const again = h("button", { type: "button", class: "button", id: "lr-find-again" }, t("mlp.lr_find_again"));
  const close = h("button", { type: "button", class: "icon-button", "aria-label": t("keys.close"), title: t("keys.close") }, "×");
  const dialog = h("dialog", { id: "lr-find-dialog", class: "dialog lr-find-dialog", "aria-labelledby": "lr-find-title" },
    h("header", { class: "dialog-head" }, h("h2", { id: "lr-find-title" }, t("mlp.lr_find_title")), close),
    h("p", { class: "lr-find-note" }, t("mlp.lr_find_note", {
      start: formatNumber(SWEEP.start_lr, 3), end: formatNumber(SWEEP.end_lr, 3), steps: SWEEP.num_it })),
    chart, status, h("div", { class: "lr-find-actions" }, picks, again));
  document.body.append(dialog);
  let asked = 0; // the latest request: an older answer is dropped

  async function run() {
    const mine = ++asked;
    picks.replaceChildren();
    again.disabled = true;
    status.textContent = t("mlp.lr_find_running");
    status.classList.remove("is-error");
    Plotly.purge(chart);
    let result;
    try {
      const response = await fetch("/api/mlp/lr_find", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ experiment: ctx.experiment(), ...SWEEP }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error((body.errors ?? []).map(errorText).join("; ") || `HTTP ${response.status}`);
      result = body;
    } catch (error) {
      if (mine !== asked) return;
      status.textContent = t("mlp.lr_find_failed", { reason: error.message });
      status.classList.add("is-error");
      again.disabled = false;
      return;
    }
    if (mine !== asked) return;
    ctx.debug.lrFind = result;
    again.disabled = false;
    await show(result);
  }

  async function show(result) {
    const rates = result.learning_rates;
    if (rates.length < 2) {
      status.textContent = t("mlp.lr_find_too_short");
      return;
    }
    const traces = [
      { type: "scatter", mode: "lines", name: t("mlp.lr_find_raw"), x: rates, y: result.losses,
        line: { color: RAW_COLOR, width: 2 }, hovertemplate: `η = %{x:.2g}<br>%{y:.4g}<extra>${t("mlp.lr_find_raw")}</extra>` },
      { type: "scatter", mode: "lines", name: t("mlp.lr_find_smoothed"), x: rates, y: result.smoothed,
        line: { color: SMOOTH_COLOR, width: 3 }, hovertemplate: `η = %{x:.2g}<br>%{y:.4g}<extra>${t("mlp.lr_find_smoothed")}</extra>` },
    ];
    const buttons = [];
    for (const [name, mark] of SUGGESTIONS) {
      const lr = result.suggestions[name];
      if (lr === null || lr === undefined) continue;
      const label = t(`mlp.lr_find_${name}`);
      traces.push({ type: "scatter", mode: "markers", name: label,
        x: [lr], y: [lossAt(rates, result.smoothed, lr)],
        marker: { symbol: mark.symbol, size: 15, color: mark.color, opacity: 0.9, line: { color: "#ffffff", width: 2 } },
        hovertemplate: `${label}<br>η = %{x:.2g}<extra></extra>` });
      const use = h("button", { type: "button", class: "button", "data-suggestion": name, title: t(`mlp.lr_find_${name}_title`) },
        h("span", { class: "lr-find-swatch", style: `background:${mark.color}`, "aria-hidden": "true" }),
        t("mlp.lr_find_use", { name: label, lr: formatNumber(roundedRate(lr), 2) }));
      use.addEventListener("click", () => {
        ctx.onUse(roundedRate(lr));
        dialog.close();
      });
      buttons.push(use);
    }
    picks.replaceChildren(...buttons);
    const last = rates[rates.length - 1];
    status.textContent = rates.length < SWEEP.num_it
      ? t("mlp.lr_find_stopped", { lr: formatNumber(last, 2), steps: rates.length })
      : t("mlp.lr_find_done", { steps: rates.length });
    const layout = {
      margin: { l: 64, r: 16, t: 8, b: 52 }, font: { family: FONT, size: 15 },
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "#ffffff", hovermode: "closest",
      showlegend: true, legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { family: FONT, size: 15 } },
      xaxis: { type: "log", title: { text: t("mlp.lr_find_axis"), font: AXIS_FONT, standoff: 4 }, exponentformat: "power",
        tickfont: TICK_FONT, showgrid: true, gridcolor: "#eef0f3", linecolor: "#9ca3af", showline: true, fixedrange: true },
      yaxis: { title: { text: t("mlp.loss_axis"), font: AXIS_FONT, standoff: 4 }, range: lossRange(result), nticks: 6,
        tickfont: TICK_FONT, showgrid: true, gridcolor: "#eef0f3", linecolor: "#9ca3af", showline: true, zeroline: false, fixedrange: true },
    };
    await Plotly.react(chart, traces, layout, CONFIG);
  }

  const open = () => {
    dialog.showModal();
    run();
  };
  button.addEventListener("click", open);
  close.addEventListener("click", () => dialog.close());
  again.addEventListener("click", run);
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  return { dialog, open };
}
