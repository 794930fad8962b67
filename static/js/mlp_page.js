/**
 * The MLP playground: the page skeleton (page.js), one store whose every patch writes the link,
 * and the panels that redraw from it (mlp_panels.js, mlp_network.js, mlp_view.js).
 *
 * Like TensorFlow Playground, the page opens paused at epoch 0 and trains on "Play". A change
 * to a field the server's rules continue (`rules.continues`: the optimizer, the epochs …)
 * continues the running training (the server answers `updated`); any other change starts a new
 * one (`started`), playing if it was. Frames are drawn at most once per animation frame.
 */

import { applyHidden } from "./classroom.js";
import { h } from "./controls.js";
import { DrawScheduler } from "./draw.js";
import { followedPlaying } from "./followed_player.js";
import { t } from "./i18n.js";
import { LandscapePanel, landscapeTouched } from "./landscape.js";
import { downloadScript } from "./mlp_code.js";
import { linkExperiment, resolveOptimizer, structureKey } from "./mlp_experiment.js";
import { NetworkPanel, networkChanged, showRestarted } from "./mlp_network.js";
import { buildPanels } from "./mlp_panels.js";
import { buildPresetPicker, takeStory } from "./mlp_presets.js";
import { Run, TrainingStream } from "./mlp_run.js";
import { MlpView } from "./mlp_view.js";
import { $, bootPage, markReady, showErrorBanner, wireClassroom } from "./page.js";
import { bindPlayer } from "./player.js";
import { refreshCharts, ScheduleMarks } from "./schedule_chart.js";
import { clone, encodePairs, queryString } from "./state.js";
import { copyText, toast } from "./ui.js";

const DEFAULT_SPEED = 25;

const { data, schema, store, debug } = bootPage({
  state: (d) => {
    const experiment = clone(d.experiment);
    experiment.optimizer = resolveOptimizer(experiment.optimizer, d.schema.optimizers);
    return { experiment, hide: [...(d.view?.hide ?? [])], speed: DEFAULT_SPEED, upload: null, landscape: clone(d.landscape) };
  },
  link: (s, d) => queryString([["lang", d.lang], ...encodePairs(d.schema.experiment, linkExperiment(s.experiment)),
    ...(landscapeTouched(d.schema.landscape, s.landscape) ? encodePairs(d.schema.landscape, s.landscape) : []),
    ...(s.hide.length ? [["hide", s.hide.join(",")]] : [])]),
  notices: linkNotices,
  debug: { drawCount: 0, drawnEpoch: -1, drawnGen: -1, errors: [], sent: [] },
});
const state = store.state;
const rules = schema.rules;
let run = new Run(0);
let serverStructure = null; // structure of the training the server holds
const sentStructure = new Map(); // gen → structure key it was sent with
const stream = new TrainingStream("/ws/mlp", {
  onMessage: receive,
  onOpen: (resent) => { if (!resent) send(run.playing ? "play" : "pause"); },
  onClose: () => { serverStructure = null; },
});
const draws = new DrawScheduler(draw);
const view = new MlpView({ experiment: () => state.experiment, redraw: () => draws.queue(), debug });
const network = new NetworkPanel({ store, schema, run: () => run });
const landscape = new LandscapePanel($("#landscape-body"), { fields: schema.landscape, store, debug });
Object.defineProperty(debug, "run", { get: () => run });
document.addEventListener("descenso:layout", () => draws.queue()); // a mode or tab change (present.js)

/* ---------- the panels, told of every change ---------- */

// The loss chart's dashed lines where a piecewise schedule changes the rate (server's curve).
const scheduleMarks = new ScheduleMarks(
  () => (state.experiment.optimizer.schedule?.name === "piecewise"
    ? [{ request: { url: "/api/mlp/schedule", body: state.experiment }, color: "#6b7280" }] : []),
  (marks) => { view.lossChart.setMarks(marks.map((m) => m.x)); draws.queue(); });
store.subscribe((changes) => {
  if (!changes.experiment) return;
  refreshCharts();
  scheduleMarks.update();
});
scheduleMarks.update();

store.subscribe((changes, meta) => {
  if (meta.network) network.build();
  else if (meta.structure) network.refresh();
  if (changes.experiment) landscape.experimentChanged();
  if (changes.experiment && meta.run !== false) {
    network.refreshCode();
    // Fewer epochs than already trained: the training is over, nothing left to play.
    const over = run.info && run.epoch >= state.experiment.epochs;
    send(run.playing && !over ? "play" : "pause");
  }
});

/* ---------- talking to the server ---------- */

/** Send the experiment: the server continues the training or starts a new one. */
function send(mode) {
  const key = structureKey(state.experiment, rules);
  const continues = serverStructure !== null && key === serverStructure;
  showRestarted(!continues && run.info && run.epoch > 0 && networkChanged(serverStructure, state.experiment));
  const gen = stream.startRun(state.experiment, mode, state.speed, continues);
  sentStructure.set(gen, key);
  debug.gen = gen;
  debug.sent.push({ gen, mode, continues });
  if (continues) {
    run.gen = gen;
  } else {
    const previous = run;
    run = new Run(gen);
    run.shown = previous.info ? previous : previous.shown; // the old picture until the new one arrives
  }
  run.playing = mode === "play";
  $("#run-error").hidden = true;
  updatePlayer();
}

