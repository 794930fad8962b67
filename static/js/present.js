/**
 * Presentation and embed modes. `present=1` in the link lays every page out on one screen in
 * large type (the header's button toggles it; `f` toggles the browser's full screen);
 * `embed=1` shows only the instrument and a small "open in Descenso" link. The server marks
 * the modes on <html> (`data-present`, `data-embed`), so the first paint already has the
 * layout; this module keeps the link, the buttons and the plots' sizes in step with them.
 *
 * Also here: the surface page's strip of optimizer chips (a click opens that racer's card over
 * the page) and the tabs that presentation mode makes of `[data-tabs]` panels.
 */

import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";

const html = () => document.documentElement;

export const isPresenting = () => html().dataset.present === "1";
export const isEmbedded = () => html().dataset.embed === "1";

/** `query` (the page's experiment link) with the modes on: `…&embed=1&present=1`. */
export function withModes(query, { embed = isEmbedded(), present = isPresenting() } = {}) {
  const modes = [embed ? "embed=1" : "", present ? "present=1" : ""].filter(Boolean);
  return [query, ...modes].filter(Boolean).join("&");
}

/** The link's query without the mode keys (what the page writes before `withModes`). */
export function withoutModes(search) {
  const params = new URLSearchParams(search);
  params.delete("embed");
  params.delete("present");
  return params.toString();
}

/** Every Plotly plot on the page, resized to its box (after a layout change). */
export function resizePlots() {
  const Plotly = window.Plotly;
  if (!Plotly) return;
  for (const el of document.querySelectorAll(".js-plotly-plot")) {
    if (el.offsetParent !== null) Plotly.Plots.resize(el);
  }
}

/**
 * Keep every Plotly plot fitted to its box: a box that changes size (a mode, a tab, a panel
 * that appears above it) resizes its plot. Plotly itself only follows the window's size.
 */
function followPlotSizes() {
  const pending = new Set();
  const sizes = new ResizeObserver((entries) => {
    for (const entry of entries) pending.add(entry.target);
    requestAnimationFrame(() => {
      for (const el of pending) if (el.offsetParent !== null && el.data) window.Plotly?.Plots.resize(el);
      pending.clear();
    });
  });
  const watch = (el) => { if (!el.dataset.sized) { el.dataset.sized = "1"; sizes.observe(el); } };
  document.querySelectorAll(".js-plotly-plot").forEach(watch);
  new MutationObserver((records) => {
    for (const r of records) if (r.target.classList?.contains("js-plotly-plot")) watch(r.target);
  }).observe(document.body, { attributes: true, attributeFilter: ["class"], subtree: true });
}

/** After the layout changed: resize the plots once it has settled, tell the page to redraw. */
function relayout() {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    resizePlots();
    document.dispatchEvent(new CustomEvent("descenso:layout"));
  }));
}

function showPresentButton(button) {
  const on = isPresenting();
  button.setAttribute("aria-pressed", String(on));
  button.querySelector("[data-role=label]").textContent = on ? button.dataset.labelOn : button.dataset.labelOff;
}

/** The header's links to the other pages keep presentation mode on. */
function updateNav() {
  for (const link of document.querySelectorAll(".site-nav a, .brand")) {
    const url = new URL(link.href, location.href);
    if (isPresenting()) url.searchParams.set("present", "1"); else url.searchParams.delete("present");
    link.href = url.pathname + url.search;
  }
}

/** Set presentation mode on or off; `rewrite()` writes the link again (with `withModes`). */
export function setPresenting(on, rewrite) {
  if (on) html().dataset.present = "1"; else delete html().dataset.present;
  const button = document.getElementById("btn-present");
  if (button) showPresentButton(button);
  updateNav();
  rewrite();
  relayout();
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** `f` toggles the browser's full screen (the other shortcuts live in player.js). */
function onKey(event) {
  if (event.key !== "f" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  if (document.querySelector("dialog[open]")) return;
  event.preventDefault();
  if (document.fullscreenElement) document.exitFullscreen?.();
  else html().requestFullscreen?.().catch(() => {});
}

/**
 * Wire the modes once per page: the header button, `f`, the tabs, the embed link.
 * `rewrite()` writes the page's link again (page.js passes its writeLink).
 */
export function wirePresent(rewrite) {
  const button = document.getElementById("btn-present");
  button?.addEventListener("click", () => setPresenting(!isPresenting(), rewrite));
  document.addEventListener("keydown", onKey);
  document.addEventListener("fullscreenchange", relayout);
  followPlotSizes();
  for (const box of document.querySelectorAll("[data-tabs]")) buildTabs(box);
  updateNav();
}

/** Point the embed link ("open in Descenso") at the page's link without `embed=1`. */
export function setEmbedLink(query) {
  const link = document.getElementById("embed-open");
  if (link) link.href = `${location.pathname}?${withModes(query, { embed: false })}`;
}

/* ---------- tabs: in presentation mode, one panel of a [data-tabs] box at a time ---------- */

let tabCount = 0;

/** A tab per `[data-tab-panel]` child, named by the panel's title; shown only when presenting. */
export function buildTabs(box) {
  const panels = [...box.querySelectorAll(":scope > [data-tab-panel]")];
  const list = h("div", { class: "tab-list", role: "tablist" });
  const buttons = panels.map((panel, i) => {
    tabCount += 1;
    panel.id ||= `tab-panel-${tabCount}`;
    const title = panel.querySelector(".panel-title");
    const tab = h("button", {
      type: "button", role: "tab", class: "tab", id: `tab-${tabCount}`, "aria-controls": panel.id,
    }, title ? title.textContent : String(i + 1));
    tab.addEventListener("click", () => select(i));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = (i + step + panels.length) % panels.length;
      select(next);
      buttons[next].focus();
    });
    return tab;
  });
  function select(index) {
    panels.forEach((panel, i) => {
      panel.classList.toggle("is-tab-shown", i === index);
      buttons[i].setAttribute("aria-selected", String(i === index));
      buttons[i].tabIndex = i === index ? 0 : -1;
    });
    relayout();
  }
  // A panel the teacher hid (hide=) loses its tab; the first tab left is shown.
  const gone = (i) => panels[i].classList.contains("is-hidden-by-teacher");
  function syncHidden() {
    buttons.forEach((tab, i) => { tab.hidden = gone(i); });
    list.hidden = buttons.every((tab) => tab.hidden);
    const shown = panels.findIndex((panel) => panel.classList.contains("is-tab-shown"));
    const first = panels.findIndex((_, i) => !gone(i));
    if ((shown < 0 || gone(shown)) && first >= 0) select(first);
  }
  const observer = new MutationObserver(syncHidden);
  for (const panel of panels) observer.observe(panel, { attributes: true, attributeFilter: ["class"] });
  list.append(...buttons);
  box.prepend(list);
  select(0);
  syncHidden();
}

