/**
 * Optimizer anatomy on the surface page: one run, one update at a time. An "explain" button on
 * each card picks the run (the link's `ex`); the panel walks Keras' update in order with the
 * numbers of update `exk` (from POST /api/surface/explain: the server owns the rule, its text
 * comes from the served optimizer catalogue), and a layer over the contour draws −η·g, the
 * first moment or velocity, the adaptive per-axis scale (a rectangle whose sides are 1/√v per
 * axis) and the step taken. For Adam, AdamW, Adamax and Nadam a switch (`gh`) draws the path
 * without bias correction, labelled "not Keras" (the same API, `bias_correction: false`).
 * Keys: "," and "." step back and forward (keys.js owns space, →, r, f and ?).
 */

/* global Plotly */

import { optimizerLabel } from "./cards.js";
import { h, uid } from "./controls.js";
import { errorText, formatNumber, t } from "./i18n.js";

export const COLOURS = { gradient: "#c2410c", moment: "#6d28d9", step: "#111827", scale: "#0f766e", ghost: "#6b7280" };
// How the update rules (the registry's text) write each Keras slot.
const SYMBOLS = { momentum: "m", velocity: "v", velocity_hat: "max v", accumulator: "s", average_gradient: "a", norm: "u" };
const TYPING = "input:not([type=range]):not([type=button]):not([type=checkbox]), select, textarea, [contenteditable]";
const ARROW_TARGET = 0.16; // the longest arrow, as a fraction of the window
const SCALE_BOX = 0.06; // half the longer side of the 1/√v rectangle, as a fraction of the window
const RELOAD_MS = 200;

/** "," or "." (no modifier, not while typing): -1, +1, else 0. Pure. */
export function stepKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return 0;
  if (event.target?.closest?.(TYPING)) return 0;
  if (event.key === ",") return -1;
  if (event.key === ".") return 1;
  return 0;
}

/** 1, 2 or 5 × 10ᵏ nearest below `x` (x > 0). Pure. */
export function niceFactor(x) {
  const power = 10 ** Math.floor(Math.log10(x));
  const mantissa = x / power;
  return (mantissa >= 5 ? 5 : mantissa >= 2 ? 2 : 1) * power;
}

/**
 * One factor for every arrow of a step, so that their lengths compare: 1 when the longest is
 * already visible and not huge, else a round factor bringing it to ARROW_TARGET. Pure.
 */
export function arrowFactor(vectors, window) {
  const [xmin, xmax, ymin, ymax] = window;
  const lengths = vectors.filter(Boolean).map(([dx, dy]) => Math.hypot(dx / (xmax - xmin), dy / (ymax - ymin)))
    .filter((v) => Number.isFinite(v));
  const longest = Math.max(0, ...lengths);
  if (longest === 0 || (longest >= 0.03 && longest <= 0.3)) return 1;
  return niceFactor(ARROW_TARGET / longest);
}

const pair = (v) => v && v.every((c) => c !== null);
const fmt = (v) => formatNumber(v, 4);
/** "(x, y)", "(x; y)" in Spanish (its decimal comma). */
const pairText = (x, y) => t("anatomy.pair", { x: fmt(x), y: fmt(y) });

async function postJson(url, body) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(url), { errors: data.errors ?? [] });
  return data;
}

/** The anatomy panel and its layer; every state change goes through `store` (view keys). */
export class Anatomy {
  /** `plot`: the SurfacePlot; `layer`: the div over its contour; `panel`: the panel element. */
  constructor({ store, schema, plot, layer, panel, cards, styles }) {
    Object.assign(this, { store, schema, plot, layer, panel, cards, styles });
    this.data = null; // the explanation shown: {key, keras, ghost}
    this.loadingKey = null;
    this.timer = null;
    this.build();
    store.subscribe((changes) => this.changed(changes));
    document.addEventListener("keydown", (event) => {
      const delta = this.state.explain === null ? 0 : stepKey(event);
      if (!delta || document.querySelector("dialog[open]")) return;
      event.preventDefault();
      this.move(delta);
    });
    this.changed({ experiment: {}, view: {} });
  }

