/**
 * The header's "Class link" on the lessons' pages: there are no controls to tick there (each step
 * hides its own), so the classroom dialog shows the page's class link (`link()`: the lesson at
 * the step on screen, or the list) and copies it.
 */

import { h } from "./controls.js";
import { t } from "./i18n.js";
import { copyText, toast } from "./ui.js";

/** Wire the classroom dialog to `link()` (absolute), with `intro` and `label` catalog keys. */
export function wireClassLink(link, { intro, label }) {
  const dialog = document.getElementById("classroom-dialog");
  const list = dialog.querySelector("[data-role=hide-list]");
  dialog.querySelector("p").textContent = t(intro);
  list.hidden = true;
  dialog.querySelector("[data-role=show-all]").hidden = true;
  const input = h("input", { type: "text", id: "lesson-class-link", class: "share-input", readonly: true, "aria-label": t(label) });
  list.after(h("div", { class: "share-row" }, input));
  document.getElementById("btn-classroom").addEventListener("click", () => { input.value = link(); });
  dialog.querySelector("[data-role=copy-classroom]").onclick = async () => {
    input.value = link();
    if (await copyText(input.value)) toast(t("toast.classroom_copied"));
  };
}
