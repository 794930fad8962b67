/**
 * A live class on every page: the header's "Start a class" button, then for the teacher's tab
 * the class panel (room_panel.js) and the states it sends, and for a student's tab the class
 * bar (room_student.js) that follows the teacher or lets her explore on her own.
 *
 * What the teacher does reaches the students as `{"page", "query"}`: the page and its link
 * (every setting, the start point, the speed). Play, pause, step and reset reach them through
 * the teacher's stream itself: her page streams with `?room=…&token=…` and a following
 * student's page draws the frames of `/ws/room/{code}/stream`, computed once on the server.
 */

import { t } from "./i18n.js";
import { TeacherPanel } from "./room_panel.js";
import { readSession, sharedQuery, writeSession } from "./room_session.js";
import { RoomSocket } from "./room_socket.js";
import { StudentBar } from "./room_student.js";
import { reconnectStreams } from "./stream.js";
import { toast } from "./ui.js";

const SEND_EVERY_MS = 120;

let active = null; // the TeacherRoom or StudentRoom of this tab

/** Called by page.js on every link write. */
export function roomLinkChanged(query) {
  active?.linkChanged(query);
}

class TeacherRoom {
  constructor(session, data) {
    this.session = session;
    this.data = data;
    this.timer = 0;
    this.lastSent = 0;
    this.panel = new TeacherPanel(session, {
      send: (message) => this.socket.send(message),
      end: () => endClass(),
    });
    this.socket = new RoomSocket(session, {
      onOpen: () => this.sendState(),
      onMessage: (message) => this.panel.receive(message),
      onRefused: (message) => { this.panel.refused(message); writeSession(null); },
    });
    this.socket.connect();
  }

  state() {
    return { page: this.data.page, query: sharedQuery(location.search) };
  }

  sendState() {
    if (!["surface", "mlp", "map"].includes(this.data.page)) return;
    this.lastSent = performance.now();
    this.socket.send({ type: "state", state: this.state() });
  }

  /** At most one state every SEND_EVERY_MS while a slider moves, and always the last one. */
  linkChanged() {
    clearTimeout(this.timer);
    const wait = SEND_EVERY_MS - (performance.now() - this.lastSent);
    if (wait <= 0) this.sendState();
    else this.timer = setTimeout(() => this.sendState(), wait);
  }
}

class StudentRoom {
  constructor(session, data, store, debug) {
    this.session = session;
    this.bar = new StudentBar(session, data, store, debug, {
      send: (message) => this.socket.send(message),
      follow: (on) => this.setFollowing(on),
      leave: () => { writeSession(null); this.socket.close(); location.href = `/?lang=${data.lang}`; },
    });
    this.loaded = sharedQuery(location.search);
    this.socket = new RoomSocket(session, {
      onMessage: (message) => this.bar.receive(message),
      onRefused: (message) => { this.bar.refused(message); writeSession(null); },
    });
    this.socket.connect();
  }

  /** A change she makes while following means she explores on her own from now on (the
   * page's own writes while it boots only spell the link out). */
  linkChanged(query) {
    if (document.body.dataset.ready !== "true") this.loaded = sharedQuery(query);
    else if (this.session.following && sharedQuery(query) !== this.loaded) this.setFollowing(false);
  }

  setFollowing(on) {
    this.session.following = on;
    writeSession(this.session);
    this.bar.showFollowing();
    if (on) this.bar.goToTeacher(true);
    else reconnectStreams(); // her own stream from now on
  }
}

async function startClass(data) {
  const response = await fetch("/api/rooms", { method: "POST" });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    toast(t(body.code ?? "room.start_failed", body.params ?? {}));
    return;
  }
  const room = await response.json();
  writeSession({ code: room.code, role: "teacher", token: room.teacher_token });
  location.reload(); // the page's streams reopen feeding the room
}

function endClass() {
  writeSession(null);
  location.reload();
}

/** Wire the header's class button and join the tab's class, if it has one. */
export function wireRoom({ data, store, debug }) {
  const session = readSession();
  const button = document.getElementById("btn-room"); // in the share menu
  if (button) {
    if (session?.role === "teacher") {
      button.textContent = t("room.button_open", { code: session.code });
      button.addEventListener("click", () => {
        document.getElementById("share-dialog")?.close();
        active?.panel.toggle(true);
      });
    } else {
      button.hidden = session?.role === "student";
      button.addEventListener("click", () => startClass(data));
    }
  }
  if (!session || data.embed) return;
  active = session.role === "teacher" ? new TeacherRoom(session, data)
    : new StudentRoom(session, data, store, debug);
  document.body.dataset.room = session.role;
  if (debug) debug.room = { session, get following() { return Boolean(session.following); } };
}
