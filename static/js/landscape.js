/**
 * The MLP page's loss-landscape panel: four views (the random slice, the PCA plane of the
 * training path with its honesty chart, the linear interpolation, the sharpness against 2/η),
 * their controls drawn from the schema's `landscape` fields (link keys `ls.*`), and the
 * requests to /api/mlp/landscape, /interpolate and /sharpness. The server trains the page's
 * experiment to its last epoch for each request, so a result belongs to one experiment and
 * one set of settings; a change marks it stale until "Compute" is pressed again.
 */

import { control, h, select } from "./controls.js";
import { errorText, formatNumber, t } from "./i18n.js";
import { drawHonesty, drawInterpolation, drawPcaPlane, drawSharpness, drawSlice } from "./landscape_plots.js";
import { clone } from "./state.js";

export const VIEWS = ["slice", "pca", "interpolate", "sharpness"];
/** The settings each view's request reads (and so the controls it shows). */
const VIEW_FIELDS = {
  slice: ["dims", "grid", "span", "bias", "data", "seed"],
  pca: ["dims", "grid", "span", "data"],
  interpolate: ["other"],
  sharpness: [],
};

/** Does the panel's state differ from the schema's defaults (then the link carries it)? */
export function landscapeTouched(fields, value) {
  return fields.some((f) => JSON.stringify(value[f.name] ?? null) !== JSON.stringify(f.default ?? null));
}

/** The settings of each kind of second run of the interpolation (`other`). */
const OTHER_FIELDS = {
  initial: [],
  seed: ["other_seed"],
  config: ["other_optimizer", "other_learning_rate", "other_batch_size"],
  link: [],
};

/** The interpolation's second run: null (the initial network), an experiment, or a link. */
export function otherRun(experiment, s, link = "") {
  if (s.other === "link") return { other_link: link };
  if (s.other === "seed") return { other: { ...clone(experiment), seed: s.other_seed } };
  if (s.other === "config") {
    // Another optimizer takes its Keras defaults: only the name, η and the schedule carry over.
    const optimizer = { optimizer: s.other_optimizer, learning_rate: s.other_learning_rate };
    if (experiment.optimizer?.schedule) optimizer.schedule = clone(experiment.optimizer.schedule);
    return { other: { ...clone(experiment), batch_size: s.other_batch_size, optimizer } };
  }
  return { other: null };
}

/** The request body of a view, from the experiment, the panel's state and a pasted link. */
export function requestFor(view, experiment, s, link = "") {
  if (view === "interpolate") return ["/api/mlp/interpolate", { experiment, ...otherRun(experiment, s, link) }];
  if (view === "sharpness") return ["/api/mlp/sharpness", { experiment }];
  const mode = view === "pca" ? "pca" : "random";
  const body = { experiment, mode, dims: s.dims, grid: s.grid, span: s.span, data: s.data };
  if (mode === "random") Object.assign(body, { bias: s.bias, seed: s.seed });
  return ["/api/mlp/landscape", body];
}

export class LandscapePanel {
  /** `root`: the panel's element; `fields`: schema.landscape; `store` holds `landscape`. */
  constructor(root, { fields, store, debug }) {
    this.root = root;
    this.fields = fields;
    this.store = store;
    this.debug = debug;
    this.results = new Map(); // view → {key, answer}
    this.errors = new Map(); // view → {key, text}: the last refusal
    this.link = ""; // a pasted /mlp link (not in the page's link: it would nest links)
    this.pending = 0;
    this.build();
  }

  get state() { return this.store.state.landscape; }

  build() {
    const tabs = h("div", { class: "landscape-tabs", role: "tablist", "aria-label": t("landscape.views") },
      VIEWS.map((view) => {
        const tab = h("button", { type: "button", role: "tab", class: "tab", "data-view": view }, t(`landscape.view.${view}`));
        tab.addEventListener("click", () => this.patch({ view }));
        return tab;
      }));
    this.controls = h("div", { class: "landscape-controls" });
    this.compute = h("button", { type: "button", class: "button button-primary", id: "btn-landscape" }, t("landscape.compute"));
    this.compute.addEventListener("click", () => this.request());
    this.status = h("p", { class: "landscape-status chart-note", role: "status" });
    this.main = h("div", { class: "landscape-chart", id: "landscape-chart", role: "img", "aria-label": t("landscape.chart_aria") });
    this.empty = h("p", { class: "landscape-empty" }, t("landscape.empty"));
    this.second = h("div", { class: "landscape-chart landscape-chart-second", id: "landscape-honesty", role: "img", "aria-label": t("landscape.honesty_aria") });
    this.note = h("p", { class: "chart-note landscape-note" });
    this.root.append(tabs, h("div", { class: "landscape-bar" }, this.controls, this.compute), this.status,
      this.empty, h("div", { class: "landscape-charts" }, this.main, this.second), this.note);
    this.tabs = tabs;
    this.refresh();
  }

  patch(change) {
    this.store.patch({ landscape: { ...this.state, ...change } }, { run: false });
    this.refresh();
  }

  /** The key of what the current view would compute. */
  key(view = this.state.view) {
    return JSON.stringify(requestFor(view, this.store.state.experiment, this.state, this.link));
  }

