/**
 * The hyperparameter map: the page skeleton (page.js), one store whose every patch writes the
 * link, controls → `POST /api/map/run` → the map's panels (map_view.js); a click on a cell opens
 * that cell's surface race in a new tab.
 *
 * A change recomputes at once when a control is released, after a short pause while a slider
 * is dragged. Each computation carries a generation number and aborts the previous request,
 * so a stale answer is never drawn.
 */

import { applyHidden } from "./classroom.js";
import { GridLoader } from "./grid.js";
import { formatNumber, t } from "./i18n.js";
import {
  buildAxesControls, buildOptimizerControls, buildStartControls, buildSurfaceControls, freshSpec,
} from "./map_controls.js";
import { DISTILL_OPTIMIZER, DISTILL_PRESET } from "./map_distill.js";
import { MapResult } from "./map_result.js";
import { MapView } from "./map_view.js";
import { $, bootPage, markReady, showErrorBanner, wireClassroom } from "./page.js";
import { clone, encodePairs, queryString } from "./state.js";
import { copyText, toast } from "./ui.js";

const INPUT_DEBOUNCE_MS = 300;

const { data, schema, store, debug } = bootPage({
  state: (d) => ({ experiment: clone(d.experiment), hide: [...(d.view.hide || [])], colour: "loss", selected: null }),
  link: (s, d) => queryString([["lang", d.lang], ...encodePairs(d.schema.experiment, s.experiment),
    ...(s.hide.length ? [["hide", s.hide.join(",")]] : [])]),
  debug: { gen: 0, drawnGen: 0, busy: false, errors: [], computeMs: null, opened: [] },
});
const state = store.state;
const view = new MapView({ store, schema, lang: data.lang, debug, onPickStart: pickStart });
const grids = new GridLoader();
let surfaces = {};
let surfaceControls = null;
let startControls = null;
let timer = 0;
let controller = null;
Object.defineProperty(debug, "result", { get: () => view.result });
debug.cellCentre = (row, col) => view.map.cellCentre(row, col);

store.subscribe((changes, meta) => {
  if (meta.rebuild) buildControls();
  if (changes.experiment && "start" in changes.experiment) startControls.set(state.experiment.start);
  if (changes.experiment && meta.run !== false) {
    clearTimeout(timer);
    timer = setTimeout(compute, (meta.commit ?? true) ? 0 : INPUT_DEBOUNCE_MS);
  }
});

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
  const formula = errors.find((e) => e.field === "expression" || String(e.type).startsWith("formula_"));
  surfaceControls.formulaError(formula || null);
  debug.errors.push(...errors);
  showErrorBanner($("#map-error"), t("map.errors"), errors.filter((e) => e !== formula));
}

async function compute() {
  clearTimeout(timer);
  debug.gen += 1;
  const gen = debug.gen;
  controller?.abort();
  controller = new AbortController();
  const experiment = clone(state.experiment);
  setBusy(true);
  const began = performance.now();
  try {
    // The surface's grid for the preview; for a typed formula this also validates it.
    const surface = await grids.load(experiment);
    if (gen !== debug.gen || !surface) return;
    if (surface.errors) {
      showErrors(surface.errors);
      finish(gen, null);
      return;
    }
    await view.preview.setGrid(surface.grid);
    const response = await fetch("/api/map/run", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(experiment),
      signal: controller.signal,
    });
    const body = await response.json();
    if (gen !== debug.gen) return;
    if (!response.ok) {
      showErrors(body.errors || [{ code: "error.http", params: { status: response.status } }]);
      finish(gen, null);
      return;
    }
    showErrors([]);
    view.result = new MapResult(body);
    debug.computeMs = performance.now() - began;
    const start = state.experiment.start ?? view.result.start;
    store.patch({ experiment: { start }, selected: null }, { run: false });
    await view.draw();
    finish(gen, view.result);
  } catch (error) {
    if (error.name === "AbortError" || gen !== debug.gen) return;
    showErrors([{ code: "error.network", message: String(error.message || error) }]);
    finish(gen, null);
  }
}

function finish(gen, computed) {
  setBusy(false);
  $("#map-status").textContent = computed ? t("map.computed", {
    cells: formatNumber(computed.nx * computed.ny, 8), steps: formatNumber(state.experiment.steps, 8),
    seconds: formatNumber(debug.computeMs / 1000, 2),
  }) : "";
  debug.drawnGen = gen;
}

function pickStart(point) {
  const rounded = point.map((v) => Number(v.toPrecision(3)));
  store.patch({ experiment: { start: rounded } });
  view.preview.setStart(rounded);
}

/* ---------- controls, header, start-up ---------- */

function buildControls() {
  const focused = document.activeElement?.closest?.("[data-field]")?.dataset.field;
  const onChange = (patch, options) => store.patch({ experiment: patch }, options);
  const common = { fields: schema.experiment, experiment: state.experiment, onChange };
  const catalog = view.surfaceSchema.optimizers;
  surfaceControls = buildSurfaceControls($("#map-surface-controls"), { ...common, surfaces, custom: schema.custom, lang: data.lang });
  buildOptimizerControls($("#map-optimizer"), { ...common, catalog });
  buildAxesControls($("#map-axes"), { ...common, catalog });
  startControls = buildStartControls($("#map-start"), common);
  startControls.set(state.experiment.start);
  applyHidden(document, state.hide);
  if (focused) document.querySelector(`[data-field="${focused}"] select, [data-field="${focused}"] input`)?.focus();
}

function applyPreset() {
  const optimizer = freshSpec(schema.experiment, DISTILL_OPTIMIZER);
  store.patch({ experiment: { ...clone(DISTILL_PRESET), optimizer } }, { commit: true, rebuild: true });
}

function buildHeader() {
  $("#btn-compute").addEventListener("click", () => compute());
  $("#btn-preset-distill").addEventListener("click", applyPreset);
  for (const button of document.querySelectorAll("[data-colour-choice]")) {
    button.addEventListener("click", () => {
      store.patch({ colour: button.dataset.colourChoice }, { run: false });
      view.draw();
    });
  }
  $("#map-cell-copy").addEventListener("click", async () => {
    if (await copyText(new URL($("#map-cell-open").getAttribute("href"), location.href).href)) toast(t("map.toast_race_copied"));
  });
  const plot = $("#map-plot");
  plot.tabIndex = 0;
  plot.addEventListener("keydown", (event) => view.onKey(event));
  wireClassroom(store, { hide: (s) => s.hide, patchFor: (list) => ({ hide: list }) });
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => view.draw(), 200); // the hatch is drawn at the plot's pixel size
  });
}

async function main() {
  const [list, surfaceInfo] = await Promise.all([
    fetch("/api/surfaces").then((r) => r.json()),
    fetch("/api/schema/surface").then((r) => r.json()),
  ]);
  surfaces = Object.fromEntries(list.map((s) => [s.name, s]));
  view.surfaceSchema = surfaceInfo;
  buildControls();
  buildHeader();
  store.writeLink();
  await compute();
  markReady();
}

main();
