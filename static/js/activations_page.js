/**
 * The activation lab: chips choose the activations (the served menu of the `activations`
 * field), sliders their Keras arguments (shown while the activation that takes them is
 * chosen) and the Gaussian N(μ, σ); every change asks `POST /api/activations/lab` and redraws
 * f, f′, the histogram of the Gaussian pushed through f and the table of % saturated and dead.
 */

import { applyHidden } from "./classroom.js";
import { ActivationCharts, activationColour } from "./activation_charts.js";
import { h } from "./controls.js";
import { t } from "./i18n.js";
import { $, bootLab, computeOnChange, fieldControl, postJson } from "./lab_page.js";
import { markReady, wireClassroom } from "./page.js";
import { fieldByName } from "./state.js";

const { schema, store, debug } = bootLab();
const state = store.state;
const fields = schema.experiment;
const menu = fieldByName(fields, "activations");
const charts = new ActivationCharts({
  fPlot: $("#f-plot"), dfPlot: $("#df-plot"), distPlot: $("#dist-plot"), distTitle: $("#dist-title"),
  table: $("#health-table"), options: menu.options,
});
const argumentControls = [];

const compute = computeOnChange(store, debug, {
  request: (lab, signal) => postJson("/api/activations/lab", lab, signal),
  draw: (answer) => charts.draw(answer, state.experiment),
  errorBox: $("#lab-error"),
});

function setExperiment(patch, commit = true) {
  store.patch({ experiment: patch }, { commit });
}

/** One toggle chip per activation of the menu; the last one chosen stays on. */
function buildChips() {
  const chips = menu.options.map((name) => {
    const chip = h("button", {
      type: "button", class: "lab-chip", "data-activation": name, "aria-pressed": "false",
      style: `--chip-colour: ${activationColour(menu.options, name)}`,
    }, h("span", { class: "lab-swatch", "aria-hidden": "true" }), h("code", {}, name));
    chip.addEventListener("click", () => {
      const chosen = state.experiment.activations;
      const next = chosen.includes(name) ? chosen.filter((n) => n !== name) : [...chosen, name];
      if (next.length === 0) return;
      setExperiment({ activations: menu.options.filter((n) => next.includes(n)) });
      showChosen();
    });
    return chip;
  });
  $("#activation-chips").replaceChildren(...chips);
}

/** Chips pressed as chosen; an argument's slider shown while its activation is chosen. */
function showChosen() {
  const chosen = new Set(state.experiment.activations);
  for (const chip of document.querySelectorAll("#activation-chips .lab-chip")) {
    chip.setAttribute("aria-pressed", String(chosen.has(chip.dataset.activation)));
  }
  let shown = 0;
  for (const { el, owner } of argumentControls) {
    el.hidden = !chosen.has(owner);
    if (!el.hidden) shown += 1;
  }
  $("#no-arguments").hidden = shown > 0;
}

function buildControls() {
  for (const field of fields.filter((f) => f.when?.activations)) {
    const owner = schema.arguments[field.name];
    const label = h("span", {}, h("code", {}, field.name), ` (${owner})`);
    const built = fieldControl(field, state.experiment[field.name], {
      label, onChange: (v, commit) => setExperiment({ [field.name]: v }, commit),
    });
    argumentControls.push({ el: built.el, owner });
    $("#activation-arguments").append(built.el);
  }
  for (const name of ["mean", "std"]) {
    const field = fieldByName(fields, name);
    const built = fieldControl(field, state.experiment[name], {
      label: t(`activations.${name}`), onChange: (v, commit) => setExperiment({ [name]: v }, commit),
    });
    $("#gaussian-controls").append(built.el);
  }
}

buildChips();
buildControls();
showChosen();
applyHidden(document, state.hide);
wireClassroom(store, { hide: (s) => s.hide, patchFor: (list) => ({ hide: list }) });
store.writeLink();
compute().then(markReady);
