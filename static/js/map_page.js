/**
 * Wiring of the hyperparameter map: state ↔ link, controls → `POST /api/map/run` → heatmap,
 * a click on a cell → that cell's surface race in a new tab.
 *
 * Every control writes the link (history.replaceState) and recomputes: at once when a control
 * is released, after a short pause while a slider is dragged. Each computation carries a
 * generation number and aborts the previous request, so a stale answer is never drawn.
 * `window.__descenso` exposes the state for the browser tests.
 */

import { applyHidden, buildClassroomDialog } from "./classroom.js";
import { formatNumber, setCatalog, t } from "./i18n.js";
import {
  buildAxesControls, buildOptimizerControls, buildStartControls, buildSurfaceControls, freshSpec,
  secondField, symbol,
} from "./map_controls.js";
import { DISTILL_OPTIMIZER, DISTILL_PRESET, heavyBallOverlay } from "./map_distill.js";
import { HyperMap } from "./map_plot.js";
import { GridFetcher, StartPreview } from "./map_preview.js";
import { cellExperiment, cellRaceUrl } from "./map_race_link.js";
import { cellText, renderLegend, summaryText } from "./map_readouts.js";
import { MapResult } from "./map_result.js";
import { clone, encodePairs, queryString, writeUrl } from "./state.js";
import { copyLink, copyText, showNotices, toast, wireShareButtons } from "./ui.js";

const INPUT_DEBOUNCE_MS = 300;
const HIDEABLE = ["surface", "condition_number", "expression", "steps", "tolerance", "optimizer",
  "hyperparameters", "lr_range", "second", "resolution", "start", "colour", "preset"];

const data = JSON.parse(document.getElementById("descenso-data").textContent);
setCatalog(data.lang, data.catalog);
const schema = data.schema;
const state = { experiment: clone(data.experiment), hide: [...(data.view.hide || [])], colour: "loss", selected: null };
const $ = (selector) => document.querySelector(selector);

const map = new HyperMap($("#map-plot"), { onPick: pickCell });
const preview = new StartPreview($("#map-preview"), { onPick: pickStart });
const grids = new GridFetcher();
let surfaceSchema = null;
let surfaces = {};
let result = null;
let surfaceControls = null;
let startControls = null;
let timer = 0;
let controller = null;
let pathGen = 0;

const debug = { state, gen: 0, drawnGen: 0, busy: false, errors: [], computeMs: null, opened: [] };
Object.defineProperty(debug, "result", { get: () => result });
debug.cellCentre = (row, col) => map.cellCentre(row, col);
window.__descenso = debug;

/* ---------- state → link ---------- */

function pageQuery() {
  const pairs = [["lang", data.lang], ...encodePairs(schema.experiment, state.experiment)];
  if (state.hide.length) pairs.push(["hide", state.hide.join(",")]);
  return queryString(pairs);
}

function syncUrl() {
  const query = pageQuery();
  writeUrl(query);
  for (const link of document.querySelectorAll("[data-lang-link]")) {
    link.href = `?${query.replace(/^lang=[a-z]+/, `lang=${link.dataset.langLink}`)}`;
  }
}

/** Apply a change, write the link, recompute now (commit) or after a pause (dragging). */
function change(patch, { commit = true, rebuild = false } = {}) {
  Object.assign(state.experiment, patch);
  if (rebuild) buildControls();
  if ("start" in patch) startControls.set(state.experiment.start);
  syncUrl();
  clearTimeout(timer);
  timer = setTimeout(compute, commit ? 0 : INPUT_DEBOUNCE_MS);
}

/* ---------- computing ---------- */

function setBusy(busy) {
  debug.busy = busy;
  $("#map-panel").setAttribute("aria-busy", String(busy));
  $("#map-panel").classList.toggle("is-busy", busy);
  if (busy) {
    const cells = state.experiment.nx * state.experiment.ny;
    $("#map-status").textContent = t("map.computing", { cells: formatNumber(cells, 8) });
  }
}

function showErrors(errors) {
  const box = $("#map-error");
  const formula = errors.find((e) => e.field === "expression" || String(e.type).startsWith("formula_"));
  surfaceControls.formulaError(formula || null);
  const others = errors.filter((e) => e !== formula);
  debug.errors.push(...errors);
  box.hidden = others.length === 0;
  if (others.length) {
    box.replaceChildren(Object.assign(document.createElement("strong"), { textContent: t("map.errors") }), " ",
      others.map((e) => (e.field && e.field !== "(body)" ? `${e.field}: ${e.message}` : e.message)).join("; "));
  }
}