  get state() {
    return this.store.state.view;
  }

  run() {
    const i = this.state.explain;
    return i === null || i === undefined ? null : this.store.state.experiment.runs[i] ?? null;
  }

  /* ---------- the panel's skeleton (built once) ---------- */

  build() {
    const ghostId = uid("ghost");
    this.el = {
      swatch: h("span", { class: "swatch", "aria-hidden": "true" }),
      title: h("h2", { class: "panel-title anatomy-title", id: uid("anatomy-title") }),
      readout: h("span", { class: "readout anatomy-step", "aria-live": "polite" }),
      back: h("button", { type: "button", class: "button", id: "anatomy-back", "aria-keyshortcuts": ",", title: t("anatomy.back"), "aria-label": t("anatomy.back"), onclick: () => this.move(-1) }, "◀"),
      forward: h("button", { type: "button", class: "button", id: "anatomy-forward", "aria-keyshortcuts": ".", title: t("anatomy.forward"), "aria-label": t("anatomy.forward"), onclick: () => this.move(1) }, "▶"),
      ghost: h("input", { type: "checkbox", role: "switch", id: ghostId }),
      close: h("button", { type: "button", class: "icon-button", id: "anatomy-close", title: t("anatomy.close"), "aria-label": t("anatomy.close"), onclick: () => this.store.patch({ view: { explain: null } }) }, "×"),
      rule: h("pre", { class: "anatomy-rule" }),
      walk: h("ol", { class: "anatomy-walk" }),
      status: h("p", { class: "hint anatomy-status" }),
      legend: h("ul", { class: "anatomy-legend", "aria-label": t("anatomy.legend") }),
    };
    this.el.ghost.addEventListener("change", () => this.store.patch({ view: { ghost: this.el.ghost.checked } }));
    this.ghostSwitch = h("label", { class: "switch switch-compact anatomy-ghost", for: ghostId, title: t("anatomy.ghost_title") },
      this.el.ghost, h("span", { class: "switch-track", "aria-hidden": "true" }), h("span", { class: "switch-label" }, t("anatomy.ghost")));
    this.panel.setAttribute("aria-labelledby", this.el.title.id);
    this.panel.replaceChildren(
      h("header", { class: "anatomy-head" }, this.el.swatch, this.el.title, this.el.close),
      h("div", { class: "anatomy-nav" }, this.el.back, this.el.readout, this.el.forward, this.ghostSwitch),
      h("p", { class: "shortcuts anatomy-keys" }, t("anatomy.keys")),
      this.el.legend,
      h("div", { class: "anatomy-body" },
        h("figure", { class: "rule" }, h("figcaption", {}, t("anatomy.rule")), this.el.rule),
        h("div", { class: "anatomy-steps" }, h("h3", { class: "subhead" }, t("anatomy.walk")), this.el.walk, this.el.status)));
  }

  /* ---------- state ---------- */

  changed(changes) {
    this.decorateCards();
    const run = this.run();
    if (this.state.explain !== null && this.state.explain !== undefined && !run) {
      this.store.patch({ view: { explain: null } });
      return;
    }
    if (changes.experiment || changes.view) this.scheduleLoad();
    this.render();
  }

  /** An "explain" button in each card's head (the cards are rebuilt on some changes). */
  decorateCards() {
    const styles = this.styles();
    for (const card of this.cards.querySelectorAll(".card[data-run]")) {
      const i = Number(card.dataset.run);
      let button = card.querySelector(".explain-button");
      if (!button) {
        const name = styles[i]?.label ?? "";
        button = h("button", { type: "button", class: "link-button explain-button", "data-explain": String(i), "data-hide-key": "anatomy", title: t("anatomy.explain_title", { name }) }, t("anatomy.explain"));
        button.addEventListener("click", () => this.open(i));
        card.querySelector(".card-head")?.insertBefore(button, card.querySelector(".card-head .switch"));
      }
      button.setAttribute("aria-pressed", String(this.state.explain === i));
      button.classList.toggle("is-hidden-by-teacher", (this.state.hide ?? []).includes("anatomy"));
    }
  }

