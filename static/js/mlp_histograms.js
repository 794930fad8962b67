/**
 * Small multiples of each Dense block's activations (30-bin histograms the server computes on
 * up to 256 training points, inference mode), with mean, standard deviation and, for ReLU, the
 * fraction of dead units. Saturated sigmoids pile up at the edges; dead ReLUs at zero.
 */

import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";
import { layerName } from "./mlp_curves.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 180;
const HEIGHT = 64;

function rect(attrs) {
  const el = document.createElementNS(SVG, "rect");
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

export class Histograms {
  constructor(container) {
    this.container = container;
    this.key = "";
    this.cards = [];
  }

  draw(layers) {
    if (!layers || layers.length === 0) {
      this.container.replaceChildren();
      this.key = "";
      return;
    }
    const key = layers.map((l) => `${l.activation}:${l.histogram.length}:${l.bin_edges.join(",")}`).join("|");
    if (key !== this.key) this.build(layers, key);
    layers.forEach((layer, i) => this.update(this.cards[i], layer));
  }

  build(layers, key) {
    this.key = key;
    this.cards = layers.map((layer, i) => {
      const svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
      svg.setAttribute("class", "hist-svg");
      svg.setAttribute("aria-hidden", "true");
      const bins = layer.histogram.length;
      const bars = layer.histogram.map((_, b) => {
        const bar = rect({ x: (b * WIDTH) / bins + 0.5, width: WIDTH / bins - 1, y: HEIGHT, height: 0 });
        svg.append(bar);
        return bar;
      });
      svg.append(rect({ x: 0, y: HEIGHT - 1, width: WIDTH, height: 1, class: "hist-base" }));
      const stats = h("p", { class: "hist-stats" });
      const dead = h("p", { class: "hist-dead" });
      const [lo, hi] = layer.bin_edges;
      const el = h("figure", { class: "hist", "data-layer": i },
        h("figcaption", {}, layerName(i, layers.length, layer.activation)),
        svg,
        h("div", { class: "hist-axis" }, h("span", {}, formatNumber(lo, 3)), h("span", {}, formatNumber(hi, 3))),
        stats, dead);
      return { el, bars, stats, dead };
    });
    this.container.replaceChildren(...this.cards.map((c) => c.el));
  }

  update(card, layer) {
    const peak = Math.max(...layer.histogram, 1);
    layer.histogram.forEach((count, b) => {
      const height = (count / peak) * (HEIGHT - 4);
      card.bars[b].setAttribute("y", String(HEIGHT - 1 - height));
      card.bars[b].setAttribute("height", String(height));
    });
    card.stats.textContent = t("mlp.hist_stats", { mean: formatNumber(layer.mean, 3), std: formatNumber(layer.std, 3) });
    const deadShown = layer.dead_fraction !== null && layer.dead_fraction !== undefined;
    card.dead.hidden = !deadShown;
    if (deadShown) {
      card.dead.textContent = t("mlp.dead_fraction", { percent: formatNumber(layer.dead_fraction * 100, 3) });
      card.dead.classList.toggle("is-bad", layer.dead_fraction > 0);
    }
  }
}
