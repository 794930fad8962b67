/**
 * A compact drawing of the network, TensorFlow-Playground style: a column of nodes per layer
 * (inputs, hidden layers, output), every connection drawn, each hidden layer tagged with what
 * it adds (batch normalization, dropout, regularizer, max-norm). While training, the edges
 * into each Dense layer fade with the layer's gradient norm (log scale), so vanishing gradients
 * are visible in the drawing itself.
 */

import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_NODES = 8;
const HEIGHT = 230;
const TOP = 44;
const BOTTOM = 46;
const RADIUS = 8;
const LOG_RANGE = [-7, 0]; // gradient norms 1e-7 … 1 map to faint … dark edges

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Node centres of one column: at most MAX_NODES shown, the rest summarised by "⋮". */
function columnNodes(units, x) {
  const shown = units > MAX_NODES ? MAX_NODES - 1 : units;
  const span = HEIGHT - TOP - BOTTOM;
  const gap = Math.min(24, span / Math.max(shown + (units > MAX_NODES ? 1 : 0) - 1, 1));
  const total = gap * (shown - 1 + (units > MAX_NODES ? 1 : 0));
  const y0 = TOP + (span - total) / 2;
  return { points: Array.from({ length: shown }, (_, i) => ({ x, y: y0 + i * gap })), more: units > MAX_NODES ? { x, y: y0 + shown * gap } : null };
}

/** What a hidden layer adds, as short tags ("BN before", "dropout 0.2", "L2", "‖w‖ ≤ 1"). */
function tagsOf(layer, compact) {
  const tags = [];
  const maxNorm = layer.max_norm !== null && layer.max_norm !== undefined;
  if (compact) {
    if (layer.batch_normalization !== "none") tags.push("BN");
    if (layer.dropout > 0) tags.push(formatNumber(layer.dropout, 2));
    if (layer.kernel_regularizer) tags.push(t(`mlp.reg.${layer.kernel_regularizer.name}`));
    if (maxNorm) tags.push("‖w‖");
    return tags;
  }
  if (layer.batch_normalization !== "none") tags.push(t(`mlp.tag.bn_${layer.batch_normalization}`));
  if (layer.dropout > 0) tags.push(t("mlp.tag.dropout", { rate: formatNumber(layer.dropout, 2) }));
  if (layer.kernel_regularizer) tags.push(t(`mlp.reg.${layer.kernel_regularizer.name}`));
  if (maxNorm) tags.push(t("mlp.tag.max_norm", { value: formatNumber(layer.max_norm, 3) }));
  return tags;
}

/** An activation's name, cut to four letters where the columns are narrow. */
function activationLabel(name, compact) {
  return compact && name.length > 5 ? `${name.slice(0, 4)}.` : name;
}

export class NetworkDiagram {
  constructor(container) {
    this.container = container;
    this.edgeGroups = [];
    this.svg = null;
  }

  /**
   * Draw `features` (labels of the inputs), `layers` (LayerSpec values) and the output
   * (`outputs` units with `outputActivation`).
   */
  draw({ features, layers, outputs, outputActivation }) {
    const width = Math.max(this.container.clientWidth, 320);
    const columns = [
      { units: features.length, kind: "input", labels: features },
      ...layers.map((l) => ({ units: l.units, kind: "hidden", layer: l })),
      { units: outputs, kind: "output", activation: outputActivation },
    ];
    const margin = 58;
    const step = columns.length > 1 ? (width - 2 * margin) / (columns.length - 1) : 0;
    const placed = columns.map((c, i) => ({ ...c, ...columnNodes(c.units, margin + i * step) }));
    const compact = step < 78;

    const root = svg("svg", { viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, class: "diagram-svg", role: "img",
      "aria-label": t("mlp.diagram_aria", { layers: layers.length }) });
    this.edgeGroups = [];
    for (let i = 1; i < placed.length; i += 1) {
      const group = svg("g", { class: "edges", "data-edges": i - 1 });
      for (const a of placed[i - 1].points) {
        for (const b of placed[i].points) {
          group.append(svg("line", { x1: a.x + RADIUS, y1: a.y, x2: b.x - RADIUS, y2: b.y }));
        }
      }
      this.edgeGroups.push(group);
      root.append(group);
    }
    placed.forEach((c) => {
      const nodes = svg("g", { class: `nodes nodes-${c.kind}` });
      c.points.forEach((p, j) => {
        nodes.append(svg("circle", { cx: p.x, cy: p.y, r: RADIUS }));
        if (c.kind === "input") {
          nodes.append(svg("text", { x: p.x - RADIUS - 6, y: p.y + 5, class: "node-label", "text-anchor": "end" }, c.labels[j]));
        }
      });
      if (c.more) nodes.append(svg("text", { x: c.more.x, y: c.more.y + 6, class: "node-more", "text-anchor": "middle" }, "⋮"));
      root.append(nodes);
      const x = c.points[0]?.x ?? 0;
      if (c.kind === "input") {
        root.append(svg("text", { x, y: 18, class: "column-head", "text-anchor": "middle" }, t("mlp.diagram_inputs")));
      } else {
        const activation = c.kind === "output" ? c.activation : c.layer.activation;
        root.append(svg("text", { x, y: 16, class: "column-head", "text-anchor": "middle" }, String(c.units)));
        root.append(svg("text", { x, y: 31, class: "column-sub", "text-anchor": "middle" }, activationLabel(activation, compact)));
      }
      if (c.kind === "hidden") {
        tagsOf(c.layer, compact).slice(0, 3).forEach((tag, k) => {
          root.append(svg("text", { x, y: HEIGHT - BOTTOM + 22 + k * 15, class: "column-tag", "text-anchor": "middle" }, tag));
        });
      }
      if (c.kind === "output") {
        root.append(svg("text", { x, y: HEIGHT - BOTTOM + 22, class: "column-tag", "text-anchor": "middle" }, t("mlp.diagram_output")));
      }
    });
    this.svg = root;
    this.container.replaceChildren(root, h("p", { class: "diagram-note" }, t("mlp.diagram_note")));
    this.setGradients(null);
  }

  /** Fade each layer's incoming edges with its kernel-gradient norm (null: all neutral). */
  setGradients(norms) {
    this.edgeGroups.forEach((group, i) => {
      const norm = norms?.[i];
      let opacity = 0.45;
      if (norms) {
        const level = norm && norm > 0 ? Math.log10(norm) : LOG_RANGE[0];
        const frac = (Math.min(Math.max(level, LOG_RANGE[0]), LOG_RANGE[1]) - LOG_RANGE[0]) / (LOG_RANGE[1] - LOG_RANGE[0]);
        opacity = 0.06 + 0.84 * frac;
      }
      group.setAttribute("stroke-opacity", opacity.toFixed(3));
    });
  }
}
