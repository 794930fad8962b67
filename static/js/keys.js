/**
 * Keyboard shortcuts of a page with a player: space plays or pauses (also when a button, a
 * link or a slider has the focus: after clicking Step with the mouse, space must not press Step
 * again), → steps, e (or End) runs to the end where the page has it, r resets, ? lists the shortcuts in a small translated overlay. Nothing
 * happens while someone types in a text box, a select or a text area, nor with Ctrl/⌘/Alt.
 */

import { h } from "./controls.js";
import { t } from "./i18n.js";

// Focused elements whose own keys win: typing, choosing, ticking a box.
const TYPING = "input:not([type=range]):not([type=button]):not([type=submit]), select, textarea, [contenteditable]";
// The shortcuts the overlay lists, in its order (`f` is the presentation module's).
export const SHORTCUTS = [
  ["␣", "keys.play"], ["→", "keys.step"], ["e", "keys.end"], ["r", "keys.reset"], ["f", "keys.fullscreen"], ["?", "keys.help"],
];

/** What `event` (a keydown) asks for: "play", "step", "end", "reset", "help" or null. Pure. */
export function shortcutFor(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.target?.closest?.(TYPING)) return null;
  if (event.key === " " || event.key === "Spacebar") return "play";
  if (event.key === "ArrowRight") return "step";
  if (event.key === "e" || event.key === "E" || event.key === "End") return "end";
  if (event.key === "r" || event.key === "R") return "reset";
  if (event.key === "?") return "help";
  return null;
}

/** The "?" overlay: a dialog listing the shortcuts, built once, closed by Esc, ? or a click;
 * "e" is listed only on a page whose player has "to the end". */
export function shortcutsDialog() {
  let dialog = document.getElementById("shortcuts-dialog");
  if (dialog) return dialog;
  const close = h("button", { type: "button", class: "icon-button", "aria-label": t("keys.close"), title: t("keys.close") }, "×");
  dialog = h("dialog", { id: "shortcuts-dialog", class: "dialog shortcuts-dialog", "aria-labelledby": "shortcuts-title" },
    h("header", { class: "dialog-head" }, h("h2", { id: "shortcuts-title" }, t("keys.title")), close),
    h("dl", { class: "shortcuts" }, SHORTCUTS.filter(([, label]) => label !== "keys.end" || document.getElementById("btn-end"))
      .flatMap(([key, label]) => [h("dt", {}, h("kbd", {}, key)), h("dd", {}, t(label))])));
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  document.body.append(dialog);
  return dialog;
}

function toggleHelp() {
  const dialog = shortcutsDialog();
  if (dialog.open) dialog.close(); else dialog.showModal();
}

/**
 * Listen on the document: `actions` = {togglePlay, step, end?, reset, busy()}; `busy()` true while
 * another dialog is open (its own keys win). Space's keyup is swallowed too: a focused button
 * activates on keyup.
 */
export function bindKeys(actions) {
  document.addEventListener("keydown", (event) => {
    const help = document.getElementById("shortcuts-dialog");
    const what = shortcutFor(event);
    if (help?.open) {
      if (what === "help") { event.preventDefault(); help.close(); }
      return;
    }
    if (!what || actions.busy?.() || (what === "end" && !actions.end)) return;
    event.preventDefault();
    if (what === "play") {
      if (!event.repeat) actions.togglePlay();
    } else if (what === "step") actions.step();
    else if (what === "end") actions.end();
    else if (what === "reset") actions.reset();
    else toggleHelp();
  });
  document.addEventListener("keyup", (event) => {
    if (event.key === " " && shortcutFor(event) === "play" && !actions.busy?.()) event.preventDefault();
  });
}
