/**
 * The surface playground: the page skeleton (page.js), one store whose every patch writes the
 * link, and the panels that redraw from it — race controls, cards, player, contour/3D plot,
 * loss chart, legend and summary. Frames are drawn at most once per animation frame.
 */

import { Anatomy } from "./anatomy.js";
import { LossChart } from "./charts.js";
import { applyHidden } from "./classroom.js";
import { slider } from "./controls.js";
import { DrawScheduler } from "./draw.js";
import { GridLoader } from "./grid.js";
import { formatNumber, t } from "./i18n.js";
import { $, bootPage, markReady, showErrorBanner, wireClassroom } from "./page.js";
import { bindPlayer } from "./player.js";
import { isPresenting, RunChips } from "./present.js";
import { buildRaceControls } from "./race_controls.js";
import { clone, fieldByName, pageQuery } from "./state.js";
import { refreshCharts, ScheduleMarks } from "./schedule_chart.js";
import { renderLegend, renderSummary } from "./summary.js";
import { SurfacePlot } from "./surface_plot.js";
import { SurfaceRunner } from "./surface_runner.js";
import { RunCards, scheduleRequest } from "./surface_runs.js";
import { Tuner } from "./tune.js";

const { data, schema, store, debug } = bootPage({
  state: (d) => ({ experiment: clone(d.experiment), view: clone(d.view) }),
  link: (s, d) => pageQuery(d.schema, d.lang, s.experiment, s.view),
  debug: { drawCount: 0 },
});
const state = store.state;
const plot = new SurfacePlot($("#surface-plot"), { onPick: pickStart, onHover: showHover });
const loss = new LossChart($("#loss-chart"), $("#loss-note"));
const grids = new GridLoader();
const draws = new DrawScheduler(draw);
const cards = new RunCards({ store, schema, container: $("#cards"), addMenu: $("#add-optimizer") });
const runner = new SurfaceRunner({ store, debug, on: { started, frame: () => draws.queue(), errors: showRaceErrors } });
let shownGrid = null;
let raceControls = null;

/* ---------- the panels, told of every change ---------- */

store.subscribe((changes, meta) => {
  const experiment = changes.experiment ?? {};
  if (meta.runs) {
    cards.build();
    buildClassroom();
  }
  if (meta.regrid && state.experiment.surface !== "custom") loadGrid();
  if ("start" in experiment) plot.setStart(state.experiment.start);
  if (meta.redraw) draws.queue();
  if (changes.experiment && meta.run !== false) runner.changed(meta.commit ?? true);
  if (changes.view) updatePlayer();
  if (changes.view?.hide) draws.queue(); // a hidden optimizer leaves the plots and the legend
});

// Presentation mode's chips (present.js): redrawn after the cards on every change.
const chips = new RunChips({
  container: $("#chips"), aside: $(".optimizers"), cards: $("#cards"),
  styles: () => cards.styles(), runs: () => state.experiment.runs, hidden: () => state.view.hide,
});
store.subscribe(() => chips.render());

// The instruments (issue 11): anatomy of one run's update, lr(t) charts and the loss chart's
// schedule changes, tuned learning rates. Each redraws from the store after the cards and chips.
const anatomy = new Anatomy({
  store, schema, plot, layer: $("#surface-plot [data-layer=anatomy]"), panel: $("#anatomy"),
  cards: $("#cards"), styles: () => cards.styles(),
});
const scheduleMarks = new ScheduleMarks(
  () => cards.styles().flatMap((style, i) => (style.enabled && state.experiment.runs[i].schedule.name === "piecewise"
    ? [{ request: scheduleRequest(state.experiment, i, schema), color: style.color }] : [])),
  (marks) => { loss.setMarks(marks); draws.queue(); });
// Presentation mode hides the cards' column: its Tune button follows the chips, and the
// results open over the page as a chip's card does.
const tuner = new Tuner({
  store, buttons: [$("#btn-tune"), $("#btn-tune-present")], box: $("#tune-results"), cards: $("#cards"), chips: $("#chips"),
  styles: () => cards.styles(), onError: (title, errors) => showErrorBanner($("#race-error"), title, errors),
  onShow: () => { if (isPresenting()) { chips.overlayResults(); $("#btn-tune-apply").focus({ preventScroll: true }); } },
  onHide: () => chips.close(),
});
store.subscribe(() => { refreshCharts(); scheduleMarks.update(); });
Object.assign(debug, { anatomy, tuner });

