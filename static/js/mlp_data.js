/**
 * The data panel: data set, samples, noise, train/test split and data seed (widgets from the
 * schema), the input features as toggles, and the CSV upload (the file goes as the request
 * body to `POST /api/mlp/csv`; every bad row the server reports is listed).
 */

import { control, h, select } from "./controls.js";
import { formatNumber, messageText, t } from "./i18n.js";
import { fieldByName } from "./state.js";

const SCALAR = new Set(["int", "float", "bool"]);
// The data seed's `hide=` key and label: "seed" alone is the training seed.
const HIDE_KEY = { seed: "data_seed" };

/** A feature's name in maths notation (x₁², sin x₁ …). */
export function featureLabel(name) {
  return t(`mlp.feature.${name}`);
}

/**
 * Build the data controls. `ctx`: `fields` (the experiment's field descriptions),
 * `experiment()` (current state), `onDataset(patch)`, `onFeatures(list)`, `upload` (the last
 * uploaded points, or null), `onUpload(result)` and `rules` (the schema's MLP rules).
 */
export function buildDataPanel(ctx) {
  const datasetFields = fieldByName(ctx.fields, "dataset").fields;
  const field = (name) => fieldByName(datasetFields, name);
  const dataset = () => ctx.experiment().dataset;
  let uploaded = ctx.upload;

  const csv = buildCsvUpload({
    onPoints: (result) => {
      uploaded = result;
      ctx.onUpload(result);
      ctx.onDataset({ name: "csv", points: result.points });
      show();
    },
  });

  const chooser = select(field("name"), dataset().name, {
    label: t("mlp.dataset"), optionLabel: (o) => t(`mlp.dataset.${o}`),
    onChange: (name) => {
      if (name === "csv") {
        if (uploaded) {
          ctx.onDataset({ name: "csv", points: uploaded.points });
        } else {
          chooser.set(dataset().name);
          csv.open();
          return;
        }
      } else {
        ctx.onDataset({ name, points: null });
      }
      show();
    },
  });
  chooser.el.dataset.hideKey = "dataset";

  // Every numeric field of the data set the schema draws (samples, noise, split, seed …).
  const drawn = datasetFields.filter((f) => SCALAR.has(f.type) && f.control !== "none");
  const sliders = drawn.map(({ name }) => {
    const key = HIDE_KEY[name] ?? name;
    const built = control(field(name), dataset()[name], {
      name: `dataset.${name}`, label: t(`mlp.${key}`),
      onChange: (v) => ctx.onDataset({ [name]: v }),
    });
    built.el.dataset.hideKey = key;
    return { name, ...built };
  });

  function show() {
    const current = dataset();
    chooser.set(current.name);
    for (const s of sliders) {
      // Uploaded points decide how many samples there are and how noisy they are.
      s.el.hidden = current.name === "csv" && (s.name === "samples" || s.name === "noise");
      s.set(current[s.name]);
    }
    csv.showSummary(current.name === "csv" ? uploaded : null);
  }

  const toggles = buildFeatureToggles(ctx);
  show();
  return {
    controls: h("div", { class: "stack" }, chooser.el, sliders.map((s) => s.el)),
    features: toggles.el,
    csv: csv.el,
    refresh: () => { show(); toggles.refresh(); },
  };
}

function buildFeatureToggles(ctx) {
  // In the order the network receives them (the server's feature registry).
  const features = ctx.rules.features.map((f) => f.name);
  const buttons = features.map((name) => h("button", {
    type: "button", class: "chip", "data-feature": name, "aria-pressed": "false",
    title: t("mlp.feature_title", { feature: featureLabel(name) }),
    onclick: () => {
      const chosen = new Set(ctx.experiment().features);
      if (chosen.has(name)) chosen.delete(name); else chosen.add(name);
      if (chosen.size === 0) return; // the network needs at least one input
      ctx.onFeatures(features.filter((f) => chosen.has(f)));
      refresh();
    },
  }, featureLabel(name)));
  function refresh() {
    const chosen = new Set(ctx.experiment().features);
    for (const b of buttons) {
      const on = chosen.has(b.dataset.feature);
      b.setAttribute("aria-pressed", String(on));
      b.disabled = on && chosen.size === 1;
    }
  }
  refresh();
  return { el: h("div", { class: "chips-inner" }, buttons), refresh };
}

function buildCsvUpload({ onPoints }) {
  const input = h("input", { type: "file", accept: ".csv,.txt,text/csv,text/plain", class: "visually-hidden", id: "csv-file" });
  const status = h("p", { class: "csv-status", role: "status" });
  const errors = h("div", { class: "csv-errors", role: "alert" });
  input.addEventListener("change", async () => {
    const file = input.files?.[0];
    input.value = "";
    if (!file) return;
    status.textContent = t("mlp.csv_uploading", { name: file.name });
    errors.replaceChildren();
    let response;
    try {
      response = await fetch("/api/mlp/csv", {
        method: "POST", body: file, headers: { "Content-Type": "text/csv" },
      });
    } catch {
      status.textContent = "";
      errors.replaceChildren(h("strong", {}, t("mlp.csv_failed")));
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      status.textContent = "";
      onPoints({ ...body, file: file.name });
      return;
    }
    status.textContent = "";
    showErrors(errors, file.name, body.detail ?? {});
  });
  const el = h("div", { class: "stack" },
    h("h3", { class: "subhead" }, t("mlp.csv_title")),
    h("p", { class: "hint" }, t("mlp.csv_hint")),
    h("label", { class: "button file-button", for: "csv-file" }, input, t("mlp.csv_choose")),
    status, errors,
    h("p", { class: "hint csv-link-note" }, t("mlp.csv_not_in_link")));
  return {
    el,
    open: () => input.click(),
    showSummary(upload) {
      if (!upload) return;
      status.textContent = t("mlp.csv_loaded", {
        name: upload.file ?? "CSV", rows: formatNumber(upload.rows, 6), task: t(`mlp.task.${upload.task}`),
      });
    },
  };
}

/**
 * The server's 422 (or 413): one line per bad row, as the page's catalog writes its `code` and
 * `params` ("Línea 3, columna 2: no es un número").
 */
function showErrors(container, name, detail) {
  const errors = detail.errors?.length ? detail.errors : [{ code: "csv.invalid" }];
  const list = errors.map((e) => h("li", { "data-row": e.row ?? "" }, messageText(e)));
  container.replaceChildren(
    h("strong", {}, t("mlp.csv_rejected", { name })),
    h("ul", { class: "notice-list" }, list),
    ...(detail.truncated ? [h("p", { class: "hint" }, t("mlp.csv_truncated"))] : []));
}
