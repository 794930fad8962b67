/** The map's words: its legend, the one-line summary, and the description of one cell. */

import { formatNumber, messageText, t } from "./i18n.js";

/** What became of a cell that stopped: "diverged at step k", or the server's outcome for a
 * function undefined at the start point (no step was taken: not "diverged at step 0"). */
export function stoppedText(result, cell) {
  if (cell.divergedAt === 0 && result.outcome) return messageText(result.outcome);
  return t("summary.diverged_at", { step: cell.divergedAt });
}

function legendItem(kind, label) {
  const item = document.createElement("span");
  item.className = "map-legend-item";
  item.setAttribute("role", "listitem");
  item.dataset.legend = kind;
  const mark = document.createElement("span");
  mark.className = `map-swatch map-swatch-${kind}`;
  mark.setAttribute("aria-hidden", "true");
  item.append(mark, label);
  return item;
}

/** One entry per mark actually on the map (diverged hatch, outline, stars, theory). */
export function renderLegend(container, result, { colour, best, selected, overlay }) {
  const { diverged, reached } = result.counts();
  const items = [];
  if (diverged) items.push(legendItem("diverged", t("map.legend_diverged")));
  if (colour === "steps") items.push(legendItem("not-reached", t("summary.not_converged")));
  if (reached) items.push(legendItem("reached", t("map.legend_reached")));
  if (best) items.push(legendItem("best", t("map.legend_best")));
  if (selected) items.push(legendItem("selected", t("map.legend_selected")));
  if (overlay.limit) items.push(legendItem("limit", t("map.legend_limit")));
  if (overlay.optimum) items.push(legendItem("optimum", t("map.legend_optimum")));
  container.replaceChildren(...items);
}

/** "3,600 runs: 12 diverged, 40 reached the tolerance. Lowest final loss at η = …, μ = …." */
export function summaryText(result, best, symbol) {
  if (result.outcome) return messageText(result.outcome);
  const counts = result.counts();
  const text = t("map.summary", {
    cells: formatNumber(counts.cells, 8), diverged: formatNumber(counts.diverged, 8),
    reached: formatNumber(counts.reached, 8),
  });
  if (!best) return text;
  return `${text} ${t("map.summary_best", { lr: formatNumber(best.lr, 3), symbol, value: formatNumber(best.value, 3) })}`;
}

/** "η = … · μ = … · final f − f* = … · Reached tolerance at step k" (or where it diverged). */
export function cellText(result, cell, symbol) {
  const parts = [`η = ${formatNumber(cell.lr, 3)}`, `${symbol} = ${formatNumber(cell.value, 4)}`];
  if (cell.divergedAt !== null) {
    parts.push(stoppedText(result, cell));
  } else {
    const plain = result.best === null;
    const name = plain ? t("map.hover_final_f") : t("map.hover_final_gap");
    parts.push(`${name} = ${formatNumber(plain ? cell.loss : cell.gap, 3)}`);
    if (cell.steps !== null) parts.push(t("map.reached_at", { step: cell.steps }));
  }
  return parts.join(" · ");
}
