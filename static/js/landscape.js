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
  interpolate: ["other_seed"],
  sharpness: [],
};

/** Does the panel's state differ from the schema's defaults (then the link carries it)? */
export function landscapeTouched(fields, value) {
  return fields.some((f) => JSON.stringify(value[f.name] ?? null) !== JSON.stringify(f.default ?? null));
}

/** The request body of a view, from the experiment and the panel's state. */
export function requestFor(view, experiment, s) {
  if (view === "interpolate") {
    const other = s.other_seed === null ? null : { ...clone(experiment), seed: s.other_seed };
    return ["/api/mlp/interpolate", { experiment, other }];
  }
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
    return JSON.stringify(requestFor(view, this.store.state.experiment, this.state));
  }

  refresh() {
    const view = this.state.view;
    for (const tab of this.tabs.children) tab.setAttribute("aria-selected", String(tab.dataset.view === view));
    const byName = Object.fromEntries(this.fields.map((f) => [f.name, f]));
    this.controls.replaceChildren(...VIEW_FIELDS[view].map((name) => {
      if (name === "other_seed") return this.otherSeed(byName[name]);
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
    this.note.textContent = t(`landscape.note.${view}`);
    this.draw();
  }

  /** The second run's seed: empty for "from the initial network". */
  otherSeed(field) {
    const id = "ctl-ls-other-seed";
    const input = h("input", { type: "number", id, class: "number", min: field.ge, max: field.le, step: 1,
      placeholder: t("landscape.initial") });
    input.value = this.state.other_seed ?? "";
    input.addEventListener("change", () => {
      const v = input.value.trim() === "" ? null : Number(input.value);
      if (v !== null && !(Number.isInteger(v) && v >= field.ge && v <= field.le)) {
        input.setAttribute("aria-invalid", "true");
        return;
      }
      input.removeAttribute("aria-invalid");
      this.patch({ other_seed: v });
    });
    return h("div", { class: "control control-number", "data-field": "ls-other_seed" },
      h("label", { for: id, class: "control-label" }, t("landscape.field.other_seed")), input);
  }

  /** The experiment changed: results stay on screen, marked stale. */
  experimentChanged() { this.draw(); }

  async request() {
    const view = this.state.view;
    const [url, body] = requestFor(view, this.store.state.experiment, this.state);
    const key = this.key(view);
    this.pending += 1;
    this.compute.disabled = true;
    this.status.textContent = t("landscape.computing");
    try {
      const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error((answer.errors ?? []).map(errorText).join("; ") || `HTTP ${response.status}`);
      this.results.set(view, { key, answer });
      this.status.textContent = "";
    } catch (error) {
      this.status.textContent = t("landscape.failed", { reason: error.message });
    } finally {
      this.pending -= 1;
      this.compute.disabled = false;
    }
    if (this.state.view === view) await this.draw();
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
      return;
    }
    this.second.hidden = view !== "pca";
    const answer = result.answer;
    if (view === "slice") await drawSlice(this.main, answer);
    else if (view === "pca") {
      await drawPcaPlane(this.main, answer);
      await drawHonesty(this.second, answer);
    } else if (view === "interpolate") {
      const labels = this.state.other_seed === null
        ? [t("landscape.initial"), t("landscape.trained")]
        : [t("landscape.run_a"), t("landscape.run_b", { seed: this.state.other_seed })];
      await drawInterpolation(this.main, answer, labels);
    } else await drawSharpness(this.main, answer);
    this.main.dataset.drawn = view;
    if (this.debug) this.debug.landscapeDrawn = view;
    this.status.textContent = result.key === this.key(view) ? this.summary(view, answer) : t("landscape.stale");
  }

  summary(view, answer) {
    if (view === "slice" || view === "pca") {
      return answer.center_loss === null ? "" : t("landscape.center", { loss: formatNumber(answer.center_loss, 4) });
    }
    return "";
  }
}
