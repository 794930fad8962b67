/**
 * The instrument of a lesson step: the page itself (/surface, /mlp or /map with `embed=1`) in an
 * iframe of the same origin. The player waits for it to be drawn, makes the step's controls
 * pulse, presses its Play button, and reads its stream through the page's debug handle (the
 * race or the training the page holds), so the goal is judged on exactly what is drawn.
 */

import { raceSeries, trainingSeries } from "./lesson_goals.js";

const READY_POLL_MS = 50;
const READY_TIMEOUT_MS = 20000;

export class LessonFrame {
  /** `iframe`: the element; `onKey(event)`: keys pressed inside the instrument the player wants. */
  constructor(iframe, { onKey }) {
    this.iframe = iframe;
    this.onKey = onKey;
    this.url = null;
    this.loaded = null; // a promise of the ready window
  }

  /** Open `url` (a step's link with the modes); a link already open is kept as it is. */
  open(url) {
    if (url === this.url && this.loaded) return this.loaded;
    this.url = url;
    this.loaded = new Promise((resolve, reject) => {
      const began = performance.now();
      const wait = () => {
        const win = this.iframe.contentWindow;
        const doc = this.iframe.contentDocument;
        if (this.url !== url) return reject(new Error("replaced"));
        if (doc?.body?.dataset.ready === "true" && win.__descenso && doc.location.href.includes(url.split("?")[0])) {
          this.prepare(win);
          return resolve(win);
        }
        if (performance.now() - began > READY_TIMEOUT_MS) return reject(new Error("timeout"));
        setTimeout(wait, READY_POLL_MS);
      };
      this.iframe.addEventListener("load", () => setTimeout(wait, 0), { once: true });
    });
    this.loaded.catch(() => {});
    this.iframe.src = url;
    return this.loaded;
  }

  /** Once per loaded page: the pulse's style sheet, and the player's keys caught first. */
  prepare(win) {
    const doc = win.document;
    if (!doc.getElementById("lesson-highlight-css")) {
      const link = doc.createElement("link");
      link.id = "lesson-highlight-css";
      link.rel = "stylesheet";
      link.href = "/static/css/lesson_highlight.css";
      doc.head.append(link);
      win.addEventListener("keydown", (event) => this.onKey(event), true);
    }
  }

  get window() {
    return this.iframe.contentWindow;
  }

  /** Make the elements of the named controls pulse (the page is not scrolled: its plot stays in
   * view) and bring them out: a closed `<details>` holding one opens, and (`openCard`) on a
   * race in presentation mode the card of run `run` (else the first card holding one) opens
   * from its chip. Returns whether any was found. */
  highlight(win, keys, { run = null, openCard = true } = {}) {
    const doc = win.document;
    for (const el of doc.querySelectorAll(".lesson-highlight")) el.classList.remove("lesson-highlight");
    const found = [];
    for (const key of keys) {
      const name = CSS.escape(key);
      for (const el of doc.querySelectorAll(`[data-hide-key="${name}"], [data-field="${name}"]`)) {
        el.classList.add("lesson-highlight");
        found.push(el);
      }
    }
    for (const el of found) {
      for (let box = el.closest("details"); box; box = box.parentElement?.closest("details")) box.open = true;
    }
    if (!openCard) return found.length > 0;
    // a control inside a run's card, not the card itself (an optimizer's name)
    const cards = found.filter((el) => !el.matches(".card")).map((el) => el.closest(".card[data-run]")).filter(Boolean);
    const card = cards.find((c) => Number(c.dataset.run) === run) ?? cards[0];
    const chip = card && doc.querySelector(`.run-chip[data-run="${card.dataset.run}"]`);
    if (chip?.offsetParent && chip.getAttribute("aria-expanded") !== "true") {
      chip.click();
      // the open card takes the focus: give it back, so the player's keys (Enter runs) still work
      doc.activeElement?.blur?.();
      if (document.activeElement === this.iframe) this.iframe.blur();
    }
    return found.length > 0;
  }

  /** The MLP page's loss-landscape panel: its tab shown (presentation mode) and its view
   * computed, as if the student pressed "Compute". */
  showLandscape(win) {
    const doc = win.document;
    const panel = doc.querySelector('[data-hide-key="landscape"]');
    if (!panel) return;
    doc.querySelector(`[role=tab][aria-controls="${CSS.escape(panel.id)}"]`)?.click();
    doc.documentElement.dataset.focus = "landscape"; // the panel fills the frame (landscape.css)
    win.dispatchEvent(new win.Event("resize"));
    const compute = doc.getElementById("btn-landscape");
    if (compute && !compute.disabled) compute.click();
    // once drawn, the chart is brought into view within its panel
    const chart = doc.getElementById("landscape-chart");
    const began = performance.now();
    const reveal = () => {
      if (this.window !== win || performance.now() - began > READY_TIMEOUT_MS) return;
      if (!chart?.dataset.drawn) return setTimeout(reveal, READY_POLL_MS * 4);
      chart.scrollIntoView({ block: "nearest" });
    };
    reveal();
  }

  /** The MLP page's speed (epochs per second), through its own speed box. */
  setSpeed(win, speed) {
    const box = win.document.querySelector("#speed-control input.value");
    if (!box || !speed) return;
    box.value = String(speed).replace(".", win.document.documentElement.lang === "es" ? "," : ".");
    box.dispatchEvent(new win.Event("change", { bubbles: true }));
  }

  /** Press the page's Play (unless it already plays); returns what to watch. */
  play(win, page) {
    const debug = win.__descenso;
    const current = page === "surface" ? debug.race : debug.run;
    if (!current?.playing) win.document.getElementById("btn-play")?.click();
    return this.watch(win, page);
  }

  /** The stream of the run now on the page: `{series, done, progress}` read live. */
  watch(win, page) {
    const debug = win.__descenso;
    if (page === "surface") {
      const race = debug.race;
      return { series: raceSeries(race), done: () => race.done && !race.playing, progress: () => race.step, gen: race.gen, current: () => debug.race === race };
    }
    const run = debug.run;
    return { series: trainingSeries(run), done: () => run.done, progress: () => run.epoch, current: () => debug.run === run };
  }
}
