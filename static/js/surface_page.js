/**
 * Wiring of the surface playground: state ↔ link, controls → race, WebSocket frames → charts.
 *
 * Every control change writes the link (history.replaceState) and re-runs the race at once in
 * "instant" mode (slider drags are debounced, releases are not). Frames are buffered and drawn
 * at most once per animation frame. `window.__descenso` exposes timings for the browser tests.
 */

import { buildCard, optimizerLabel } from "./cards.js";
import { LossChart } from "./charts.js";
import { applyHidden, buildClassroomDialog } from "./classroom.js";
import { h, slider } from "./controls.js";
import { GridLoader } from "./grid.js";
import { formatNumber, setCatalog, t } from "./i18n.js";
import { bindPlayer, showPlayer } from "./player.js";
import { Race, RaceCache } from "./race.js";
import { buildRaceControls } from "./race_controls.js";
import { clone, fieldByName, pageQuery, writeUrl } from "./state.js";
import { RaceStream } from "./stream.js";
import { renderLegend, renderSummary } from "./summary.js";
import { SurfacePlot } from "./surface_plot.js";
import { copyLink, showNotices, wireShareButtons } from "./ui.js";

const INPUT_DEBOUNCE_MS = 60;
// Okabe–Ito (minus yellow, too faint on a pale contour) plus Tol's wine and olive: nine
// colours that stay distinct under the common colour-vision deficiencies.
const COLORS = {
  sgd: "#000000", momentum: "#E69F00", nesterov: "#56B4E9", adagrad: "#009E73",
  rmsprop: "#882255", adam: "#0072B2", adamax: "#999933", nadam: "#CC79A7", adamw: "#D55E00",
};
const DASHES = ["solid", "dash", "dot", "dashdot"];

const data = JSON.parse(document.getElementById("descenso-data").textContent);
setCatalog(data.lang, data.catalog);
const schema = data.schema;
const runFields = fieldByName(schema.experiment, "runs").fields;
const optimizerNames = fieldByName(runFields, "optimizer").options;
const state = { experiment: clone(data.experiment), view: clone(data.view) };
const $ = (selector) => document.querySelector(selector);

const plot = new SurfacePlot($("#surface-plot"), { onPick: pickStart, onHover: showHover });
const loss = new LossChart($("#loss-chart"), $("#loss-note"));
const grids = new GridLoader(async (grid) => {
  await plot.setGrid(grid);
  loss.setSurface(grid.surface);
  $("#formula-readout").textContent = `f(x, y) = ${grid.surface.formula}`;
  queueDraw();
});
const stream = new RaceStream("/ws/surface", {
  onMessage: receive,
  onOpen: (resent) => { if (!resent) rerun(); },
});
const cache = new RaceCache();
let race = new Race();
let inputTimer = 0;
let timing = null; // {at, gen, received, drawStart} of the last committed change
let drawQueued = false;
let drawing = false;
let raceControls = null;

const debug = { lastDrawMs: null, drawCount: 0, draws: [], errors: [], state };
Object.defineProperty(debug, "race", { get: () => race });
window.__descenso = debug;

/* ---------- state → link ---------- */

function syncUrl() {
  const query = pageQuery(schema, data.lang, state.experiment, state.view);
  writeUrl(query);
  for (const link of document.querySelectorAll("[data-lang-link]")) {
    link.href = `?${query.replace(/^lang=[a-z]+/, `lang=${link.dataset.langLink}`)}`;
  }
}

function runStyles() {
  const seen = {};
  return state.experiment.runs.map((run) => {
    const n = seen[run.optimizer] ?? 0;
    seen[run.optimizer] = n + 1;
    const label = optimizerLabel(run.optimizer) + (n ? ` (${n + 1})` : "");
    return { label, color: COLORS[run.optimizer] ?? "#444444", dash: DASHES[n % DASHES.length], enabled: run.enabled };
  });
}

/* ---------- running the race ---------- */

/** Apply a change to the experiment, write the link, re-run now (commit) or soon (dragging). */
function change(patch, { commit = true, regrid = false } = {}) {
  Object.assign(state.experiment, patch);
  syncUrl();
  // A typed formula is validated by the race first: its grid is fetched once the race starts.
  if (regrid && state.experiment.surface !== "custom") grids.load(state.experiment);
  clearTimeout(inputTimer);
  if (commit) {
    timing = { at: performance.now() };
    performance.mark("descenso:change");
    rerun();
  } else {
    inputTimer = setTimeout(rerun, INPUT_DEBOUNCE_MS);
  }
}

