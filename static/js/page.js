/**
 * The skeleton every page shares: the data block the server rendered (schema, experiment,
 * catalog, notices), the link written into the address bar and the language switch, the
 * notices and error banners, the share menu, the classroom and download buttons, and the
 * page's debug handle (`window.__descenso`, read by the browser tests).
 */

/* global Plotly */

import { applyHidden, buildClassroomDialog, pageHideKeys } from "./classroom.js";
import { localizeCharts } from "./charts.js";
import { h } from "./controls.js";
import { wireDownloads } from "./downloads.js";
import { errorText, setCatalog, t } from "./i18n.js";
import { setEmbedLink, wirePresent, withModes, withoutModes } from "./present.js";
import { roomLinkChanged, wireRoom } from "./room.js";
import { writeUrl } from "./state.js";
import { Store } from "./store.js";
import { wireShareMenu } from "./share.js";
import { copyLink, showNotices, wireShareButtons } from "./ui.js";

export { errorText };

export const $ = (selector) => document.querySelector(selector);

let lastQuery = null; // the last query written (before the first write: the served link's)

/**
 * Write the link (with the page's modes, `embed=1` and `present=1`, kept on), and point the
 * language switch at the same state in the other language.
 */
export function writeLink(query) {
  lastQuery = query;
  const full = withModes(query);
  writeUrl(full);
  for (const link of document.querySelectorAll("[data-lang-link]")) {
    link.href = `?${full.replace(/^lang=[a-z]+/, `lang=${link.dataset.langLink}`)}`;
  }
  setEmbedLink(query);
  roomLinkChanged(query);
}

/**
 * Boot a page: read the data block, install the catalog, wire the share buttons, show the
 * link's notices (or `notices(data)`), and make the store whose every patch writes the link
 * `link(state, data)`. Returns `{data, schema, store, debug}`.
 */
export function bootPage({ state, link, debug = {}, notices = (data) => data.notices }) {
  const data = JSON.parse($("#descenso-data").textContent);
  setCatalog(data.lang, data.catalog);
  if (typeof Plotly !== "undefined") localizeCharts(data.lang);
  wireShareButtons();
  lastQuery = withoutModes(location.search);
  wirePresent(() => writeLink(lastQuery));
  setEmbedLink(lastQuery);
  const store = new Store(state(data), { link: (s) => link(s, data), write: writeLink });
  wireShareMenu();
  wireDownloads(data.page, () => store.state.experiment);
  debug.state = store.state;
  window.__descenso = debug;
  wireRoom({ data, store, debug });
  showNotices($("#notices"), notices(data, store.state));
  return { data, schema: data.schema, store, debug };
}

/** Fill an error banner with a bold title and the errors (hidden when there are none). */
export function showErrorBanner(box, title, errors) {
  box.hidden = errors.length === 0;
  if (errors.length) box.replaceChildren(h("strong", {}, title), " ", errors.map(errorText).join("; "));
}

/**
 * The classroom dialog: ticking a key patches the hidden list through the store (which writes
 * `hide=` into the link) and hides the matching `data-hide-key` elements. It offers every key
 * the page's elements carry (call it once they are drawn), then `optimizers()`; `hide(state)`
 * reads the list and `patchFor(list)` is the patch that sets it.
 */
export function wireClassroom(store, { optimizers = () => [], hide, patchFor, onChange }) {
  const racing = optimizers();
  buildClassroomDialog($("#classroom-dialog"), {
    keys: pageHideKeys(document, racing), optimizers: racing, hide: hide(store.state),
    onChange: (list) => {
      store.patch(patchFor(list), { hide: true });
      applyHidden(document, list);
      onChange?.(list);
    },
    onCopy: () => copyLink("toast.classroom_copied"),
  });
}

/** Tell the tests (and anyone waiting) that the page has drawn its first state. */
export function markReady() {
  document.body.dataset.ready = "true";
}
