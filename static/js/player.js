/**
 * Play, pause, step and reset: the buttons, and the keyboard shortcuts (space = play/pause,
 * → = one step, r = reset), which stay out of the way while someone types in a field.
 */

import { t } from "./i18n.js";

/** Wire the player's buttons and shortcuts to `actions` = {togglePlay, step, reset, busy()}. */
export function bindPlayer(actions) {
  document.getElementById("btn-play").addEventListener("click", actions.togglePlay);
  document.getElementById("btn-step").addEventListener("click", actions.step);
  document.getElementById("btn-reset").addEventListener("click", actions.reset);
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || actions.busy()) return;
    // A slider keeps the focus after a drag: let space still play/pause there, nothing else.
    if (target.matches?.("input[type=range]")) {
      if (event.key === " ") { event.preventDefault(); actions.togglePlay(); }
      return;
    }
    if (target.closest?.("input, select, textarea, [contenteditable]")) return;
    const onButton = target.closest?.("button, summary, a");
    if (event.key === " " && !onButton) {
      event.preventDefault();
      actions.togglePlay();
    } else if (event.key === "ArrowRight") {
      event.preventDefault();
      actions.step();
    } else if (event.key === "r" || event.key === "R") {
      actions.reset();
    }
  });
}

/** Show whether the race plays and where it is. */
export function showPlayer({ playing, step, total }) {
  const play = document.getElementById("btn-play");
  play.setAttribute("aria-pressed", String(playing));
  play.querySelector("[data-role=label]").textContent = playing ? t("player.pause") : t("player.play");
  play.querySelector("[data-role=icon]").textContent = playing ? "❚❚" : "▶";
  document.getElementById("step-readout").textContent = t("player.step_of", { step, total });
}
