/**
 * HTML views of the runs: the summary table (final loss, distance to the nearest minimum,
 * steps to tolerance, status) and the colour legend above the plot.
 */

import { h } from "./controls.js";
import { formatNumber, messageText, t } from "./i18n.js";

function statusText(state, hasMinimum) {
  if (state.status === "off") return t("summary.off");
  if (state.status === "diverged") {  // the server's outcome: diverged at step k, or undefined at the start
    return state.outcome ? messageText(state.outcome) : t("summary.diverged_at", { step: state.diverged_at ?? "?" });
  }
  if (state.summary?.steps_to_tolerance !== null && state.summary?.steps_to_tolerance !== undefined) {
    return t("summary.converged");
  }
  if (!state.done) return t("summary.running");
  return hasMinimum ? t("summary.not_converged") : t("summary.no_minimum");
}

/**
 * Redraw the rows: `styles[i]` = {label, color, dash}, `states[i]` = the run's last frame;
 * `hasMinimum` false on surfaces without one (saddles), where no tolerance can be reached.
 */
export function renderSummary(tbody, styles, states, hasMinimum = true) {
  // A run the teacher hid (`hidden`) has no row.
  const rows = styles.flatMap((style, i) => (style.hidden ? [] : [summaryRow(style, i, states, hasMinimum)]));
  tbody.replaceChildren(...rows);
}

function summaryRow(style, i, states, hasMinimum) {
  const state = states[i] || { status: "ok", summary: {} };
  const s = state.summary || {};
  const stepsToTol = s.steps_to_tolerance;
  return h("tr", { class: `status-${state.status}`, "data-run": i },
    h("th", { scope: "row" },
      h("span", { class: `swatch swatch-${style.dash}`, style: `--run-color: ${style.color}`, "aria-hidden": "true" }),
      style.label),
    h("td", { class: "num" }, state.status === "off" ? "—" : formatNumber(s.final_loss, 4, true)),
    h("td", { class: "num" }, state.status === "off" ? "—" : formatNumber(s.distance_to_minimum, 3, true)),
    h("td", { class: "num" }, stepsToTol === null || stepsToTol === undefined ? "—" : String(stepsToTol)),
    h("td", { class: "status" }, statusText(state, hasMinimum)));
}

/** The colour key; pressing a name calls `onToggle(i)` to switch that run on or off. */
export function renderLegend(container, styles, onToggle) {
  const key = styles.map((s) => `${s.label}:${s.color}:${s.dash}:${s.enabled}:${s.hidden}`).join("|");
  if (container.dataset.key === key) return;
  container.dataset.key = key;
  container.replaceChildren(...styles.flatMap((style, i) => (style.hidden ? [] : [h("button", {
    type: "button", class: "legend-item", "aria-pressed": String(style.enabled),
    title: t("card.enabled", { name: style.label }), onclick: () => onToggle(i),
  }, h("span", { class: `swatch swatch-${style.dash}`, style: `--run-color: ${style.color}`, "aria-hidden": "true" }),
  style.label)])));
}
