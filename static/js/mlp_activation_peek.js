/**
 * A small picture beside each activation menu of the MLP builder: f (solid) and f′ (dashed)
 * of the chosen activation on [−4, 4], from `POST /api/activations` (the network's own code,
 * Keras' default arguments); a click opens that activation in the activation lab.
 */

import { h } from "./controls.js";
import { lang, t } from "./i18n.js";

const X = Array.from({ length: 81 }, (_, i) => -4 + i * 0.1);
const WIDTH = 72;
const HEIGHT = 34;
const PAD = 3;
const SVG = "http://www.w3.org/2000/svg";
const curves = new Map(); // name → Promise of {f, df}

function fetchCurves(name) {
  if (!curves.has(name)) {
    curves.set(name, fetch("/api/activations", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name, x: X }),
    }).then((r) => (r.ok ? r.json() : null)).catch(() => null));
  }
  return curves.get(name);
}

/** The SVG path of `ys` over X within the box, y from `lo` (bottom) to `hi` (top). */
export function sparkPath(ys, lo, hi) {
  const sx = (x) => PAD + ((x + 4) / 8) * (WIDTH - 2 * PAD);
  const sy = (y) => HEIGHT - PAD - ((y - lo) / (hi - lo || 1)) * (HEIGHT - 2 * PAD);
  return ys.map((y, i) => `${i ? "L" : "M"}${sx(X[i]).toFixed(1)},${sy(y).toFixed(1)}`).join("");
}

function svgEl(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** The peek for a layer whose activation is `name`; `set(name)` redraws it for another. */
export function activationPeek(name) {
  const svg = svgEl("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, class: "peek-svg", "aria-hidden": "true" });
  const link = h("a", { class: "activation-peek", "data-peek": "" }, svg);
  let current = null;
  async function set(next) {
    current = next;
    link.href = `/activations?lang=${lang()}&a=${encodeURIComponent(next)}`;
    link.title = t("mlp.activation_peek_open", { name: next });
    link.setAttribute("aria-label", `${t("mlp.activation_peek", { name: next })}. ${link.title}`);
    const data = await fetchCurves(next);
    if (!data || current !== next) return;
    const all = [...data.f, ...data.df, 0];
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    const zero = svgEl("path", { d: sparkPath(X.map(() => 0), lo, hi), class: "peek-zero" });
    const f = svgEl("path", { d: sparkPath(data.f, lo, hi), class: "peek-f" });
    const df = svgEl("path", { d: sparkPath(data.df, lo, hi), class: "peek-df" });
    svg.replaceChildren(zero, df, f);
    link.dataset.peek = next;
  }
  set(name);
  return { el: link, set };
}