  refresh() {
    const view = this.state.view;
    for (const tab of this.tabs.children) tab.setAttribute("aria-selected", String(tab.dataset.view === view));
    const byName = Object.fromEntries(this.fields.map((f) => [f.name, f]));
    const names = VIEW_FIELDS[view].flatMap((name) => (name === "other" ? ["other", ...OTHER_FIELDS[this.state.other]] : [name]));
    this.controls.replaceChildren(...names.map((name) => {
      if (name === "other") {
        return select(byName.other, this.state.other, {
          name: "ls-other", label: t("landscape.field.other"),
          optionLabel: (o) => t(`landscape.other.${o}`), onChange: (v) => this.patch({ other: v }),
        }).el;
      }
      if (name === "other_optimizer") {
        return select(byName[name], this.state[name], {
          name: "ls-other_optimizer", label: t("landscape.field.other_optimizer"),
          optionLabel: (o) => t(`optimizer.${o}`), onChange: (v) => this.patch({ [name]: v }),
        }).el;
      }
      if (name === "dims") {
        return select(byName[name], String(this.state.dims), {
          name: "ls-dims", label: t("landscape.field.dims"), options: ["2", "1"],
          optionLabel: (o) => t(`landscape.option.dims${o}`), onChange: (v) => this.patch({ dims: Number(v) }),
        }).el;
      }
      return control(byName[name], this.state[name], {
        name: `ls-${name}`, label: t(`landscape.field.${name}`),
        optionLabel: (o) => t(`landscape.option.${o}`),
        onChange: (v) => this.patch({ [name]: v }),
      }).el;
    }));
    if (view === "interpolate" && this.state.other === "link") this.controls.append(this.linkBox());
    this.note.textContent = t(`landscape.note.${view}`);
    this.draw();
  }

  /** A pasted /mlp link (full, /mlp?… or a short /s/<code>) the server reads as the second run. */
  linkBox() {
    const id = "ctl-ls-other-link";
    const input = h("input", { type: "text", id, class: "text landscape-link", spellcheck: "false",
      autocomplete: "off", placeholder: t("landscape.link_placeholder") });
    input.value = this.link;
    input.addEventListener("change", () => { this.link = input.value.trim(); this.draw(); });
    return h("div", { class: "control control-text", "data-field": "ls-other_link" },
      h("label", { for: id, class: "control-label" }, t("landscape.field.other_link")), input);
  }

  /** The experiment changed: results stay on screen, marked stale. */
  experimentChanged() { this.draw(); }

  async request() {
    const view = this.state.view;
    const [url, body] = requestFor(view, this.store.state.experiment, this.state, this.link);
    const key = this.key(view);
    this.pending += 1;
    this.compute.disabled = true;
    this.status.textContent = t("landscape.computing");
    try {
      const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error((answer.errors ?? []).map(errorText).join("; ") || `HTTP ${response.status}`);
      this.results.set(view, { key, answer });
      this.errors.delete(view);
    } catch (error) {
      this.errors.set(view, { key, text: t("landscape.failed", { reason: error.message }) });
    } finally {
      this.pending -= 1;
      this.compute.disabled = false;
    }
    if (this.state.view === view) await this.draw();
  }

  /** The refusal of the last request for these very settings, if any (it outlives redraws). */
  errorFor(view) {
    const error = this.errors.get(view);
    return error && error.key === this.key(view) ? error.text : "";
  }

  async draw() {
    const view = this.state.view;
    const result = this.results.get(view);
    this.root.classList.toggle("is-stale", Boolean(result) && result.key !== this.key(view));
    this.empty.hidden = Boolean(result);
    this.main.hidden = !result;
    if (!result) {
      this.second.hidden = true;
      this.main.dataset.drawn = "";
      this.status.textContent = this.errorFor(view);
      return;
    }
    this.second.hidden = view !== "pca";
    const answer = result.answer;
    if (view === "slice") await drawSlice(this.main, answer);
    else if (view === "pca") {
      await drawPcaPlane(this.main, answer);
      await drawHonesty(this.second, answer);
    } else if (view === "interpolate") {
      const labels = this.interpolationLabels();
      await drawInterpolation(this.main, answer, labels);
    } else await drawSharpness(this.main, answer);
    this.main.dataset.drawn = view;
    if (this.debug) this.debug.landscapeDrawn = view;
    this.status.textContent = this.errorFor(view)
      || (result.key === this.key(view) ? this.summary(view, answer) : t("landscape.stale"));
  }

  /** The names of the line's two ends (α = 0 and α = 1). */
  interpolationLabels() {
    const s = this.state;
    if (s.other === "initial") return [t("landscape.initial"), t("landscape.trained")];
    if (s.other === "seed") return [t("landscape.run_a"), t("landscape.run_b", { seed: s.other_seed })];
    if (s.other === "config") {
      return [t("landscape.run_a"), t("landscape.run_config", {
        optimizer: t(`optimizer.${s.other_optimizer}`), lr: formatNumber(s.other_learning_rate), batch: s.other_batch_size })];
    }
    return [t("landscape.run_a"), t("landscape.run_link")];
  }

  summary(view, answer) {
    if (view === "slice" || view === "pca") {
      return answer.center_loss === null ? "" : t("landscape.center", { loss: formatNumber(answer.center_loss, 4) });
    }
    return "";
  }
}