function receive(message) {
  if (message.type === "started") {
    run.started(message);
    run.shown = null;
    serverStructure = sentStructure.get(message.gen) ?? null;
    for (const gen of sentStructure.keys()) if (gen < message.gen) sentStructure.delete(gen);
    network.refresh();
    draws.queue();
  } else if (message.type === "frame") {
    run.addFrame(message);
    draws.queue();
  } else if (message.type === "error") {
    showRunError(message.errors ?? []);
  } else if (message.type === "busy") {
    showRunError([{ message: t("mlp.busy") }]);
  }
  if (stream.following()) {
    // a following student's player shows the teacher's state, told by her stream
    run.playing = followedPlaying(message, run.playing);
    if (message.type === "player") updatePlayer();
  }
}

function showRunError(errors) {
  debug.errors.push(...errors);
  run.playing = false;
  showErrorBanner($("#run-error"), t("mlp.run_error"), errors);
  updatePlayer();
}

async function draw() {
  const shown = run.info ? run : run.shown;
  if (shown?.info) network.setGradients(await view.draw(shown));
  updatePlayer();
  debug.drawCount += 1;
  debug.drawnGen = shown?.gen ?? -1;
  debug.drawnEpoch = shown?.info ? shown.epoch : -1;
  debug.curvesCurrent = debug.curvesEpoch === debug.drawnEpoch;
}

/* ---------- player ---------- */

function updatePlayer() {
  const play = $("#btn-play");
  play.setAttribute("aria-pressed", String(run.playing));
  play.querySelector("[data-role=label]").textContent = run.playing ? t("player.pause") : t("player.play");
  play.querySelector("[data-role=icon]").textContent = run.playing ? "❚❚" : "▶";
  $("#epoch-value").textContent = String((run.info ? run : run.shown ?? run).epoch);
  $("#epoch-total").textContent = t("mlp.epoch_of", { total: state.experiment.epochs });
}

/** Finished (all epochs, or diverged): playing again starts over. */
function finished() {
  return run.done && (run.status === "diverged" || run.epoch >= state.experiment.epochs);
}

function togglePlay() {
  if (run.playing) {
    stream.pause();
    run.playing = false;
  } else if (!run.info) {
    send("play");
  } else {
    if (finished()) stream.reset();
    stream.play();
    run.playing = true;
  }
  updatePlayer();
}

function stepOnce() {
  if (!run.info) send("pause");
  else if (finished()) stream.reset();
  run.playing = false;
  stream.step(1);
  updatePlayer();
}

function resetRun() {
  run.playing = false;
  stream.reset();
  updatePlayer();
}

/* ---------- header: code buttons; the link's notices and story ---------- */

function buildHeader() {
  $("#btn-copy-code").addEventListener("click", async () => {
    if (await copyText($("#keras-code").textContent)) toast(t("mlp.code_copied"));
  });
  for (const button of document.querySelectorAll("[data-export]")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await downloadScript(button.dataset.export, state.experiment, data.lang);
        toast(t("mlp.script_downloaded"));
      } catch (error) {
        toast(t("mlp.script_failed", { reason: error.message }));
      } finally {
        button.disabled = false;
      }
    });
  }
}

/** The server's notices; a link that named an uploaded CSV gets a plain explanation. */
function linkNotices(d, s) {
  const asked = new URLSearchParams(location.search).get("d");
  if (asked === "csv" && s.experiment.dataset.name !== "csv") {
    return [{ key: "d", value: "csv", message: t("mlp.csv_link_notice") },
      ...d.notices.filter((n) => n.key !== "" && !n.key.startsWith("d"))];
  }
  return d.notices;
}

function showStory(story) {
  if (!story) return;
  const box = $("#story");
  const close = h("button", { type: "button", class: "icon-button", "aria-label": t("notices.dismiss"), title: t("notices.dismiss") }, "×");
  close.addEventListener("click", () => { box.hidden = true; });
  box.replaceChildren(h("div", { class: "notice-text" },
    h("strong", {}, t(`mlp.preset.${story.id}`)), " — ", t(`mlp.preset_hint.${story.id}`)), close);
  box.hidden = false;
}

/* ---------- start-up ---------- */

function main() {
  const story = takeStory();
  showStory(story);
  buildPresetPicker($("#preset-select"), { lang: data.lang, hide: () => state.hide, current: story });
  buildHeader();
  buildPanels({ store, schema, onSpeed: (v) => stream.speed(v), debug });
  network.build();
  wireClassroom(store, {
    hide: (s) => s.hide, patchFor: (list) => ({ hide: list }), onChange: () => draws.queue(),
  });
  bindPlayer({ togglePlay, step: stepOnce, reset: resetRun, busy: () => $("#classroom-dialog").open });
  applyHidden(document, state.hide);
  store.writeLink();
  let resizeTimer = 0;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => network.refresh(), 150);
  });
  send(story ? "play" : "pause");
  stream.connect();
  markReady();
}

main();
