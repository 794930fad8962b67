/**
 * Optimizer anatomy on the surface page: one run, one update at a time. An "explain" button on
 * each card picks the run (the link's `ex`); the panel walks Keras' update in order with the
 * numbers of update `exk` (from POST /api/surface/explain: the server owns the rule, its text
 * comes from the served optimizer catalogue), and a layer over the contour draws −η·g, the
 * first moment or velocity, the adaptive per-axis scale (a rectangle whose sides are 1/√v per
 * axis) and the step taken. For Adam, AdamW, Adamax and Nadam a switch (`gh`) draws the path
 * without bias correction, labelled "not Keras" (the same API, `bias_correction: false`).
 * Keys: "," and "." step back and forward (keys.js owns space, →, r, f and ?). The layer over
 * the contour is anatomy_layer.js.
 */

import { AnatomyLayer, COLOURS, pair } from "./anatomy_layer.js";
import { optimizerLabel } from "./cards.js";
import { h, uid } from "./controls.js";
import { errorText, formatNumber, t } from "./i18n.js";

// How the update rules (the registry's text) write each Keras slot.
const SYMBOLS = { momentum: "m", velocity: "v", velocity_hat: "max v", accumulator: "s", average_gradient: "a", norm: "u" };
const TYPING = "input:not([type=range]):not([type=button]):not([type=checkbox]), select, textarea, [contenteditable]";
const RELOAD_MS = 200;

/** "," or "." (no modifier, not while typing): -1, +1, else 0. Pure. */
export function stepKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return 0;
  if (event.target?.closest?.(TYPING)) return 0;
  if (event.key === ",") return -1;
  if (event.key === ".") return 1;
  return 0;
}

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
    this.drawing = new AnatomyLayer({ plot, layer, view: () => this.state.view, onLegend: (...a) => this.legend(...a),
      retry: () => this.render() });
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
      this.drawing.clear();
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
      this.drawing.clear();
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
    this.drawing.draw(style, steps, k, data.ghost);
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
