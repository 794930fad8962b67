/**
 * Fair races on the surface page: "Tune η" asks POST /api/surface/tune for each enabled run's
 * best learning rate (one vectorized sweep per run on the server), lists them, and "apply all"
 * sets them through the store (so the link changes). A card or chip whose rate is still the
 * tuned one carries a "tuned" badge; moving its η or changing its optimizer removes it.
 *
 * The link keeps the marks: the view key `tuned` (declared in SurfaceView) lists the runs whose
 * η is still the tuned one. The page writes it from its own marks only (after "apply all",
 * and without a run as soon as that run's η or optimizer changes), so a link the page wrote
 * is true; reloaded, each listed run is taken as tuned at the η the link gives it.
 */

import { h } from "./controls.js";
import { errorText, formatNumber, t } from "./i18n.js";

/** Runs with η = the tuned rate and the same optimizer at the same place: their indices. Pure. */
export function tunedIndices(runs, tuned) {
  const out = [];
  runs.forEach((run, i) => {
    const entry = tuned.get(i);
    if (entry && entry.optimizer === run.optimizer && entry.learning_rate === run.learning_rate) out.push(i);
  });
  return out;
}

/** The marks a link's `tuned` indices stand for: each listed run at its present η. Pure. */
export function tunedFromLink(runs, indices) {
  return new Map((indices ?? []).filter((i) => i < runs.length)
    .map((i) => [i, { optimizer: runs[i].optimizer, learning_rate: runs[i].learning_rate }]));
}

/** The marks after run `removed` left the list: those after it move up one. Pure. */
export function withoutRun(tuned, removed) {
  return new Map([...tuned].filter(([i]) => i !== removed).map(([i, entry]) => [i > removed ? i - 1 : i, entry]));
}

/** Runs with the tuned rates of `results` (status "tuned"), others unchanged. Pure. */
export function applyRates(runs, results) {
  return runs.map((run, i) => (results[i]?.status === "tuned" && results[i].optimizer === run.optimizer
    ? { ...run, learning_rate: results[i].learning_rate } : run));
}

export class Tuner {
  /**
   * `buttons`: the Tune buttons (the cards' column and presentation mode's chips row); `box`:
   * where the results go; `cards`, `chips`: the containers; `onShow()`/`onHide()`: after the
   * results box opens or closes (presentation mode lays it over the page).
   */
  constructor({ store, buttons, box, cards, chips, styles, onError, onShow = () => {}, onHide = () => {} }) {
    Object.assign(this, { store, buttons, box, cards, chips, styles, onError, onShow, onHide });
    const { experiment, view } = store.state;
    this.tuned = tunedFromLink(experiment.runs, view.tuned); // run index → {optimizer, learning_rate}
    view.tuned = [...this.tuned.keys()]; // before the page writes its link: indices past the runs go
    this.results = null;
    for (const button of buttons) {
      button.title = t("tune.title");
      button.addEventListener("click", () => this.tune());
    }
    store.subscribe((changes, meta) => {
      if (meta.removed !== undefined) this.tuned = withoutRun(this.tuned, meta.removed);
      this.mark();
    });
  }

  async tune() {
    const experiment = this.store.state.experiment;
    for (const button of this.buttons) {
      button.disabled = true;
      button.dataset.label ??= button.textContent;
      button.textContent = t("tune.running");
    }
    try {
      const response = await fetch("/api/surface/tune", {
        method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(experiment),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        this.onError(t("tune.error"), data.errors ?? [{ message: String(response.status) }]);
        return;
      }
      this.results = { runs: data.runs, experiment: JSON.stringify(experiment) };
      this.show();
    } finally {
      for (const button of this.buttons) {
        button.disabled = false;
        button.textContent = button.dataset.label;
      }
    }
  }

  show() {
    const styles = this.styles();
    const runs = this.store.state.experiment.runs;
    const rows = this.results.runs.map((r, i) => {
      const status = r.status === "tuned" ? null : t(`tune.status_${r.status}`);
      return h("tr", { "data-run": String(i), "data-status": r.status },
        h("th", { scope: "row" }, h("span", { class: "swatch", style: `--run-color: ${styles[i]?.color}`, "aria-hidden": "true" }), styles[i]?.label ?? r.optimizer),
        h("td", { class: "num" }, formatNumber(runs[i]?.learning_rate, 3)),
        h("td", { class: "num", "data-role": "best" }, status ?? formatNumber(r.learning_rate, 3)),
        h("td", { class: "num" }, r.final_loss === null ? "—" : formatNumber(r.final_loss, 3)));
    });
    const apply = h("button", { type: "button", class: "button button-primary", id: "btn-tune-apply" }, t("tune.apply"));
    apply.disabled = !this.results.runs.some((r) => r.status === "tuned");
    apply.addEventListener("click", () => this.apply());
    const close = h("button", { type: "button", class: "icon-button", "aria-label": t("tune.close"), title: t("tune.close"), onclick: () => this.hide() }, "×");
    this.box.replaceChildren(
      h("header", { class: "tune-head" }, h("h3", { class: "subhead" }, t("tune.results")), close),
      h("div", { class: "table-wrap" }, h("table", { class: "summary tune-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("tune.optimizer")), h("th", { scope: "col", class: "num" }, t("tune.current")),
          h("th", { scope: "col", class: "num" }, t("tune.best")), h("th", { scope: "col", class: "num" }, t("tune.final_loss")))),
        h("tbody", {}, rows))),
      h("p", { class: "hint" }, t("tune.note")), apply);
    this.box.hidden = false;
    this.box.scrollIntoView?.({ block: "nearest" });
    this.onShow();
  }

  /** Close the results; focus inside them goes back to the Tune button in view. */
  hide() {
    const focused = this.box.contains(document.activeElement);
    this.onHide();
    this.box.hidden = true;
    if (focused) this.buttons.find((b) => b.offsetParent !== null)?.focus({ preventScroll: true });
  }

  apply() {
    const results = this.results.runs;
    const runs = applyRates(this.store.state.experiment.runs, results);
    this.tuned = new Map();
    results.forEach((r, i) => { if (r.status === "tuned") this.tuned.set(i, { optimizer: r.optimizer, learning_rate: r.learning_rate }); });
    this.hide();
    const tuned = tunedIndices(runs, this.tuned);
    this.store.patch({ experiment: { runs }, view: { tuned } }, { commit: true, runs: true });
  }

  /**
   * Badge the cards and chips whose η is still the tuned one (after the cards are rebuilt); a
   * run whose η or optimizer moved loses its mark for good, in the page and in the link.
   */
  mark() {
    const { experiment, view } = this.store.state;
    const still = tunedIndices(experiment.runs, this.tuned);
    this.tuned = new Map(still.map((i) => [i, this.tuned.get(i)]));
    if (still.join() !== (view.tuned ?? []).join()) this.store.patch({ view: { tuned: still } });
    const marked = new Set(still);
    for (const [container, selector, where] of [[this.cards, ".card[data-run]", ".card-title"], [this.chips, ".run-chip[data-run]", ".run-chip-name"]]) {
      for (const el of container.querySelectorAll(selector)) {
        const on = marked.has(Number(el.dataset.run));
        el.classList.toggle("is-tuned", on);
        const badge = el.querySelector(".tuned-badge");
        if (on && !badge) el.querySelector(where)?.after(h("span", { class: "badge tuned-badge", title: t("tune.badge_title") }, t("tune.badge")));
        if (!on && badge) badge.remove();
      }
    }
  }
}
