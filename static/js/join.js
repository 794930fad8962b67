/**
 * The join page (`/join/CODE`): check the room exists, keep the student's session in this tab
 * (code, optional name, following), then wait for the teacher's first state and go there.
 */

import { setCatalog, t } from "./i18n.js";
import { wireRoom } from "./room.js";
import { readSession, writeSession } from "./room_session.js";
import { wireShareButtons } from "./ui.js";

const data = JSON.parse(document.getElementById("descenso-data").textContent);
setCatalog(data.lang, data.catalog);
wireShareButtons();
const form = document.getElementById("join-form");
const status = document.getElementById("join-status");
const debug = {};
window.__descenso = debug;

async function join(event) {
  event?.preventDefault();
  const code = form.code.value.trim().toUpperCase().replace(/[\s-]/g, "");
  status.textContent = "";
  const answer = await fetch(`/api/rooms/${encodeURIComponent(code)}`).catch(() => null);
  if (!answer || !answer.ok) {
    const body = answer ? await answer.json().catch(() => ({})) : {};
    status.textContent = t(body.code ?? "room.offline", body.params ?? {});
    return;
  }
  writeSession({ code, role: "student", name: form.name.value.trim(), following: true });
  form.hidden = true;
  wireRoom({ data, store: null, debug });
}

form.addEventListener("submit", join);
const session = readSession();
if (session?.role === "student" && session.code === data.code) {
  form.name.value = session.name ?? "";
  join();
}
document.body.dataset.ready = "true";