/** Re-run after a change: instantly, or keep animating if the race was playing. */
function rerun() {
  clearTimeout(inputTimer);
  start(race.playing ? "play" : "instant");
}

function start(mode) {
  const plan = cache.plan(state.experiment, mode);
  const gen = stream.start(plan.experiment, mode, state.view.speed);
  debug.gen = gen;
  if (timing && timing.gen === undefined) timing.gen = gen;
  race = new Race({ gen, mode, keys: plan.keys, reuse: plan.reuse, previous: race });
  updatePlayer();
}

function receive(message) {
  if (message.type === "started") {
    race.start = message.start;
    race.total = message.steps;
    if (!state.experiment.start) {
      state.experiment.start = message.start;
      syncUrl();
    }
    plot.setStart(message.start);
    raceControls.formulaError(null);
    $("#race-error").hidden = true;
    if (state.experiment.surface === "custom") grids.load(state.experiment);
  } else if (message.type === "frame") {
    if (timing && timing.gen === race.gen && message.done) timing.received = performance.now();
    race.addFrame(message);
    if (message.done) cache.remember(race);
    queueDraw();
  } else if (message.type === "error") {
    cache.forget();
    showRaceErrors(message.errors || []);
  }
}

function showRaceErrors(errors) {
  const formula = errors.find((e) => e.field === "expression" || String(e.type).startsWith("formula_"));
  if (formula) raceControls.formulaError(formula);
  const others = errors.filter((e) => e !== formula);
  debug.errors.push(...errors);
  if (others.length) {
    const box = $("#race-error");
    box.replaceChildren(h("strong", {}, t("errors.race")), " ",
      others.map((e) => `${e.field}: ${e.message}`).join("; "));
    box.hidden = false;
  }
  race.playing = false;
  updatePlayer();
}

/* ---------- drawing, at most once per animation frame ---------- */

function queueDraw() {
  if (drawQueued) return;
  drawQueued = true;
  requestAnimationFrame(draw);
}

async function draw() {
  drawQueued = false;
  if (drawing) { queueDraw(); return; }
  drawing = true;
  const { gen, done } = race;
  const timed = timing && timing.gen === gen && done;
  if (timed) timing.drawStart = performance.now();
  try {
    const styles = runStyles();
    plot.setRuns(styles);
    loss.setRuns(styles);
    // The trajectories first: they are what a slider change is judged by.
    await plot.drawTrajectories(race.paths);
    if (timed && plot.ready) recordTiming();
    renderLegend($("#legend"), styles, toggleRun);
    await loss.draw(race.paths);
    renderSummary($("#summary-body"), styles, race.states, loss.best !== null);
    updatePlayer();
  } finally {
    drawing = false;
  }
  debug.drawCount += 1;
  debug.drawnGen = gen;
  debug.drawnComplete = done;
}

function recordTiming() {
  const now = performance.now();
  debug.lastDrawMs = now - timing.at;
  debug.lastServerMs = (timing.received ?? timing.at) - timing.at;
  debug.lastPaintMs = now - timing.drawStart;
  debug.draws.push(debug.lastDrawMs);
  performance.measure("descenso:change-to-draw", "descenso:change");
  timing = null;
}

/* ---------- start point, hover, player ---------- */

function pickStart(point) {
  const rounded = point.map((v) => Number(v.toPrecision(3)));
  plot.setStart(rounded);
  change({ start: rounded });
}

function showHover(point) {
  $("#hover-readout").textContent = point
    ? `x = ${formatNumber(point.x, 3)}, y = ${formatNumber(point.y, 3)}, f ≈ ${formatNumber(point.f, 4)}`
    : "";
}

function updatePlayer() {
  showPlayer({ playing: race.playing, step: race.step, total: race.total ?? state.experiment.steps });
  const s = state.experiment.start;
  $("#start-readout").textContent = s
    ? t("plot.start_at", { x: formatNumber(s[0], 3), y: formatNumber(s[1], 3) }) : "";
}

function togglePlay() {
  if (race.playing) {
    stream.pause();
    race.playing = false;
  } else if (race.done || race.mode === "instant") {
    start("play");
  } else {
    stream.play();
    race.playing = true;
  }
  updatePlayer();
}

function stepOnce() {
  if (race.done || race.mode === "instant") start("pause");
  race.playing = false;
  stream.step(1);
  updatePlayer();
}

