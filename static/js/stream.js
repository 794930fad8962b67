/**
 * WebSocket client of the race and training streams (`/ws/surface`, and `/ws/mlp` through
 * `TrainingStream` in mlp_run.js). Every `start` carries a new generation token; messages of
 * an older generation are dropped, so a slow race never paints over the one that replaced it.
 * The socket reconnects by itself; the page re-sends its experiment when it comes back.
 * In a class (room_session.js) the teacher's stream also feeds the room, and a following
 * student's stream is the room's: it draws the teacher's frames, whatever their generation.
 */

import { followsTeacher, readSession, streamPath } from "./room_session.js";

const RETRY_MS = [250, 500, 1000, 2000, 4000];
const STREAMS = new Set();

/** Close every stream of the page: each reconnects at once to the path the class now asks. */
export function reconnectStreams() {
  for (const stream of STREAMS) {
    stream.retries = 0;
    stream.socket?.close();
  }
}

export class RaceStream {
  constructor(path, { onMessage, onOpen, onClose } = {}) {
    this.path = path;
    this.onMessage = onMessage;
    this.onOpen = onOpen;
    this.onClose = onClose;
    this.gen = 0;
    this.queue = [];
    this.retries = 0;
    this.socket = null;
    this.dropped = 0;
    STREAMS.add(this);
  }

  url() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    return `${scheme}//${location.host}${streamPath(this.path, readSession())}`;
  }

  /** Whether this stream shows the teacher's frames (a following student's). */
  following() {
    return followsTeacher(readSession());
  }

  connect() {
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.retries = 0;
      const pending = this.queue.splice(0);
      // Only the latest start matters; the commands after it still apply to it.
      const lastStart = pending.map((m) => m.type).lastIndexOf("start");
      for (const message of lastStart >= 0 ? pending.slice(lastStart) : pending) {
        socket.send(JSON.stringify(message));
      }
      this.onOpen?.(lastStart >= 0);
    });
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.onClose?.();
      const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
      this.retries += 1;
      setTimeout(() => this.connect(), delay);
    });
  }

  receive(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.gen !== undefined && !this.following() && !this.accepts(message.gen)) {
      this.dropped += 1;
      return;
    }
    this.onMessage?.(message);
  }

  /** Whether a message of generation `gen` belongs to the current run (subclasses widen it). */
  accepts(gen) {
    return gen === this.gen;
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    } else {
      this.queue.push(message);
    }
  }

  /** Start a race (replacing any running one); returns its generation token. */
  start(experiment, mode, speed) {
    this.gen += 1;
    this.send({ type: "start", gen: this.gen, experiment, mode, speed });
    return this.gen;
  }

  play() { this.send({ type: "play" }); }

  pause() { this.send({ type: "pause" }); }

  step(count = 1) { this.send({ type: "step", count }); }

  reset() { this.send({ type: "reset" }); }

  speed(value) { this.send({ type: "speed", value }); }
}