  open(i) {
    this.store.patch({ view: { explain: i, explain_step: 1 } });
    this.panel.scrollIntoView?.({ block: "nearest" });
  }

  move(delta) {
    const total = this.data?.keras.steps.length ?? 0;
    if (!total) return;
    const step = Math.min(total, Math.max(1, this.state.explain_step + delta));
    if (step !== this.state.explain_step) this.store.patch({ view: { explain_step: step } });
  }

  body(biasCorrection) {
    const { experiment } = this.store.state;
    const run = { ...this.run(), enabled: true };
    return { ...experiment, runs: [run], run_index: this.state.explain, bias_correction: biasCorrection };
  }

  scheduleLoad() {
    clearTimeout(this.timer);
    if (!this.run()) { this.data = null; return; }
    const key = JSON.stringify(this.body(true)) + this.state.ghost;
    if (key === this.data?.key || key === this.loadingKey) return;
    this.timer = setTimeout(() => this.load(key), this.data ? RELOAD_MS : 0);
  }

  async load(key) {
    this.loadingKey = key;
    this.error = null;
    this.render();
    try {
      const keras = await postJson("/api/surface/explain", this.body(true));
      const ghost = this.state.ghost && keras.has_bias_correction
        ? await postJson("/api/surface/explain", this.body(false)) : null;
      if (this.loadingKey !== key) return; // a newer request superseded this one
      this.data = { key, keras, ghost };
    } catch (error) {
      if (this.loadingKey !== key) return;
      this.data = null;
      this.error = error.errors?.length ? error.errors.map(errorText).join("; ") : String(error.message);
    }
    this.loadingKey = null;
    this.render();
  }

  /* ---------- drawing ---------- */

  render() {
    const run = this.run();
    const open = Boolean(run);
    this.panel.hidden = !open;
    document.body.classList.toggle("is-explaining", open);
    if (!open) {
      this.clearLayer();
      return;
    }
    const index = this.state.explain;
    const style = this.styles()[index] ?? { label: optimizerLabel(run.optimizer), color: "#444", dash: "solid" };
    this.panel.style.setProperty("--run-color", style.color);
    this.el.swatch.className = `swatch swatch-${style.dash}`;
    this.el.title.textContent = t("anatomy.title", { name: style.label });
    this.el.rule.textContent = this.schema.optimizers[run.optimizer].update_rule;
    this.el.ghost.checked = Boolean(this.state.ghost);
    const data = this.data;
    const steps = data?.keras.steps ?? [];
    this.ghostSwitch.hidden = !data?.keras.has_bias_correction;
    this.panel.dataset.loading = String(this.loadingKey !== null);
    if (!data) {
      this.el.readout.textContent = "";
      this.el.walk.replaceChildren();
      this.el.legend.replaceChildren();
      this.el.status.textContent = this.error ?? t("anatomy.loading");
      this.el.back.disabled = this.el.forward.disabled = true;
      this.clearLayer();
      return;
    }
    const total = steps.length;
    const k = Math.min(Math.max(1, this.state.explain_step), Math.max(1, total));
    this.panel.dataset.step = String(k);
    this.el.back.disabled = k <= 1;
    this.el.forward.disabled = k >= total;
    this.el.readout.textContent = total ? t("anatomy.step_of", { step: k, total }) : "";
    const stopped = data.keras.status === "diverged";
    this.el.status.textContent = !total ? t("anatomy.none")
      : stopped && k === total ? t("anatomy.stopped", { step: data.keras.diverged_at }) : "";
    const step = steps[k - 1];
    this.el.walk.replaceChildren(...(step ? this.walk(run, step, data.ghost?.steps[k - 1]) : []));
    this.drawLayer(style, steps, k, data.ghost);
  }

