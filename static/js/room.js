/**
 * A live class on every page: the header's "Start a class" button, then for the teacher's tab
 * the class panel (room_panel.js) and the states it sends, and for a student's tab the class
 * bar (room_student.js) that follows the teacher or lets her explore on her own.
 *
 * What the teacher does reaches the students as `{"page", "query"}`: the page and its link
 * (every setting, the start point, the speed). Play, pause, step and reset reach them through
 * the teacher's stream itself: her page streams with `?room=…&token=…` and a following
 * student's page draws the frames of `/ws/room/{code}/stream`, computed once on the server.
 *
 * On a lesson (`/lessons/<id>?step=k`) the state is `{"page": "lesson", "lesson", "step",
 * "frame"?}` (checked by the server against the lessons): the player (lesson_page.js) registers
 * itself here, a following student's player moves to the teacher's step in place, and the
 * step's instrument (an `embed=1` frame of the same tab, so the same class session) relays its
 * link changes to the player's page: the teacher's become `frame`, a student's own change
 * means she explores on her own. The frame's streams feed or follow the room like a page's.
 */

import { t } from "./i18n.js";
import { TeacherPanel } from "./room_panel.js";
import { CLASS_PAGES, isLessonState, readSession, sharedQuery, writeSession } from "./room_session.js";
import { RoomSocket } from "./room_socket.js";
import { StudentBar } from "./room_student.js";
import { reconnectStreams } from "./stream.js";
import { toast } from "./ui.js";

const SEND_EVERY_MS = 120;

let active = null; // the TeacherRoom, StudentRoom or FrameRelay of this page
let lessonPlayer = null; // {id, step(), follow(step, frame)} of a lesson page

/** Called by page.js on every link write. */
export function roomLinkChanged(query) {
  active?.linkChanged(query);
}

/** The lesson player: `id`, `step()` (1-based, on screen), `follow(step, frame)`, which
 * shows a step (and the instrument's link `frame`, or the step's own when null), and
 * `instrument()`: the step's `{page, loaded}` (a promise of the instrument's window). */
export function registerLesson(player) {
  lessonPlayer = player;
}

/** Called by the lesson player once it shows a step (a student's "send my run" follows it). */
export function lessonStepShown() {
  active?.bar?.showSubmit();
}

const FRAME_MESSAGE = "descenso.frame"; // instrument → lesson page: its link changed
const RECONNECT_MESSAGE = "descenso.reconnect"; // lesson page → instrument: reopen your streams

/** A message from an instrument frame of this page (same origin), or null. */
function frameMessage(event) {
  if (event.origin !== location.origin || event.data?.type !== FRAME_MESSAGE) return null;
  const fromChild = [...document.querySelectorAll("iframe")].some((f) => f.contentWindow === event.source);
  return fromChild && typeof event.data.query === "string" ? event.data : null;
}

/** Tell the page's instrument frames to reopen their streams (the class session changed). */
function reconnectFrames() {
  for (const frame of document.querySelectorAll("iframe")) {
    frame.contentWindow?.postMessage({ type: RECONNECT_MESSAGE }, location.origin);
  }
}

/**
 * An instrument inside a lesson page of a tab in a class: it tells the lesson page when its link
 * changes after it is drawn (a person's change, not the page spelling its link out), and
 * reopens its streams when the lesson page says the session changed.
 */
class FrameRelay {
  constructor() {
    this.last = sharedQuery(location.search); // the link served; the boot's writes spell it out
    window.addEventListener("message", (event) => {
      if (event.origin === location.origin && event.source === window.parent
        && event.data?.type === RECONNECT_MESSAGE) reconnectStreams();
    });
  }

  linkChanged(query) {
    const shared = sharedQuery(query);
    const booting = document.body.dataset.ready !== "true";
    if (shared === this.last) return;
    this.last = shared;
    if (!booting) window.parent.postMessage({ type: FRAME_MESSAGE, query: shared }, location.origin);
  }
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
    this.frame = null; // {step, query}: the lesson step's instrument as the teacher changed it
    window.addEventListener("message", (event) => {
      const message = frameMessage(event);
      if (!message || !lessonPlayer) return;
      this.frame = { step: lessonPlayer.step(), query: message.query };
      this.linkChanged();
    });
    this.socket.connect();
  }

  state() {
    if (this.data.page === "lesson" && lessonPlayer) {
      const step = lessonPlayer.step();
      if (this.frame?.step !== step) this.frame = null; // a new step opens its own link
      const frame = this.frame ? { frame: this.frame.query } : {};
      return { page: "lesson", lesson: lessonPlayer.id, step, ...frame };
    }
    return { page: this.data.page, query: sharedQuery(location.search) };
  }

  sendState() {
    if (!CLASS_PAGES.includes(this.data.page) && !(this.data.page === "lesson" && lessonPlayer)) return;
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
      inPlace: (state) => this.followInPlace(state),
      instrument: () => lessonPlayer?.instrument() ?? null,
      leave: () => { writeSession(null); this.socket.close(); location.href = `/?lang=${data.lang}`; },
    });
    this.loaded = sharedQuery(location.search);
    this.socket = new RoomSocket(session, {
      onMessage: (message) => this.bar.receive(message),
      onRefused: (message) => { this.bar.refused(message); writeSession(null); },
    });
    // her own change to a lesson's instrument: she explores on her own from now on
    window.addEventListener("message", (event) => {
      if (frameMessage(event) && this.session.following) this.setFollowing(false);
    });
    this.socket.connect();
  }

  /** On the teacher's lesson already: move to her step (and her instrument's link) in place,
   * without reloading the page; returns whether it did. */
  followInPlace(state) {
    if (!lessonPlayer || !isLessonState(state) || state.lesson !== lessonPlayer.id) return false;
    this.loaded = `step=${state.step}`; // the player's own link write is not her change
    lessonPlayer.follow(state.step, typeof state.frame === "string" ? sharedQuery(state.frame) : null);
    return true;
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
    else {
      reconnectStreams(); // her own stream from now on
      reconnectFrames(); // and her lesson's instrument's
    }
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
  if (!session) return;
  if (document.documentElement.dataset.embed === "1") { // an instrument inside another page
    if (window.parent !== window) active = new FrameRelay();
    return;
  }
  active = session.role === "teacher" ? new TeacherRoom(session, data)
    : new StudentRoom(session, data, store, debug);
  document.body.dataset.room = session.role;
  if (debug) debug.room = { session, get following() { return Boolean(session.following); } };
}
