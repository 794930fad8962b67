/**
 * What the two labs share: the page skeleton with a store whose state is `{experiment, hide}`
 * (the link: language, every field of the experiment, then `hide=`), one request per change
 * (tagged with a generation number, the previous one aborted, so a stale answer is never
 * drawn), and controls drawn from the served field descriptions.
 */

import { control } from "./controls.js";
import { t } from "./i18n.js";
import { $, bootPage, showErrorBanner } from "./page.js";
import { clone, encodePairs, queryString } from "./state.js";

const INPUT_DEBOUNCE_MS = 120;

/** Boot a lab page: `{data, schema, store, debug}` as page.js's bootPage. */
export function bootLab() {
  return bootPage({
    state: (d) => ({ experiment: clone(d.experiment), hide: [...(d.view.hide || [])] }),
    link: (s, d) => queryString([["lang", d.lang], ...encodePairs(d.schema.experiment, s.experiment),
      ...(s.hide.length ? [["hide", s.hide.join(",")]] : [])]),
    debug: { gen: 0, drawnGen: 0, errors: [], result: null },
  });
}

/**
 * Recompute on every change of the experiment: `request(experiment)` returns the answer (or
 * throws a `{errors}` object); `draw(answer)` draws it. A slider being dragged waits a little.
 */
export function computeOnChange(store, debug, { request, draw, errorBox }) {
  let timer = 0;
  let controller = null;
  async function compute() {
    clearTimeout(timer);
    debug.gen += 1;
    const gen = debug.gen;
    controller?.abort();
    controller = new AbortController();
    try {
      const answer = await request(clone(store.state.experiment), controller.signal);
      if (gen !== debug.gen) return;
      showErrorBanner(errorBox, t("labs.errors"), []);
      debug.result = answer;
      await draw(answer);
    } catch (error) {
      if (error.name === "AbortError" || gen !== debug.gen) return;
      const errors = error.errors || [{ code: "error.network", message: String(error.message || error) }];
      debug.errors.push(...errors);
      showErrorBanner(errorBox, t("labs.errors"), errors);
    }
    debug.drawnGen = gen;
  }
  store.subscribe((changes, meta) => {
    if (!changes.experiment) return;
    clearTimeout(timer);
    timer = setTimeout(compute, (meta.commit ?? true) ? 0 : INPUT_DEBOUNCE_MS);
  });
  return compute;
}

/** POST `body` as JSON to `url`; the parsed answer, or throws `{errors}` for a 4xx/5xx. */
export async function postJson(url, body, signal) {
  const response = await fetch(url, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal,
  });
  const answer = await response.json();
  if (!response.ok) throw { errors: answer.errors || [{ code: "error.http", params: { status: response.status } }] };
  return answer;
}

/**
 * The control of `field` (a served description) showing `value`; `onChange(v, commit)` fires
 * while a slider moves (commit false) and when it is let go (commit true). The control carries
 * `data-hide-key` = `hideKey` (default: the field's name) for classroom links.
 */
export function fieldControl(field, value, { label, onChange, hideKey, optionLabel }) {
  const built = control(field, value, {
    label, optionLabel, name: field.name,
    onInput: (v) => onChange(v, false), onChange: (v) => onChange(v, true),
  });
  built.el.dataset.hideKey = hideKey ?? field.name;
  return built;
}

export { $ };
