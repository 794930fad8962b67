/**
 * The initializer lab: one stack (depth, width, samples, seed) and two settings A and B
 * (initializer, VarianceScaling's arguments when chosen, activation, batch normalization),
 * each drawn from the served schema; every change asks `POST /api/init/propagate` for both
 * settings and redraws the charts and the variance argument's numbers.
 */

import { applyHidden } from "./classroom.js";
import { h } from "./controls.js";
import { t } from "./i18n.js";
import { InitCharts, SIDES } from "./init_charts.js";
import { $, bootLab, computeOnChange, fieldControl, postJson } from "./lab_page.js";
import { markReady, wireClassroom } from "./page.js";
import { clone, fieldByName } from "./state.js";

const { schema, store, debug } = bootLab();
const state = store.state;
const fields = schema.experiment;
const charts = new InitCharts({
  stdPlot: $("#std-plot"), gradPlot: $("#grad-plot"), histPlot: $("#hist-plot"), numbers: $("#argument-numbers"),
});

/** The `/api/init/propagate` body of one side: its setting on the shared stack. */
function request(lab, side) {
  const { depth, width, samples, seed } = lab;
  return { ...lab[side], depth, width, samples, seed };
}

const compute = computeOnChange(store, debug, {
  request: (lab, signal) => Promise.all(SIDES.map((side) => postJson("/api/init/propagate", request(lab, side.key), signal))),
  draw: (answers) => charts.draw(answers, state.experiment),
  errorBox: $("#lab-error"),
});

function buildStack() {
  const box = $("#stack-controls");
  for (const name of ["depth", "width", "samples", "seed"]) {
    const field = fieldByName(fields, name);
    const built = fieldControl(field, state.experiment[name], {
      label: t(`init.${name}`), onChange: (v, commit) => store.patch({ experiment: { [name]: v } }, { commit }),
    });
    box.append(built.el);
  }
}

function buildSide(side) {
  const sideFields = fieldByName(fields, side).fields;
  const setting = () => state.experiment[side];
  const patch = (changes) => store.patch({ experiment: { [side]: { ...setting(), ...changes } } });
  const field = (name) => fieldByName(sideFields, name);
  const vsFields = field("variance_scaling").fields;
  const vsValue = () => setting().variance_scaling
    ?? Object.fromEntries(vsFields.map((f) => [f.name, clone(f.default)]));
  const vsGroup = h("div", { class: "sub-controls", "data-field": "variance_scaling" }, vsFields.map((f) =>
    fieldControl(f, vsValue()[f.name], {
      label: h("code", {}, f.name), hideKey: `setting_${side}`,
      onChange: (v, commit) => store.patch({ experiment: { [side]: { ...setting(), variance_scaling: { ...vsValue(), [f.name]: v } } } }, { commit }),
    }).el));
  const showVs = () => { vsGroup.hidden = setting().initializer !== "variance_scaling"; };
  const controls = [
    fieldControl(field("initializer"), setting().initializer, {
      label: t("init.initializer"), hideKey: `setting_${side}`,
      onChange: (v) => {
        patch({ initializer: v, variance_scaling: v === "variance_scaling" ? vsValue() : null });
        showVs();
      },
    }).el,
    vsGroup,
    fieldControl(field("activation"), setting().activation, {
      label: t("init.activation"), hideKey: `setting_${side}`, onChange: (v) => patch({ activation: v }),
    }).el,
    fieldControl(field("batch_normalization"), setting().batch_normalization, {
      label: t("init.batch_normalization"), hideKey: `setting_${side}`, optionLabel: (o) => t(`mlp.bn.${o}`),
      onChange: (v) => patch({ batch_normalization: v }),
    }).el,
  ];
  $(`#setting-${side}`).replaceChildren(...controls);
  showVs();
}

buildStack();
for (const side of SIDES) buildSide(side.key);
applyHidden(document, state.hide);
wireClassroom(store, { hide: (s) => s.hide, patchFor: (list) => ({ hide: list }) });
store.writeLink();
compute().then(markReady);