  /** The caption lines of update `step`, in the order Keras computes them. */
  walk(run, step, ghost) {
    const [x, y] = step.point;
    const [gx, gy] = step.gradient;
    const lr = step.learning_rate;
    const clipped = ["clipvalue", "clipnorm", "global_clipnorm"].some((c) => run[c] !== null && run[c] !== undefined);
    const notes = [clipped ? t("anatomy.clipped") : null, this.store.state.experiment.noise > 0 ? t("anatomy.noisy") : null].filter(Boolean);
    const line = (role, text) => h("li", { "data-role": role }, text);
    const lines = [
      line("gradient", t("anatomy.at", { theta: pairText(x, y), g: pairText(gx, gy) }) + (notes.length ? ` (${notes.join(", ")})` : "")),
      line("rate", t("anatomy.rate", { lr: fmt(lr) })),
      line("descent", t("anatomy.descent", { v: pairText(-lr * gx, -lr * gy) })),
    ];
    if (run.weight_decay !== null && run.weight_decay !== undefined && run.weight_decay > 0) lines.push(line("decay", t("anatomy.decay")));
    for (const [name, value] of Object.entries(step.slots)) {
      lines.push(line(`slot-${name}`, t("anatomy.slot", { symbol: SYMBOLS[name] ?? name, name, v: pairText(...value) })));
    }
    const parts = step.parts;
    if (pair(parts.m_hat)) lines.push(line("m_hat", t("anatomy.m_hat", { m: pairText(...step.slots.momentum), v: pairText(...parts.m_hat) })));
    if (pair(parts.v_hat)) lines.push(line("v_hat", t("anatomy.v_hat", { v: pairText(...parts.v_hat) })));
    if (pair(parts.scale)) lines.push(line("scale", t("anatomy.scale", { v: pairText(...parts.scale) })));
    const [dx, dy] = step.update;
    lines.push(line("step", t("anatomy.step", { v: pairText(dx, dy), theta: pairText(x + dx, y + dy) })));
    if (ghost) {
      const next = pairText(ghost.point[0] + ghost.update[0], ghost.point[1] + ghost.update[1]);
      lines.push(h("li", { "data-role": "ghost", class: "is-ghost" }, t("anatomy.ghost_at", { theta: next })));
    }
    return lines;
  }

  clearLayer() {
    if (this.layer.data) Plotly.purge(this.layer);
    this.layer.hidden = true;
  }

