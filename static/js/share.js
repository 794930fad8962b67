/**
 * The share menu (the header's "Share" button): the page's link, its short link `/s/<code>`
 * (asked of `POST /api/short` each time the menu opens; the same experiment always gets the same
 * code), a QR code of the short link (`GET /api/qr`, an SVG the server makes) large enough to
 * scan from the back of a lecture hall, and an `<iframe>` snippet of the link with `embed=1`
 * for slides and course pages.
 */

import { t } from "./i18n.js";
import { copyText, toast } from "./ui.js";

const EMBED_SIZE = { width: 960, height: 640 };
// A presentation-mode page is laid out for a 1280×720 projector: embed it at that shape.
const PRESENT_SIZE = { width: 1280, height: 720 };

/** `href` with `embed=1` (any other `embed=` value replaced), its hash dropped; the rest of
 * the query (`present=`, `hide=` …) kept exactly as written. */
export function embedUrl(href) {
  const [base] = href.split("#");
  const [path, query = ""] = base.split("?");
  const pairs = query.split("&").filter((pair) => pair !== "" && !/^embed(=|$)/.test(pair));
  return `${path}?${[...pairs, "embed=1"].join("&")}`;
}

/** Text for an HTML attribute value in double quotes. */
export function escapeAttribute(text) {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The `<iframe>` snippet that embeds the page at `href` (absolute) in slides or a course page. */
export function embedCode(href, title) {
  const src = embedUrl(href);
  const { width, height } = /[?&]present=1(&|$)/.test(src) ? PRESENT_SIZE : EMBED_SIZE;
  return `<iframe src="${escapeAttribute(src)}" width="${width}" height="${height}" loading="lazy" `
    + `style="border:0" title="${escapeAttribute(title)}" allow="fullscreen" allowfullscreen></iframe>`;
}

/** The QR image's address for an app-relative link (the server adds its own origin). */
export function qrSource(relative) {
  return `/api/qr?url=${encodeURIComponent(relative)}`;
}

/** Ask the server for the short link of an app-relative page link: `{code, short_url, url}`. */
async function requestShortLink(relative) {
  const response = await fetch("/api/short", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ url: relative }),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/** Wire the header's "Share" button to the share dialog in base.html. */
export function wireShareMenu() {
  const dialog = document.getElementById("share-dialog");
  const button = document.getElementById("btn-share");
  if (!dialog || !button) return;
  const part = (role) => dialog.querySelector(`[data-share=${role}]`);
  const shortLinks = new Map(); // app-relative link → answer of POST /api/short
  let opened = 0;

  const showShort = (answer) => {
    const absolute = new URL(answer.short_url, location.href).href;
    part("short").value = absolute;
    part("short-text").textContent = absolute.replace(/^https?:\/\//, "");
    part("copy-short").disabled = false;
    const qr = part("qr");
    qr.alt = t("share.qr_alt", { url: absolute });
    qr.src = qrSource(answer.short_url);
    qr.hidden = false;
    part("status").textContent = "";
    dialog.dataset.shortCode = answer.code;
  };

  const open = async () => {
    opened += 1;
    const mine = opened;
    const relative = location.pathname + location.search;
    part("link").value = location.href;
    part("embed").value = embedCode(location.href, t("app.title"));
    part("short").value = "";
    part("short-text").textContent = "";
    part("copy-short").disabled = true;
    part("qr").hidden = true;
    part("qr").removeAttribute("src");
    part("status").textContent = t("share.short_loading");
    delete dialog.dataset.shortCode;
    if (!dialog.open) dialog.showModal();
    part("copy-link").focus(); // not the link's box: it would show the link's end
    try {
      if (!shortLinks.has(relative)) shortLinks.set(relative, await requestShortLink(relative));
      if (mine === opened && dialog.open) showShort(shortLinks.get(relative));
    } catch {
      if (mine === opened) part("status").textContent = t("share.short_failed");
    }
  };

  const copy = async (role, message) => {
    if (await copyText(part(role).value)) toast(t(message));
  };
  button.addEventListener("click", open);
  part("copy-link").addEventListener("click", () => copy("link", "toast.link_copied"));
  part("copy-short").addEventListener("click", () => copy("short", "share.toast_short"));
  part("copy-embed").addEventListener("click", () => copy("embed", "share.toast_embed"));
  part("close").addEventListener("click", () => dialog.close());
  // The page's shortcuts (space, →, r …; listened for on the document) must not act on the
  // page behind the open menu, nor swallow the space that presses one of its buttons (on keyup).
  for (const type of ["keydown", "keyup"]) {
    dialog.addEventListener(type, (event) => {
      if (event.key !== "Escape" && event.key !== "Tab") event.stopPropagation();
    });
  }
  // A click on the backdrop (outside the dialog's box) closes it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) {
      const box = dialog.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right
        && event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) dialog.close();
    }
  });
}