/* ---------- the surface page's chips ---------- */

/**
 * One chip per run (colour, name, η) in `container`; a click opens that run's card (the
 * `index`-th child of `cards`) over the page, inside `aside` (which can also open over the page
 * with no card: the Tune results, `overlayResults()`). What the template put in `container`
 * (the Tune button) stays after the chips. `styles()` gives the runs'
 * {label, color, dash, enabled}; `runs()` the runs; `hidden()` the names a classroom link hides.
 */
export class RunChips {
  constructor({ container, aside, cards, styles, runs, hidden }) {
    Object.assign(this, { container, aside, cards, styles, runs, hidden });
    this.tail = [...container.children];
    this.open = -1;
    const close = h("button", { type: "button", class: "icon-button overlay-close", "aria-label": t("overlay.close"), title: t("overlay.close") }, "×");
    close.addEventListener("click", () => this.close());
    aside.prepend(close);
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") this.close(); });
    document.addEventListener("pointerdown", (event) => {
      if (aside.classList.contains("is-overlay") && !aside.contains(event.target) && !container.contains(event.target)) this.close();
    });
  }

  render() {
    const styles = this.styles();
    const hidden = new Set(this.hidden());
    const chips = this.runs().map((run, i) => {
      if (hidden.has(run.optimizer)) return null;
      const style = styles[i];
      const eta = `η = ${formatNumber(run.learning_rate, 3)}`;
      const chip = h("button", {
        type: "button", class: `run-chip${style.enabled ? "" : " is-off"}`, "data-run": String(i),
        "aria-expanded": String(this.open === i), title: t("chips.open", { name: style.label }),
        style: `--run-color: ${style.color}`,
      }, h("span", { class: `swatch swatch-${style.dash}`, "aria-hidden": "true" }),
      h("span", { class: "run-chip-name" }, style.label), h("span", { class: "run-chip-eta" }, eta));
      chip.addEventListener("click", () => (this.open === i ? this.close() : this.show(i)));
      return chip;
    });
    // the chips change, the Tune button stays put (moving it would drop its focus)
    for (const old of this.container.querySelectorAll(".run-chip")) old.remove();
    this.container.prepend(...chips.filter(Boolean));
    if (this.open >= 0) this.show(this.open); // the cards were rebuilt: keep the same one open
  }

  show(index) {
    const card = this.cards.children[index];
    if (!card) {
      this.close();
      return;
    }
    this.open = index;
    [...this.cards.children].forEach((el, i) => el.classList.toggle("is-focused", i === index));
    this.aside.classList.add("is-overlay");
    this.aside.dataset.overlay = "card";
    for (const chip of this.container.querySelectorAll(".run-chip")) chip.setAttribute("aria-expanded", String(Number(chip.dataset.run) === index));
    if (!card.contains(document.activeElement)) card.querySelector("input, button, select")?.focus({ preventScroll: true });
  }

  /** The aside over the page with no card: what it shows besides them (the Tune results). */
  overlayResults() {
    this.open = -1;
    [...this.cards.children].forEach((el) => el.classList.remove("is-focused"));
    for (const chip of this.container.querySelectorAll(".run-chip")) chip.setAttribute("aria-expanded", "false");
    this.aside.classList.add("is-overlay");
    this.aside.dataset.overlay = "results";
  }

  /** Close the overlay; focus inside it goes back to what opened it (a chip, or Tune). */
  close() {
    if (!this.aside.classList.contains("is-overlay")) return;
    const opener = this.aside.dataset.overlay === "results" ? this.tail[0]
      : this.container.querySelector(`.run-chip[data-run="${this.open}"]`);
    const inside = this.aside.contains(document.activeElement);
    this.open = -1;
    this.aside.classList.remove("is-overlay");
    delete this.aside.dataset.overlay;
    if (inside) opener?.focus({ preventScroll: true });
    for (const chip of this.container.querySelectorAll(".run-chip")) chip.setAttribute("aria-expanded", "false");
  }
}