/** The surface's grid for the preview; for a typed formula this also validates it. */
async function loadSurface(experiment) {
  const answer = await grids.load(experiment);
  if (answer.errors) return { errors: answer.errors };
  await preview.setGrid(answer.grid);
  return {};
}

async function compute() {
  clearTimeout(timer);
  debug.gen += 1;
  const gen = debug.gen;
  controller?.abort();
  controller = new AbortController();
  const { signal } = controller;
  const experiment = clone(state.experiment);
  setBusy(true);
  const began = performance.now();
  try {
    const surface = await loadSurface(experiment);
    if (gen !== debug.gen) return;
    if (surface.errors) {
      showErrors(surface.errors);
      finish(gen, null);
      return;
    }
    const response = await fetch("/api/map/run", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(experiment), signal,
    });
    const body = await response.json();
    if (gen !== debug.gen) return;
    if (!response.ok) {
      showErrors(body.errors || [{ message: response.statusText }]);
      finish(gen, null);
      return;
    }
    showErrors([]);
    result = new MapResult(body);
    debug.computeMs = performance.now() - began;
    if (!state.experiment.start) {
      state.experiment.start = result.start;
      startControls.set(result.start);
      syncUrl();
    }
    state.selected = null;
    await drawMap();
    finish(gen, result);
  } catch (error) {
    if (error.name === "AbortError" || gen !== debug.gen) return;
    showErrors([{ message: String(error.message || error) }]);
    finish(gen, null);
  }
}

function finish(gen, computed) {
  setBusy(false);
  if (computed) {
    const e = state.experiment;
    $("#map-status").textContent = t("map.computed", {
      cells: formatNumber(computed.nx * computed.ny, 8), steps: formatNumber(e.steps, 8),
      seconds: formatNumber(debug.computeMs / 1000, 2),
    });
  } else {
    $("#map-status").textContent = "";
  }
  debug.drawnGen = gen;
}

/* ---------- drawing ---------- */

function secondIsLog() {
  return secondField(schema.experiment, state.experiment.second, "second_min").scale === "log";
}

function shownCell() {
  if (!result) return null;
  if (state.selected) return result.cell(state.selected.row, state.selected.col);
  return result.bestCell();
}

async function drawMap() {
  if (!result) return;
  const e = state.experiment;
  if (state.colour === "steps" && result.best === null) state.colour = "loss";
  markColour();
  const overlay = heavyBallOverlay(e, result);
  const best = result.bestCell();
  await map.draw(result, {
    mode: state.colour, secondLog: secondIsLog(), symbol: symbol(e.second),
    secondLabel: t(`hp.${e.second}`), best, selected: state.selected, limit: overlay.limit,
    optimum: overlay.optimum,
  });
  const colourName = state.colour === "steps" ? t("map.colour_steps") : t("map.colour_loss");
  $("#map-plot").setAttribute("aria-label", t("map.plot_aria", { name: t(`hp.${e.second}`), colour: colourName.toLowerCase() }));
  renderLegend($("#map-legend"), result, { colour: state.colour, best, selected: state.selected, overlay });
  $("#map-summary").textContent = summaryText(result, best, symbol(e.second));
  renderCell();
  const note = $("#map-distill-note");
  note.hidden = !overlay.theory;
  if (overlay.theory) {
    note.textContent = t("map.distill_note", { eta: formatNumber(overlay.theory.lr, 3), beta: formatNumber(overlay.theory.value, 3) });
  }
  showPath();
}

function raceUrl(cell) {
  return cellRaceUrl(surfaceSchema, data.lang, state.experiment, result.start, cell);
}

function renderCell() {
  const cell = shownCell();
  const box = $("#map-cell");
  box.hidden = !cell || !surfaceSchema;
  if (box.hidden) return;
  $("#map-cell-title").textContent = state.selected ? t("map.cell_selected") : t("map.cell_best");
  $("#map-cell-text").textContent = cellText(result, cell, symbol(state.experiment.second));
  $("#map-cell-open").href = raceUrl(cell);
  box.dataset.row = String(cell.row);
  box.dataset.col = String(cell.col);
}

