/** Small page helpers: the toast, copying to the clipboard, the link-notices banner. */

import { h } from "./controls.js";
import { messageText, t } from "./i18n.js";

let toastTimer = 0;

/** Show a short message at the bottom of the screen (announced to screen readers). */
export function toast(message) {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.classList.add("is-shown");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.classList.remove("is-shown"), 2200);
}

/** Copy text; falls back to a hidden textarea where the async clipboard is refused. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h("textarea", { class: "visually-hidden", readonly: true });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** The dismissible banner listing link parameters the server had to reset. */
export function showNotices(container, notices) {
  if (!notices || notices.length === 0) {
    container.hidden = true;
    return;
  }
  const list = h("ul", { class: "notice-list" }, notices.map((n) =>
    h("li", {}, h("code", {}, n.value === "" ? n.key : `${n.key}=${n.value}`), " — ", messageText(n))));
  const close = h("button", { type: "button", class: "icon-button", "aria-label": t("notices.dismiss"), title: t("notices.dismiss") }, "×");
  close.addEventListener("click", () => { container.hidden = true; });
  container.replaceChildren(
    h("div", { class: "notice-text" }, h("strong", {}, t("notices.title")), list), close);
  container.hidden = false;
}

/** Copy the page's link: the experiment, as every control last wrote it. */
export async function copyLink(message = "toast.link_copied") {
  if (await copyText(location.href)) toast(t(message));
}

/** The header's "Classroom link" button, the same on every page ("Share" is share.js). */
export function wireShareButtons() {
  const dialog = document.querySelector("#classroom-dialog");
  document.querySelector("#btn-classroom").addEventListener("click", () => dialog.showModal());
  document.querySelector("#classroom-close").addEventListener("click", () => dialog.close());
}