/** A typed formula is checked by the race first: its grid is fetched once the race starts. */
async function loadGrid() {
  const answer = await grids.load(state.experiment);
  if (!answer?.grid || answer.grid === shownGrid) return;
  shownGrid = answer.grid;
  await plot.setGrid(shownGrid);
  anatomy.render();
  loss.setSurface(shownGrid.surface);
  $("#formula-readout").textContent = `f(x, y) = ${shownGrid.surface.formula}`;
  draws.queue();
}

function started(message) {
  if (!state.experiment.start) store.patch({ experiment: { start: message.start } }, { run: false });
  plot.setStart(message.start);
  raceControls.formulaError(null);
  $("#race-error").hidden = true;
  if (state.experiment.surface === "custom") loadGrid();
}

function showRaceErrors(errors) {
  const formula = errors.find((e) => e.field === "expression" || String(e.type).startsWith("formula_"));
  if (formula) raceControls.formulaError(formula);
  const others = errors.filter((e) => e !== formula);
  if (others.length) showErrorBanner($("#race-error"), t("errors.race"), others);
}

/* ---------- drawing ---------- */

async function draw() {
  const race = runner.race;
  const { gen, done } = race;
  const timed = runner.drawStarts(gen, done);
  const styles = cards.styles();
  plot.setRuns(styles);
  loss.setRuns(styles);
  // The trajectories first: they are what a slider change is judged by.
  await plot.drawTrajectories(race.paths, race.states);
  if (timed && plot.ready) runner.drawn();
  renderLegend($("#legend"), styles, (i) => cards.toggle(i));
  await loss.draw(race.paths, race.states);
  renderSummary($("#summary-body"), styles, race.states, loss.best !== null);
  updatePlayer();
  debug.drawCount += 1;
  debug.drawnGen = gen;
  debug.drawnComplete = done;
}

/* ---------- start point, hover, player ---------- */

function pickStart(point) {
  store.patch({ experiment: { start: point.map((v) => Number(v.toPrecision(3))) } });
}

function showHover(point) {
  $("#hover-readout").textContent = point
    ? `x = ${formatNumber(point.x, 3)}, y = ${formatNumber(point.y, 3)}, f ≈ ${formatNumber(point.f, 4)}`
    : "";
}

function updatePlayer() {
  runner.showPlayer();
  const s = state.experiment.start;
  $("#start-readout").textContent = s ? t("plot.start_at", { x: formatNumber(s[0], 3), y: formatNumber(s[1], 3) }) : "";
}

function buildPlayer() {
  bindPlayer({
    togglePlay: () => runner.togglePlay(), step: () => runner.stepOnce(), reset: () => runner.reset(),
    end: () => runner.finish(),
    busy: () => $("#classroom-dialog").open,
  });
  const speed = slider(fieldByName(schema.view, "speed"), state.view.speed, {
    name: "speed", label: t("player.speed"),
    onChange: (v) => {
      store.patch({ view: { speed: v } });
      runner.stream.speed(v);
    },
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
      store.patch({ view: { view: choice } });
      mark();
      await plot.setView(choice);
    });
  }
  if (state.view.view === "3d" && !has3d) state.view.view = "contour";
  mark();
}

function buildClassroom() {
  wireClassroom(store, {
    optimizers: () => state.experiment.runs.map((r) => r.optimizer),
    hide: (s) => s.view.hide,
    patchFor: (list) => ({ view: { hide: list } }),
  });
}

/* ---------- start-up ---------- */

async function main() {
  const list = await fetch("/api/surfaces").then((r) => r.json());
  raceControls = buildRaceControls($("#race-controls"), {
    fields: schema.experiment, experiment: state.experiment, lang: data.lang, custom: schema.custom,
    surfaces: Object.fromEntries(list.map((s) => [s.name, s])),
    onChange: (patch, options) => store.patch({ experiment: patch }, options),
  });
  $("#btn-reset-start").addEventListener("click", () => store.patch({ experiment: { start: null } }));
  buildPlayer();
  buildViewToggle();
  cards.build();
  chips.render();
  anatomy.decorateCards();
  tuner.mark();
  scheduleMarks.update();
  buildClassroom();
  applyHidden(document, state.view.hide);
  store.writeLink();
  plot.setStart(state.experiment.start);
  await loadGrid();
  if (state.view.view === "3d") await plot.setView("3d");
  runner.stream.connect();
  markReady();
}

main();