/** The trajectory of the shown cell on the preview (one short surface race). */
async function showPath() {
  const cell = shownCell();
  if (!cell || !surfaceSchema) return;
  pathGen += 1;
  const gen = pathGen;
  const race = cellExperiment(surfaceSchema, state.experiment, result.start, cell);
  try {
    const response = await fetch("/api/surface/run", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(race),
    });
    if (!response.ok || gen !== pathGen) return;
    const body = await response.json();
    if (gen === pathGen) await preview.setPath(body.runs[0].points);
  } catch {
    // The preview's line is a nicety: without it the map still stands.
  }
  await preview.setStart(result.start);
}

/* ---------- picking a cell, the start, the colour ---------- */

async function selectCell(cell) {
  state.selected = { row: cell.row, col: cell.col };
  await drawMap();
}

function pickCell(cell) {
  if (!result || !surfaceSchema) return;
  const url = raceUrl(result.cell(cell.row, cell.col));
  debug.opened.push(url);
  window.open(url, "_blank", "noopener");
  selectCell(cell);
}

function onMapKey(event) {
  if (!result) return;
  const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [1, 0], ArrowDown: [-1, 0] };
  const current = shownCell();
  if (!current) return;
  if (event.key === "Enter") {
    event.preventDefault();
    pickCell(current);
  } else if (moves[event.key]) {
    event.preventDefault();
    const [dr, dc] = moves[event.key];
    const row = Math.min(result.ny - 1, Math.max(0, current.row + dr));
    const col = Math.min(result.nx - 1, Math.max(0, current.col + dc));
    selectCell({ row, col });
  }
}

function pickStart(point) {
  const rounded = point.map((v) => Number(v.toPrecision(3)));
  change({ start: rounded });
  preview.setStart(rounded);
}

function markColour() {
  const noMinimum = result && result.best === null;
  for (const button of document.querySelectorAll("[data-colour-choice]")) {
    button.setAttribute("aria-pressed", String(button.dataset.colourChoice === state.colour));
    if (button.dataset.colourChoice === "steps") {
      button.disabled = Boolean(noMinimum);
      button.title = noMinimum ? t("map.colour_steps_none") : "";
    }
  }
}

/* ---------- controls, header, start-up ---------- */

function buildControls() {
  const focused = document.activeElement?.closest?.("[data-field]")?.dataset.field;
  const common = { fields: schema.experiment, experiment: state.experiment, onChange: change };
  surfaceControls = buildSurfaceControls($("#map-surface-controls"), { ...common, surfaces, lang: data.lang });
  buildOptimizerControls($("#map-optimizer"), { ...common, catalog: surfaceSchema.optimizers });
  buildAxesControls($("#map-axes"), { ...common, catalog: surfaceSchema.optimizers });
  startControls = buildStartControls($("#map-start"), common);
  startControls.set(state.experiment.start);
  applyHidden(document, state.hide);
  if (focused) document.querySelector(`[data-field="${focused}"] select, [data-field="${focused}"] input`)?.focus();
}

function applyPreset() {
  const optimizer = freshSpec(schema.experiment, DISTILL_OPTIMIZER);
  const preset = { ...clone(DISTILL_PRESET), optimizer };
  change(preset, { commit: true, rebuild: true });
}

function buildHeader() {
  wireShareButtons();
  $("#btn-compute").addEventListener("click", () => compute());
  $("#btn-preset-distill").addEventListener("click", applyPreset);
  for (const button of document.querySelectorAll("[data-colour-choice]")) {
    button.addEventListener("click", () => {
      state.colour = button.dataset.colourChoice;
      drawMap();
    });
  }
  $("#map-cell-copy").addEventListener("click", async () => {
    if (await copyText(new URL($("#map-cell-open").getAttribute("href"), location.href).href)) toast(t("map.toast_race_copied"));
  });
  const plot = $("#map-plot");
  plot.tabIndex = 0;
  plot.addEventListener("keydown", onMapKey);
  buildClassroomDialog($("#classroom-dialog"), {
    keys: HIDEABLE, hide: state.hide,
    onChange: (list) => { state.hide = list; syncUrl(); applyHidden(document, list); },
    onCopy: () => copyLink("toast.classroom_copied"),
  });
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawMap, 200); // the hatch is drawn at the plot's pixel size
  });
}

async function main() {
  showNotices($("#notices"), data.notices);
  const [list, surfaceInfo] = await Promise.all([
    fetch("/api/surfaces").then((r) => r.json()),
    fetch("/api/schema/surface").then((r) => r.json()),
  ]);
  surfaces = Object.fromEntries(list.map((s) => [s.name, s]));
  surfaceSchema = surfaceInfo;
  buildControls();
  buildHeader();
  syncUrl();
  await compute();
  document.body.dataset.ready = "true";
}

main();
