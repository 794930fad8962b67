/**
 * The classroom socket (`/ws/room/{code}?role=…`): reconnects by itself, hands every message to
 * `onMessage`, and reports refusals (`room.unknown`, a wrong token …) to `onRefused` without
 * retrying them.
 */

const RETRY_MS = [500, 1000, 2000, 4000];
const FINAL = new Set(["room.unknown", "room.not_teacher", "room.bad_role", "room.full",
  "room.name_too_long", "room.not_allowed"]);

export class RoomSocket {
  constructor(session, { onMessage, onOpen, onRefused }) {
    this.session = session;
    this.handlers = { onMessage, onOpen, onRefused };
    this.retries = 0;
    this.stopped = false;
    this.socket = null;
  }

  url() {
    const { code, role, token, name } = this.session;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const query = role === "teacher"
      ? `role=teacher&token=${encodeURIComponent(token ?? "")}`
      : `role=student&name=${encodeURIComponent(name ?? "")}`;
    return `${scheme}//${location.host}/ws/room/${encodeURIComponent(code)}?${query}`;
  }

  connect() {
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.addEventListener("open", () => { this.retries = 0; this.handlers.onOpen?.(); });
    socket.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch { return; }
      if (message.type === "error" && FINAL.has(message.code)) {
        this.stopped = true;
        this.handlers.onRefused?.(message);
        return;
      }
      this.handlers.onMessage?.(message);
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket || this.stopped) return;
      const delay = RETRY_MS[Math.min(this.retries, RETRY_MS.length - 1)];
      this.retries += 1;
      setTimeout(() => this.connect(), delay);
    });
  }

  send(message) {
    if (this.socket?.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
      return true;
    }
    return false;
  }

  close() {
    this.stopped = true;
    this.socket?.close();
  }
}
