/**
 * A student's class bar: whether she follows the teacher ("following") or explores on her own,
 * the button to switch, her optional display name and "send my run", and the teacher's poll.
 * While she follows, each state of the teacher brings her page to the teacher's page and link
 * (on the teacher's lesson, the player moves to the teacher's step in place). On a lesson, "send
 * my run" sends the run of the step's instrument (its frame, same origin), or is disabled with a
 * hint when the step's lab has no run (/activations, /init).
 */

import { h } from "./controls.js";
import { t } from "./i18n.js";
import { CLASS_PAGES, followUrl, frameRunLink, runSummary, showsState, writeSession } from "./room_session.js";
import { toast } from "./ui.js";

export class StudentBar {
  constructor(session, data, store, debug, { send, follow, inPlace, leave, instrument }) {
    this.session = session;
    this.instrument = instrument; // () => the lesson step's {page, loaded: promise of its window}, or null
    this.inPlace = inPlace; // (state) => whether the page followed it without reloading
    this.data = data;
    this.store = store;
    this.debug = debug;
    this.send = send;
    this.latest = null; // the teacher's latest state
    this.pollId = null;
    this.badge = h("span", { class: "badge room-badge", "data-room": "badge" });
    this.toggleButton = h("button", { type: "button", class: "button", "data-room": "follow",
      onclick: () => follow(!this.session.following) });
    this.name = h("input", { type: "text", maxlength: 40, value: session.name ?? "", "data-room": "name",
      placeholder: t("room.name_hint"), "aria-label": t("room.name") });
    this.name.addEventListener("change", () => {
      this.session.name = this.name.value.trim();
      writeSession(this.session);
    });
    const submit = h("button", { type: "button", class: "button button-primary", "data-room": "submit",
      "aria-describedby": "room-no-run", onclick: () => this.submit() }, t("room.send_run"));
    this.submitButton = submit;
    this.noRun = h("span", { class: "hint room-no-run", id: "room-no-run", "data-room": "no-run", hidden: true },
      t("room.no_run"));
    this.pollBox = h("div", { class: "room-student-poll", "data-room": "poll", hidden: true });
    this.waiting = h("p", { class: "room-waiting", role: "status" });
    this.root = h("aside", { class: "room-bar", id: "room-bar", "aria-label": t("room.bar_title") },
      h("span", { class: "room-label" }, t("room.class_code", { code: session.code })),
      this.badge, this.toggleButton, this.name, submit,
      h("button", { type: "button", class: "button button-quiet", onclick: leave }, t("room.leave")),
      this.noRun,
      this.pollBox, this.waiting);
    document.body.append(this.root);
    document.body.classList.add("room-bar-open");
    submit.hidden = !CLASS_PAGES.includes(data.page) && data.page !== "lesson";
    this.showFollowing();
    this.showSubmit();
  }

  /** On a lesson: the button only when the step's instrument has a run to send. */
  showSubmit() {
    if (this.data.page !== "lesson") return;
    const page = this.instrument?.()?.page;
    const can = CLASS_PAGES.includes(page);
    this.submitButton.disabled = !can;
    this.submitButton.title = can ? "" : t("room.no_run");
    this.noRun.hidden = can || !page;
  }

  showFollowing() {
    const on = Boolean(this.session.following);
    this.badge.textContent = on ? t("room.following") : t("room.exploring");
    this.badge.dataset.state = on ? "following" : "exploring";
    this.toggleButton.textContent = on ? t("room.explore") : t("room.follow_again");
  }

  /** Bring the page to the teacher's (a reload: the page then draws the teacher's stream). */
  goToTeacher(force = false) {
    const state = this.latest;
    if (!state) {
      this.waiting.textContent = t("room.waiting");
      return;
    }
    if (!force && this.inPlace?.(state)) return;
    if (force || !showsState(state, location.pathname, location.search)) {
      location.replace(followUrl(state, this.data.lang));
    }
  }

  receive(message) {
    if (message.type === "hello") {
      this.waiting.textContent = this.data.page === "join" ? t("room.waiting") : "";
    } else if (message.type === "state") {
      this.latest = message.state;
      this.waiting.textContent = "";
      if (this.session.following || this.data.page === "join") this.goToTeacher();
    } else if (message.type === "poll") {
      this.showPoll(message);
    } else if (message.type === "error") {
      toast(t(message.code, message.params ?? {}));
    }
  }

  refused(message) {
    this.waiting.textContent = t(message.code, message.params ?? {});
  }

  showPoll(poll) {
    if (poll.poll === this.pollId) return;
    this.pollId = poll.poll;
    const buttons = poll.choices.map((choice, i) => h("button", {
      type: "button", class: "button", "data-choice": i,
      onclick: (event) => {
        this.send({ type: "vote", choice: i });
        for (const b of buttons) b.setAttribute("aria-pressed", String(b === event.currentTarget));
      },
    }, choice));
    this.pollBox.replaceChildren(h("strong", {}, poll.question), ...buttons);
    this.pollBox.hidden = false;
  }

  /** The run on this page, or on a lesson the run of the step's instrument: `{page, state,
   * debug, link}`, or null when there is none. */
  async run() {
    if (this.data.page !== "lesson") {
      return { page: this.data.page, state: this.store?.state, debug: this.debug, link: location.pathname + location.search };
    }
    const instrument = this.instrument?.();
    if (!instrument || !CLASS_PAGES.includes(instrument.page)) return null;
    const win = await instrument.loaded?.catch(() => null);
    const debug = win?.__descenso;
    if (!debug) return null;
    const link = frameRunLink(win.location.pathname, win.location.search, this.data.lang);
    return { page: instrument.page, state: debug.state, debug, link };
  }

  async submit() {
    const run = await this.run();
    if (!run) return;
    const result = runSummary(run.page, run.state, run.debug, run.link);
    const name = this.name.value.trim();
    if (this.send({ type: "submit", result, ...(name ? { name } : {}) })) toast(t("room.sent"));
    else toast(t("room.offline"));
  }
}