function resetRace() {
  race.playing = false;
  race.mode = "pause";
  stream.reset();
  updatePlayer();
}

function buildPlayer() {
  bindPlayer({ togglePlay, step: stepOnce, reset: resetRace, busy: () => $("#classroom-dialog").open });
  const speed = slider(fieldByName(schema.view, "speed"), state.view.speed, {
    name: "speed", label: t("player.speed"),
    onChange: (v) => { state.view.speed = v; syncUrl(); stream.speed(v); },
  });
  speed.el.dataset.hideKey = "speed";
  $("#speed-control").replaceChildren(speed.el);
}

/* ---------- view (contour / 3D) ---------- */

function webglAvailable() {
  try {
    const canvas = document.createElement("canvas");
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch {
    return false;
  }
}

function buildViewToggle() {
  const has3d = webglAvailable();
  const buttons = [...document.querySelectorAll("[data-view-choice]")];
  const mark = () => buttons.forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.viewChoice === state.view.view)));
  for (const button of buttons) {
    const choice = button.dataset.viewChoice;
    if (choice === "3d" && !has3d) {
      button.disabled = true;
      button.title = t("view.no_webgl");
    }
    button.addEventListener("click", async () => {
      state.view.view = choice;
      mark();
      syncUrl();
      await plot.setView(choice);
    });
  }
  if (state.view.view === "3d" && !has3d) state.view.view = "contour";
  mark();
}

/* ---------- runs: cards, legend, add and remove ---------- */

function buildCards() {
  const styles = runStyles();
  const runs = state.experiment.runs;
  const cards = runs.map((_, i) => buildCard(i, {
    fields: runFields, catalog: schema.optimizers, style: styles[i],
    getRun: () => state.experiment.runs[i],
    canRemove: runs.length > 1,
    onRemove: () => {
      state.experiment.runs.splice(i, 1);
      runsChanged();
    },
    onChange: (patch, commit) => {
      Object.assign(state.experiment.runs[i], patch);
      if ("enabled" in patch) queueDraw();
      change({}, { commit });
    },
  }));
  $("#cards").replaceChildren(...cards.map((c) => c.el));
  $("#add-optimizer").disabled = runs.length >= fieldByName(schema.experiment, "runs").max_length;
  applyHidden(document, state.view.hide);
}

function runsChanged() {
  buildCards();
  buildClassroom();
  change({});
}

function toggleRun(i) {
  state.experiment.runs[i].enabled = !state.experiment.runs[i].enabled;
  runsChanged();
}

function addOptimizer(name) {
  // The page's default race has a sensible learning rate for each optimizer.
  const preset = schema.default.runs.find((r) => r.optimizer === name);
  const run = preset ? clone(preset) : { ...clone(schema.optimizers[name].defaults), optimizer: name };
  run.enabled = true;
  state.experiment.runs.push(run);
  runsChanged();
}

/* ---------- header: copy link, classroom ---------- */

function buildClassroom() {
  buildClassroomDialog($("#classroom-dialog"), {
    optimizers: state.experiment.runs.map((r) => r.optimizer),
    hide: state.view.hide,
    onChange: (list) => {
      state.view.hide = list;
      syncUrl();
      applyHidden(document, list);
    },
    onCopy: () => copyLink("toast.classroom_copied"),
  });
}

function buildHeader() {
  wireShareButtons();
  const add = $("#add-optimizer");
  add.append(...optimizerNames.map((name) => h("option", { value: name }, optimizerLabel(name))));
  add.addEventListener("change", () => {
    const name = add.value;
    add.value = "";
    if (name) addOptimizer(name);
  });
  $("#btn-reset-start").addEventListener("click", () => change({ start: null }));
}

/* ---------- start-up ---------- */

async function main() {
  showNotices($("#notices"), data.notices);
  const list = await fetch("/api/surfaces").then((r) => r.json());
  raceControls = buildRaceControls($("#race-controls"), {
    fields: schema.experiment, experiment: state.experiment, lang: data.lang,
    surfaces: Object.fromEntries(list.map((s) => [s.name, s])),
    onChange: (patch, options) => change(patch, options),
  });
  buildHeader();
  buildPlayer();
  buildViewToggle();
  buildCards();
  buildClassroom();
  syncUrl();
  plot.setStart(state.experiment.start);
  await grids.load(state.experiment);
  if (state.view.view === "3d") await plot.setView("3d");
  stream.connect();
  document.body.dataset.ready = "true";
}

main();
