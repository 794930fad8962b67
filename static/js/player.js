/** Play, pause, step and reset: the buttons (the keyboard shortcuts are in keys.js). */

import { t } from "./i18n.js";
import { bindKeys } from "./keys.js";
import { followsTeacher, readSession } from "./room_session.js";
import { toast } from "./ui.js";

/** `action`, unless the page follows the teacher: then her player drives it, and the student is
 * told how to drive her own ("Explore on my own"); her buttons keep showing the teacher's state. */
function unlessFollowing(action) {
  return action && ((...args) => (followsTeacher(readSession()) ? toast(t("room.following_player")) : action(...args)));
}

/** Wire the player's buttons and the page's shortcuts (keys.js) to `actions` = {togglePlay, step, end?, reset, busy()}. */
export function bindPlayer(given) {
  const actions = { ...given, togglePlay: unlessFollowing(given.togglePlay), step: unlessFollowing(given.step),
    reset: unlessFollowing(given.reset), end: unlessFollowing(given.end) };
  document.getElementById("btn-play").addEventListener("click", actions.togglePlay);
  document.getElementById("btn-step").addEventListener("click", actions.step);
  document.getElementById("btn-reset").addEventListener("click", actions.reset);
  if (actions.end) document.getElementById("btn-end")?.addEventListener("click", actions.end);
  bindKeys(actions);
}

/** Show whether the race plays and where it is. */
export function showPlayer({ playing, step, total }) {
  const play = document.getElementById("btn-play");
  play.setAttribute("aria-pressed", String(playing));
  play.querySelector("[data-role=label]").textContent = playing ? t("player.pause") : t("player.play");
  play.querySelector("[data-role=icon]").textContent = playing ? "❚❚" : "▶";
  document.getElementById("step-readout").textContent = t("player.step_of", { step, total });
}
