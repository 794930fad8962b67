/**
 * Classroom links: the teacher ticks the controls students should not see; their names go into
 * the link's `hide=` list (e.g. `hide=surface,steps,adam`) and every element carrying a matching
 * `data-hide-key` is hidden.
 */

import { h, uid } from "./controls.js";
import { t } from "./i18n.js";
import { optimizerLabel } from "./cards.js";

/**
 * What a teacher can hide on this page: every `data-hide-key` its elements carry (the controls
 * drawn from the schema and the template's panels), in page order, optimizers left out (the
 * dialog lists them last, by name).
 */
export function pageHideKeys(root, optimizers = []) {
  const skip = new Set(optimizers);
  const keys = [...root.querySelectorAll("[data-hide-key]")].map((el) => el.dataset.hideKey);
  return [...new Set(keys)].filter((key) => !skip.has(key));
}

/** Hide every element whose `data-hide-key` is listed. */
export function applyHidden(root, hide) {
  const hidden = new Set(hide);
  for (const el of root.querySelectorAll("[data-hide-key]")) {
    el.classList.toggle("is-hidden-by-teacher", hidden.has(el.dataset.hideKey));
  }
  collapseEmptied(root);
  const badge = document.getElementById("classroom-badge");
  if (badge) {
    badge.hidden = hidden.size === 0;
    badge.textContent = t("classroom.badge", { count: hidden.size });
  }
}

// What keeps a panel worth showing: a control, a picture, a table, or a drawn element (an id)
// that does not merely hold hideable controls.
const SUBSTANCE = "input, select, textarea, button, svg, canvas, img, table, [id]:not(h1, h2, h3)";
const GONE = ".is-hidden-by-teacher, [hidden]";

/** A panel whose every hideable control is hidden, and nothing else, collapses. */
export function collapseEmptied(root) {
  for (const panel of root.querySelectorAll(".panel")) {
    const hideable = !panel.dataset.hideKey && panel.querySelector("[data-hide-key]");
    const alive = !hideable || [...panel.querySelectorAll(SUBSTANCE)].some(
      (el) => !el.closest(GONE) && !el.querySelector("[data-hide-key]"));
    panel.classList.toggle("is-emptied", !alive);
  }
}

function keyLabel(key, optimizers) {
  if (optimizers.includes(key)) return optimizerLabel(key);
  const text = t(`hide.${key}`);
  return text === `hide.${key}` ? key : text; // a new schema field before its catalog string
}

/**
 * Fill the dialog with one checkbox per hideable key: the page's `keys` (labelled
 * `hide.<key>`), then each optimizer racing; `onChange(list)` on every tick.
 */
export function buildClassroomDialog(dialog, { optimizers = [], keys: pageKeys = [], hide, onChange, onCopy }) {
  const list = dialog.querySelector("[data-role=hide-list]");
  const keys = [...pageKeys, ...new Set(optimizers)];
  const chosen = new Set(hide);
  list.replaceChildren(...keys.map((key) => {
    const id = uid(`hide-${key}`);
    const box = h("input", { type: "checkbox", id, value: key, "data-hide-option": key });
    box.checked = chosen.has(key);
    box.addEventListener("change", () => {
      if (box.checked) chosen.add(key); else chosen.delete(key);
      onChange(keys.filter((k) => chosen.has(k)));
    });
    return h("li", {}, box, h("label", { for: id }, keyLabel(key, optimizers)));
  }));
  dialog.querySelector("[data-role=copy-classroom]").onclick = () => onCopy();
  dialog.querySelector("[data-role=show-all]").onclick = () => {
    chosen.clear();
    for (const box of list.querySelectorAll("input")) box.checked = false;
    onChange([]);
  };
}
