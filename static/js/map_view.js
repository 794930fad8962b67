/**
 * The map's panels, redrawn from the store: the heatmap (colour by final loss or by steps to
 * tolerance), its legend and summary, the shown cell (best, or the one picked with a click or
 * the arrow keys) with its link to the surface race, and that cell's path on the preview.
 */

import { formatNumber, t } from "./i18n.js";
import { secondField, symbol } from "./map_controls.js";
import { heavyBallOverlay } from "./map_distill.js";
import { HyperMap } from "./map_plot.js";
import { StartPreview } from "./map_preview.js";
import { cellExperiment, cellRaceUrl } from "./map_race_link.js";
import { cellText, renderLegend, summaryText } from "./map_readouts.js";
import { $ } from "./page.js";

export class MapView {
  /** `page`: `{store, schema, lang, debug, onPickStart(point)}`; `surfaceSchema` comes later. */
  constructor(page) {
    this.page = page;
    this.result = null;
    this.surfaceSchema = null;
    this.pathGen = 0;
    this.map = new HyperMap($("#map-plot"), { onPick: (cell) => this.pickCell(cell) });
    this.preview = new StartPreview($("#map-preview"), { onPick: page.onPickStart });
  }

  get state() {
    return this.page.store.state;
  }

  shownCell() {
    const { result, state } = this;
    if (!result) return null;
    if (state.selected) return result.cell(state.selected.row, state.selected.col);
    return result.bestCell();
  }

  async draw() {
    const { result, state } = this;
    if (!result) return;
    const e = state.experiment;
    if (state.colour === "steps" && result.best === null) state.colour = "loss";
    this.markColour();
    const overlay = heavyBallOverlay(e, result);
    const best = result.bestCell();
    const secondLog = secondField(this.page.schema.experiment, e.second, "second_min").scale === "log";
    await this.map.draw(result, {
      mode: state.colour, secondLog, symbol: symbol(e.second),
      secondLabel: t(`hp.${e.second}`), best, selected: state.selected, limit: overlay.limit,
      optimum: overlay.optimum,
    });
    const colourName = state.colour === "steps" ? t("map.colour_steps") : t("map.colour_loss");
    $("#map-plot").setAttribute("aria-label", t("map.plot_aria", { name: t(`hp.${e.second}`), colour: colourName.toLowerCase() }));
    renderLegend($("#map-legend"), result, { colour: state.colour, best, selected: state.selected, overlay });
    $("#map-summary").textContent = summaryText(result, best, symbol(e.second));
    this.renderCell();
    const note = $("#map-distill-note");
    note.hidden = !overlay.theory;
    if (overlay.theory) {
      note.textContent = t("map.distill_note", { eta: formatNumber(overlay.theory.lr, 3), beta: formatNumber(overlay.theory.value, 3) });
    }
    this.showPath();
  }

  raceUrl(cell) {
    return cellRaceUrl(this.surfaceSchema, this.page.lang, this.state.experiment, this.result.start, cell);
  }

  renderCell() {
    const cell = this.shownCell();
    const box = $("#map-cell");
    box.hidden = !cell || !this.surfaceSchema;
    if (box.hidden) return;
    $("#map-cell-title").textContent = this.state.selected ? t("map.cell_selected") : t("map.cell_best");
    $("#map-cell-text").textContent = cellText(this.result, cell, symbol(this.state.experiment.second));
    $("#map-cell-open").href = this.raceUrl(cell);
    box.dataset.row = String(cell.row);
    box.dataset.col = String(cell.col);
  }

  /** The trajectory of the shown cell on the preview (one short surface race). */
  async showPath() {
    const cell = this.shownCell();
    if (!cell || !this.surfaceSchema) return;
    this.pathGen += 1;
    const gen = this.pathGen;
    const race = cellExperiment(this.surfaceSchema, this.state.experiment, this.result.start, cell);
    try {
      const response = await fetch("/api/surface/run", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(race),
      });
      if (!response.ok || gen !== this.pathGen) return;
      const body = await response.json();
      if (gen === this.pathGen) await this.preview.setPath(body.runs[0].points);
    } catch {
      // The preview's line is a nicety: without it the map still stands.
    }
    await this.preview.setStart(this.result.start);
  }

  async selectCell(cell) {
    this.page.store.patch({ selected: { row: cell.row, col: cell.col } }, { run: false });
    await this.draw();
  }

  /** A click on a cell opens its race in a new tab and selects it. */
  pickCell(cell) {
    if (!this.result || !this.surfaceSchema) return;
    const url = this.raceUrl(this.result.cell(cell.row, cell.col));
    this.page.debug.opened.push(url);
    window.open(url, "_blank", "noopener");
    this.selectCell(cell);
  }

  /** Arrow keys move the shown cell; Enter opens its race. */
  onKey(event) {
    const { result } = this;
    if (!result) return;
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [1, 0], ArrowDown: [-1, 0] };
    const current = this.shownCell();
    if (!current) return;
    if (event.key === "Enter") {
      event.preventDefault();
      this.pickCell(current);
    } else if (moves[event.key]) {
      event.preventDefault();
      const [dr, dc] = moves[event.key];
      const row = Math.min(result.ny - 1, Math.max(0, current.row + dr));
      const col = Math.min(result.nx - 1, Math.max(0, current.col + dc));
      this.selectCell({ row, col });
    }
  }

  markColour() {
    const noMinimum = this.result && this.result.best === null;
    for (const button of document.querySelectorAll("[data-colour-choice]")) {
      button.setAttribute("aria-pressed", String(button.dataset.colourChoice === this.state.colour));
      if (button.dataset.colourChoice === "steps") {
        button.disabled = Boolean(noMinimum);
        button.title = noMinimum ? t("map.colour_steps_none") : "";
      }
    }
  }
}
