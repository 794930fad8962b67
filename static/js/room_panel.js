/**
 * The teacher's class panel: the room's code, QR code and join link; how many students are
 * connected; a live scatter of the submitted runs (learning rate against final loss, one colour
 * per optimizer); a leaderboard (names only when the teacher shows them) whose rows open a run
 * on the projector; quick polls with their bar chart.
 */

/* global Plotly */

import { h } from "./controls.js";
import { formatNumber, t } from "./i18n.js";
import { leaderboard } from "./room_session.js";
import { isPresenting } from "./present.js";
import { qrSource } from "./share.js";

const MAX_ROWS = 10;

export class TeacherPanel {
  constructor(session, { send, end }) {
    this.session = session;
    this.send = send;
    this.submissions = [];
    this.showNames = false;
    this.tally = null;
    this.poll = null;
    const join = `/join/${session.code}`;
    const joinUrl = new URL(join, location.href).href;
    this.count = h("strong", { "data-room": "students" }, "0");
    this.scatter = h("div", { class: "room-scatter", "data-room": "scatter" });
    this.board = h("ol", { class: "room-board", "data-room": "board" });
    this.bars = h("div", { class: "room-bars", "data-room": "bars" });
    this.status = h("p", { class: "room-status", role: "status" });
    const names = h("input", { type: "checkbox", "data-room": "show-names",
      onchange: (e) => { this.showNames = e.target.checked; this.drawBoard(); } });
    const question = h("input", { type: "text", maxlength: 200, "data-room": "question",
      placeholder: t("room.poll_question_hint"), "aria-label": t("room.poll_question") });
    const choices = h("input", { type: "text", "data-room": "choices",
      placeholder: t("room.poll_choices_hint"), "aria-label": t("room.poll_choices") });
    const ask = () => {
      const list = choices.value.split(/[,;\n]/).map((c) => c.trim()).filter(Boolean).slice(0, 8);
      if (!question.value.trim() || list.length < 2) { this.status.textContent = t("room.poll_incomplete"); return; }
      this.poll = { question: question.value.trim(), choices: list };
      this.send({ type: "poll", question: this.poll.question, choices: list });
      this.status.textContent = "";
    };
    this.root = h("aside", { class: "room-panel", id: "room-panel", "aria-label": t("room.panel_title") },
      h("div", { class: "room-head" },
        h("div", {},
          h("span", { class: "room-label" }, t("room.code")),
          h("strong", { class: "room-code", "data-room": "code" }, session.code)),
        h("img", { class: "room-qr", src: qrSource(join), alt: t("share.qr_alt", { url: joinUrl }), width: 96, height: 96 }),
        h("button", { type: "button", class: "button button-quiet room-close", "aria-label": t("room.hide_panel"),
          onclick: () => this.toggle(false) }, "×")),
      h("p", { class: "room-join" }, t("room.join_at"), " ", h("a", { href: join, "data-room": "join-link" },
        // the host, then "/join/CODE" whole: a narrow panel breaks the line before the path
        joinUrl.replace(/^https?:\/\//, "").replace(/\/join\/.*$/, ""), h("wbr"), `/join/${session.code}`)),
      h("p", { class: "room-count" }, t("room.students"), " ", this.count),
      h("h3", {}, t("room.submissions")),
      this.scatter,
      h("div", { class: "room-board-head" },
        h("h3", {}, t("room.leaderboard")),
        h("label", {}, names, " ", t("room.show_names"))),
      this.board,
      h("h3", {}, t("room.poll")),
      h("div", { class: "room-poll-form" }, question, choices,
        h("button", { type: "button", class: "button", "data-room": "ask", onclick: ask }, t("room.poll_ask"))),
      this.bars,
      this.status,
      h("div", { class: "room-actions" },
        h("button", { type: "button", class: "button button-quiet", onclick: end }, t("room.end"))));
    this.tab = h("button", { type: "button", class: "button room-tab", "data-room": "tab",
      "aria-controls": "room-panel", onclick: () => this.toggle() });
    document.body.append(this.root, this.tab);
    this.toggle(true);
  }

  /** Show or hide the panel; the tab at the corner stays, with the class code and count. */
  toggle(open = this.root.hidden) {
    this.root.hidden = !open;
    this.tab.setAttribute("aria-expanded", String(open));
    this.drawTab();
  }

  drawTab() {
    this.tab.textContent = t("room.tab", { code: this.session.code, n: this.count.textContent });
  }

  receive(message) {
    if (message.type === "hello") {
      this.count.textContent = String(message.students);
      this.drawTab();
      this.submissions = message.submissions ?? [];
      if (message.tally) this.tally = message.tally;
      this.redraw();
    } else if (message.type === "presence") {
      this.count.textContent = String(message.students);
      this.drawTab();
    } else if (message.type === "submission") {
      this.submissions.push(message);
      this.redraw();
    } else if (message.type === "tally") {
      this.tally = message;
      this.drawBars();
    } else if (message.type === "error") {
      this.status.textContent = t(message.code, message.params ?? {});
    }
  }

  refused(message) {
    this.status.textContent = t(message.code, message.params ?? {});
  }

  redraw() {
    this.drawScatter();
    this.drawBoard();
    this.drawBars();
  }

  label(submission) {
    return this.showNames && submission.name ? submission.name : `#${submission.id}`;
  }

  drawBoard() {
    const rows = leaderboard(this.submissions).slice(0, MAX_ROWS).map((s) => {
      const r = s.result ?? {};
      const loss = typeof r.final_loss === "number" ? formatNumber(r.final_loss, 3) : "—";
      const open = () => { if (typeof r.link === "string" && r.link.startsWith("/")) location.href = r.link; };
      return h("li", {},
        h("button", { type: "button", class: "room-row", onclick: open, "data-room": "open",
          "data-link": typeof r.link === "string" ? r.link : "", title: t("room.open_run") },
          h("span", { class: "room-name" }, this.label(s)),
          h("span", {}, r.optimizer ? t(`optimizer.${r.optimizer}`) : ""),
          h("span", { class: "num" }, loss)));
    });
    this.board.replaceChildren(...(rows.length ? rows : [h("li", { class: "hint" }, t("room.no_submissions"))]));
  }

  drawScatter() {
    if (typeof Plotly === "undefined") return;
    const groups = new Map();
    for (const s of this.submissions) {
      const r = s.result ?? {};
      if (typeof r.learning_rate !== "number" || typeof r.final_loss !== "number" || r.final_loss <= 0) continue;
      const key = r.optimizer ?? "?";
      if (!groups.has(key)) groups.set(key, { x: [], y: [], text: [] });
      const g = groups.get(key);
      g.x.push(r.learning_rate);
      g.y.push(r.final_loss);
      g.text.push(this.label(s));
    }
    const traces = [...groups].map(([name, g]) => ({
      type: "scatter", mode: "markers", name: name === "?" ? "?" : t(`optimizer.${name}`),
      x: g.x, y: g.y, text: g.text, hovertemplate: "%{text}: η=%{x}, %{y}<extra></extra>",
      marker: { size: 10 },
    }));
    this.scatter.hidden = traces.length === 0; // an empty chart says nothing: the board says why
    if (!traces.length) return;
    // On a projector (present=1) every label at 16 px; few ticks on the panel's narrow axes.
    const size = isPresenting() ? 16 : 12;
    const all = (key) => [...groups.values()].flatMap((g) => g[key]);
    const axis = (title, values) => ({
      type: "log", title: { text: title, font: { size } }, tickfont: { size },
      // a decade or more: label the powers of ten only (the 2s and 5s crowd a narrow axis)
      ...(Math.log10(Math.max(...values) / Math.min(...values)) >= 1 ? { dtick: 1 } : {}),
    });
    Plotly.react(this.scatter, traces, {
      margin: { l: 56, r: 8, t: 32, b: 44 }, height: isPresenting() ? 240 : 200, showlegend: true,
      font: { size }, legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom", font: { size } },
      xaxis: axis("η", all("x")), yaxis: axis(t("room.final_loss"), all("y")),
    }, { displayModeBar: false, responsive: true });
  }

  drawBars() {
    const tally = this.tally;
    if (!tally) { this.bars.replaceChildren(); return; }
    const choices = this.poll?.choices ?? tally.counts.map((_, i) => String(i + 1));
    const most = Math.max(1, ...tally.counts);
    this.bars.replaceChildren(
      ...(this.poll ? [h("p", { class: "room-question" }, this.poll.question)] : []),
      ...tally.counts.map((count, i) => h("div", { class: "room-tally", "data-room": "bar" },
        h("span", { class: "room-tally-label" }, choices[i] ?? String(i + 1)),
        h("span", { class: "room-tally-track" }, h("span", { class: "room-tally-fill", style: `width:${(100 * count) / most}%` })),
        h("span", { class: "num" }, String(count)))),
      h("p", { class: "hint" }, t("room.votes", { n: tally.votes })));
  }
}
