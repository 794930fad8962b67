/**
 * Fair races on the surface page: "Tune η" asks POST /api/surface/tune for each enabled run's
 * best learning rate (one vectorized sweep per run on the server), lists them, and "apply all"
 * sets them through the store (so the link changes). A card or chip whose rate is still the
 * tuned one carries a "tuned" badge; moving its η removes it.
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

/** Runs with the tuned rates of `results` (status "tuned"), others unchanged. Pure. */
export function applyRates(runs, results) {
  return runs.map((run, i) => (results[i]?.status === "tuned" && results[i].optimizer === run.optimizer
    ? { ...run, learning_rate: results[i].learning_rate } : run));
}

export class Tuner {
  /** `button`: the Tune button; `box`: where the results go; `cards`, `chips`: the containers. */
  constructor({ store, button, box, cards, chips, styles, onError }) {
    Object.assign(this, { store, button, box, cards, chips, styles, onError });
    this.tuned = new Map(); // run index → {optimizer, learning_rate} applied
    this.results = null;
    button.title = t("tune.title");
    button.addEventListener("click", () => this.tune());
    store.subscribe(() => this.mark());
  }

  async tune() {
    const experiment = this.store.state.experiment;
    this.button.disabled = true;
    this.button.dataset.label = this.button.textContent;
    this.button.textContent = t("tune.running");
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
      this.button.disabled = false;
      this.button.textContent = this.button.dataset.label;
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
  }

  hide() {
    this.box.hidden = true;
  }

  apply() {
    const results = this.results.runs;
    const runs = applyRates(this.store.state.experiment.runs, results);
    this.tuned = new Map();
    results.forEach((r, i) => { if (r.status === "tuned") this.tuned.set(i, { optimizer: r.optimizer, learning_rate: r.learning_rate }); });
    this.hide();
    this.store.patch({ experiment: { runs } }, { commit: true, runs: true });
  }

  /** Badge the cards and chips whose η is still the tuned one (after the cards are rebuilt). */
  mark() {
    const marked = new Set(tunedIndices(this.store.state.experiment.runs, this.tuned));
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
