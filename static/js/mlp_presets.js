/**
 * The lecture's stories as links: each preset is the query of an experiment (the page opens it
 * like any shared link and starts training). Settings were chosen by running them on the
 * server's core: the deep sigmoid net's first layer gets gradients around 1e-6 and stays at
 * chance, He + ReLU and batch normalization reach ~99 % on the same data, the big net on 60
 * noisy points reaches 100 % train / ~88 % test accuracy while its test loss climbs from 1.0 to
 * 1.5 and its training loss falls to 1e-5, and dropout + L2 keep the test loss near 0.45.
 */

import { h } from "./controls.js";
import { t } from "./i18n.js";

const STORY_KEY = "descenso.mlp.story";

/** `n` identical hidden layers as link parameters (`l0.u=8&l0.a=…&l1.u=…`). */
function layers(n, params) {
  const pairs = [];
  for (let i = 0; i < n; i += 1) {
    for (const [key, value] of Object.entries(params)) pairs.push(`l${i}.${key}=${value}`);
  }
  return pairs.join("&");
}

const CIRCLE = "v=1&d=circle&ns=300&nz=0.1&tr=0.5&ds=1&ft=x1,x2";
const DEEP = { u: 8, a: "sigmoid", i: "glorot_uniform" };
const SMALL_NOISY = "v=1&d=circle&ns=300&nz=0.5&tr=0.2&ds=1&ft=x1,x2";
const BIG = { u: 64, a: "relu", i: "he_normal" };

export const PRESETS = [
  {
    id: "zero_init",
    query: `${CIRCLE}&${layers(2, { u: 8, a: "tanh", i: "zeros" })}&o.o=adam&o.lr=0.03&bs=10&ep=200&seed=0&g=40&mc=0`,
  },
  {
    id: "vanishing",
    query: `${CIRCLE}&${layers(8, DEEP)}&o.o=sgd&o.lr=0.1&bs=10&ep=300&seed=0&g=40&mc=0`,
  },
  {
    id: "he_relu",
    query: `${CIRCLE}&${layers(8, { u: 8, a: "relu", i: "he_normal" })}&o.o=sgd&o.lr=0.1&bs=10&ep=300&seed=0&g=40&mc=0`,
  },
  {
    id: "batchnorm",
    query: `${CIRCLE}&${layers(8, { ...DEEP, bn: "before" })}&o.o=sgd&o.lr=0.1&bs=10&ep=300&seed=0&g=40&mc=0`,
  },
  {
    id: "overfit",
    query: `${SMALL_NOISY}&${layers(3, BIG)}&o.o=adam&o.lr=0.01&bs=10&ep=400&seed=0&g=40&mc=0`,
  },
  {
    id: "regularized",
    query: `${SMALL_NOISY}&${layers(3, { ...BIG, do: 0.2, "kr.rn": "l2", "kr.l2": 0.01 })}&o.o=adam&o.lr=0.01&bs=10&ep=400&seed=0&g=40&mc=0`,
  },
  {
    id: "mc_dropout",
    query: `v=1&d=moons&ns=200&nz=0.2&tr=0.5&ds=1&ft=x1,x2&${layers(2, { u: 32, a: "relu", i: "he_normal", do: 0.2 })}&o.o=adam&o.lr=0.01&bs=10&ep=200&seed=0&g=40&mc=30`,
  },
];

/** The link of a preset in `lang`, keeping the classroom's hidden controls. */
export function presetUrl(preset, lang, hide) {
  const extra = hide.length ? `&hide=${hide.join(",")}` : "";
  return `${location.pathname}?lang=${lang}&${preset.query}${extra}`;
}

/** The story the page was opened for (once: the mark is consumed), or null. */
export function takeStory() {
  try {
    const id = sessionStorage.getItem(STORY_KEY);
    sessionStorage.removeItem(STORY_KEY);
    return PRESETS.find((p) => p.id === id) ?? null;
  } catch {
    return null;
  }
}

/** Fill the preset select; choosing one opens its link and marks it to play on arrival. */
export function buildPresetPicker(selectEl, { lang, hide, current }) {
  selectEl.replaceChildren(
    h("option", { value: "" }, t("mlp.preset_choose")),
    ...PRESETS.map((p) => h("option", { value: p.id }, t(`mlp.preset.${p.id}`))));
  selectEl.value = current?.id ?? "";
  selectEl.addEventListener("change", () => {
    const preset = PRESETS.find((p) => p.id === selectEl.value);
    if (!preset) return;
    try {
      sessionStorage.setItem(STORY_KEY, preset.id);
    } catch {
      // without storage the story still opens, it just does not start by itself
    }
    location.assign(presetUrl(preset, lang, hide()));
  });
}