  /** The explained path up to update k, its arrows, the 1/√v rectangle and the ghost path. */
  async drawLayer(style, steps, k, ghost) {
    const grid = this.plot.grid;
    if (!grid || this.state.view !== "contour" || !steps.length) {
      this.clearLayer();
      if (!grid && steps.length) setTimeout(() => this.render(), 300); // the contour is loading
      return;
    }
    this.layer.hidden = false;
    const window = grid.window;
    const step = steps[k - 1];
    const [x, y] = step.point;
    const lr = step.learning_rate;
    const vectors = {
      gradient: pair(step.gradient) ? [-lr * step.gradient[0], -lr * step.gradient[1]] : null,
      moment: pair(step.parts.moment) ? step.parts.moment : null,
      step: step.update,
    };
    const factor = arrowFactor(Object.values(vectors), window);
    const annotations = [];
    for (const [role, v] of Object.entries(vectors)) {
      if (!v) continue;
      annotations.push({
        x: x + v[0] * factor, y: y + v[1] * factor, ax: x, ay: y, xref: "x", yref: "y", axref: "x", ayref: "y",
        text: "", showarrow: true, arrowhead: 2, arrowsize: 1.1, arrowwidth: role === "step" ? 4 : 3,
        arrowcolor: COLOURS[role], standoff: 0, startstandoff: 0, name: role,
      });
    }
    const shapes = [];
    if (pair(step.parts.scale)) {
      const [sx, sy] = step.parts.scale;
      const big = Math.max(sx, sy);
      const hw = (sx / big) * SCALE_BOX * (window[1] - window[0]);
      const hh = (sy / big) * SCALE_BOX * (window[3] - window[2]);
      shapes.push({
        type: "rect", xref: "x", yref: "y", x0: x - hw, x1: x + hw, y0: y - hh, y1: y + hh, name: "scale",
        line: { color: COLOURS.scale, width: 2.5 }, fillcolor: "rgba(15,118,110,0.12)",
      });
    }
    const path = steps.slice(0, k);
    const traces = [{
      type: "scatter", mode: "lines+markers", name: style.label, x: [...path.map((s) => s.point[0]), x + step.update[0]],
      y: [...path.map((s) => s.point[1]), y + step.update[1]], line: { color: style.color, width: 2 },
      marker: { size: 5, color: style.color }, hoverinfo: "skip",
    }, {
      type: "scatter", mode: "markers", x: [x], y: [y], hoverinfo: "skip",
      marker: { size: 14, color: "#ffffff", line: { color: style.color, width: 3.5 } },
    }];
    if (ghost?.steps.length) {
      const g = ghost.steps.slice(0, k);
      const last = g.at(-1);
      const gx = [...g.map((s) => s.point[0]), last.point[0] + last.update[0]];
      const gy = [...g.map((s) => s.point[1]), last.point[1] + last.update[1]];
      traces.push({
        type: "scatter", mode: "lines+markers", name: t("anatomy.ghost_label"), x: gx, y: gy, meta: { ghost: true },
        line: { color: COLOURS.ghost, width: 2.5, dash: "dot" }, marker: { size: 5, color: COLOURS.ghost, symbol: "circle-open" }, hoverinfo: "skip",
      });
      // the label stays on the plot: on the side of the window's centre, above or below the end
      // (on a phone-sized plot the panel's legend names the dotted path instead)
      if (this.layer.clientWidth >= 500) annotations.push(this.ghostLabel(gx.at(-1), gy.at(-1), window));
    }
    const layout = this.plot.layout2d({ annotations, shapes, hovermode: false, dragmode: false });
    layout.xaxis = { ...layout.xaxis, visible: false };
    layout.yaxis = { ...layout.yaxis, visible: false };
    this.layer.dataset.factor = String(factor);
    await Plotly.react(this.layer, traces, layout, { displayModeBar: false, responsive: true, staticPlot: true });
    this.legend(factor, Boolean(step.parts.moment && pair(step.parts.moment)), pair(step.parts.scale), Boolean(ghost?.steps.length));
  }

  ghostLabel(x, y, window) {
    const left = x > (window[0] + window[1]) / 2;
    const low = y > (window[2] + window[3]) / 2;
    return {
      x, y, xref: "x", yref: "y", text: t("anatomy.ghost_label"), showarrow: false, name: "ghost",
      xanchor: left ? "right" : "left", yanchor: low ? "top" : "bottom", xshift: left ? -8 : 8, yshift: low ? -8 : 8,
      bgcolor: "rgba(255,255,255,0.9)", bordercolor: COLOURS.ghost, borderpad: 2, font: { size: 13, color: "#374151" },
    };
  }

  legend(factor, moment, scale, ghost) {
    const item = (colour, text, kind = "arrow") => h("li", { class: `anatomy-key anatomy-key-${kind}`, style: `--key-color: ${colour}` }, text);
    this.el.legend.replaceChildren(...[
      item(COLOURS.gradient, t("anatomy.arrow_gradient")),
      moment ? item(COLOURS.moment, t("anatomy.arrow_moment")) : null,
      scale ? item(COLOURS.scale, t("anatomy.arrow_scale"), "box") : null,
      item(COLOURS.step, t("anatomy.arrow_step")),
      ghost ? item(COLOURS.ghost, t("anatomy.ghost_label"), "ghost") : null,
      factor !== 1 ? h("li", { class: "anatomy-factor" }, t("anatomy.arrows_scaled", { factor: formatNumber(factor, 3) })) : null,
    ].filter(Boolean));
  }
}
