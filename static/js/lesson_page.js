/**
 * The lesson player (/lessons/<id>?step=k): the step's text, question, run and goal in a panel
 * beside its instrument (lesson_frame.js), a progress bar, previous/next and the keys
 * (← →, 1–5 to answer, Enter to run). The link keeps the step; present=1 and embed=1 carry over
 * to the instrument. In a live class (room.js) the teacher's step goes to the class, and a
 * following student's player moves to it in place (with the instrument's link, if the teacher
 * changed it).
 */

import { h } from "./controls.js";
import { judge } from "./lesson_goals.js";
import { LessonFrame } from "./lesson_frame.js";
import { renderMarkdown } from "./lesson_markdown.js";
import { t } from "./i18n.js";
import { $, bootPage, markReady } from "./page.js";
import { isEmbedded, isPresenting, withModes } from "./present.js";
import { wireClassLink } from "./lesson_class_link.js";
import { lessonStepShown, registerLesson } from "./room.js";

const WATCH_MS = 120;

const { data, store, debug } = bootPage({
  state: (d) => ({ step: d.step }),
  link: (s, d) => `lang=${d.lang}&step=${s.step}`,
  debug: { judged: null, answered: null, highlighted: null },
});
const lesson = data.lesson;
const total = lesson.steps.length;
const frame = new LessonFrame($("#lesson-frame"), { onKey: frameKey });
registerLesson({
  id: lesson.id, step: () => shown + 1, follow,
  instrument: () => (shown < 0 ? null : { page: lesson.steps[shown].page, loaded: frame.loaded }),
});
let shown = -1; // index of the step on screen
let answer = null; // the chosen choice of the step's question
let watcher = 0;
let runToken = 0;
let frameQuery = null; // the instrument's link as the class's teacher changed it, or the step's

const stepLink = (index) => `?${withModes(`lang=${data.lang}&step=${index + 1}`)}`;
// On a wide screen the instrument is its projector layout (present=1 at 1280 px wide, scaled
// to the stage: every plot in view); on a phone, its own narrow layout at full size.
const VIRTUAL_WIDTH = 1280;
const wideStage = () => $(".lesson-stage").clientWidth >= 640;
const instrumentLink = (step, query = null) => withModes(
  `${query === null ? step.url : `/${step.page}?lang=${data.lang}&${query}`}&embed=1`,
  { embed: false, present: wideStage() });

/** Size the instrument: scaled from a 1280-px-wide page to the stage, or native on a phone. */
function fitFrame() {
  const stage = $(".lesson-stage");
  const iframe = $("#lesson-frame");
  if (!wideStage()) {
    stage.classList.remove("is-scaled");
    iframe.style.cssText = "";
    return;
  }
  const scale = stage.clientWidth / VIRTUAL_WIDTH;
  const height = Math.max(stage.clientHeight - 24, 300) / scale;
  stage.classList.add("is-scaled");
  iframe.style.cssText = `width: ${VIRTUAL_WIDTH}px; height: ${height}px; transform: scale(${scale});`;
}

/* ---------- drawing a step ---------- */

function show(index, query = null) {
  index = Math.max(0, Math.min(total - 1, index));
  frameQuery = query;
  const step = lesson.steps[index];
  const changed = index !== shown;
  shown = index;
  answer = null;
  stopWatching();
  store.patch({ step: index + 1 });
  debug.index = index;
  debug.judged = null;
  debug.answered = null;
  debug.runDone = false;
  $("#lesson-step-of").textContent = t("lessons.step_of", { step: index + 1, total });
  const bar = $(".lesson-progress");
  bar.setAttribute("aria-valuenow", String(index + 1));
  $("#lesson-progress-bar").style.width = `${((index + 1) / total) * 100}%`;
  $("#lesson-text").replaceChildren(...renderMarkdown(step.text));
  if (changed) $("#lesson-text").scrollTop = 0;
  drawQuestion(step);
  drawRun(step);
  drawGoal(step, null);
  $("#lesson-reveal").hidden = true;
  $("#lesson-veil").hidden = !(step.question && step.page !== "mlp");
  drawNav(index);
  $("#lesson-open").href = withModes(step.url, { embed: false, present: false });
  openInstrument(index);
  lessonStepShown();
}

/** The step's instrument (at `frameQuery`, when the class's teacher changed it). */
function openInstrument(index) {
  const step = lesson.steps[index];
  frame.open(instrumentLink(step, frameQuery)).then((win) => {
    if (shown !== index) return;
    // the anatomy (ex=) keeps the race's side panel; otherwise a highlighted control in a run's
    // card opens that card, the goal's run first
    debug.highlighted = frame.highlight(win, step.highlight, { run: step.goal?.run ?? null, openCard: !/[?&]ex=/.test(step.url) });
    if (step.page === "mlp" && /[?&]ls\./.test(step.url)) frame.showLandscape(win);
    if (step.run?.unit === "epochs") frame.setSpeed(win, step.run.speed);
    debug.frameReady = index;
  }).catch(() => {});
}

function drawNav(index) {
  const prev = $("#lesson-prev");
  const next = $("#lesson-next");
  prev.href = stepLink(Math.max(0, index - 1));
  prev.toggleAttribute("aria-disabled", index === 0);
  prev.classList.toggle("is-disabled", index === 0);
  const last = index === total - 1;
  next.href = last ? `/lessons?${withModes(`lang=${data.lang}`)}` : stepLink(index + 1);
  next.textContent = last ? `${t("lessons.finish")} ✓` : `${t("lessons.next")} →`;
}

function drawQuestion(step) {
  const box = $("#lesson-question");
  const q = step.question;
  box.hidden = !q;
  if (!q) return box.replaceChildren();
  const choices = q.choices.map((choice, i) => {
    const button = h("button", {
      type: "button", class: "lesson-choice", "data-choice": i, "aria-pressed": "false",
    }, h("kbd", {}, String(i + 1)), " ", choice);
    button.addEventListener("click", () => choose(i));
    return button;
  });
  box.replaceChildren(
    h("p", { class: "lesson-question-title" }, h("strong", {}, t("lessons.question")), " ", q.prompt),
    h("div", { class: "lesson-choices", role: "group", "aria-label": t("lessons.question") }, choices));
}

function drawRun(step) {
  const button = $("#lesson-run");
  button.hidden = !step.run;
  $("#lesson-run-status").textContent = step.run && step.question ? t("lessons.answer_first") : "";
  if (!step.run) return;
  const amount = t(step.run.unit === "epochs" ? "lessons.run_epochs" : "lessons.run_steps", { count: step.run.count });
  button.querySelector("[data-role=label]").textContent = `${t("lessons.run")} (${amount})`;
  button.disabled = Boolean(step.question);
}

function drawGoal(step, verdict) {
  const box = $("#lesson-goal");
  const goal = step.goal;
  box.hidden = !goal;
  if (!goal) return;
  box.dataset.verdict = verdict ?? "pending";
  const badge = verdict === "met" ? t("lessons.goal.met_badge") : verdict === "missed" ? t("lessons.goal.missed_badge") : t("lessons.goal.title");
  const feedback = verdict === "met" ? goal.met : verdict === "missed" ? goal.missed : t("lessons.goal.waiting");
  box.replaceChildren(
    h("p", { class: "lesson-goal-head" }, h("strong", {}, badge), " — ", goal.label),
    h("div", { class: "lesson-goal-feedback" }, verdict ? renderMarkdown(feedback) : feedback));
}

/* ---------- predict, run, check ---------- */

function choose(i) {
  const step = lesson.steps[shown];
  if (!step.question || i >= step.question.choices.length) return;
  answer = i;
  debug.answered = i;
  for (const button of document.querySelectorAll(".lesson-choice")) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.choice) === i));
  }
  $("#lesson-run").disabled = false;
  $("#lesson-run-status").textContent = t("lessons.your_answer", { choice: step.question.choices[i] });
}

async function run() {
  const step = lesson.steps[shown];
  if (!step.run || (step.question && answer === null)) return;
  const index = shown;
  const token = ++runToken;
  debug.runDone = false;
  debug.judged = null;
  $("#lesson-veil").hidden = true;
  $("#lesson-reveal").hidden = true;
  drawGoal(step, null);
  $("#lesson-run-status").textContent = t("lessons.running");
  let win;
  try {
    win = await frame.loaded;
  } catch {
    return;
  }
  if (token !== runToken || shown !== index) return;
  const stream = frame.play(win, step.page);
  stopWatching();
  watcher = setInterval(() => check(step, stream, token), WATCH_MS);
}

function check(step, stream, token) {
  if (token !== runToken || !stream.current()) return stopWatching();
  const done = stream.done();
  const verdict = step.goal ? judge(step.goal, { series: stream.series, done }) : (done ? "done" : "pending");
  if (step.goal && verdict !== "pending" && debug.judged !== verdict) {
    debug.judged = verdict;
    drawGoal(step, verdict);
    $("#lesson-goal").scrollIntoView({ block: "nearest" });
  }
  if (!done) {
    const unit = step.run.unit === "epochs" ? "lessons.run_epochs" : "lessons.run_steps";
    $("#lesson-run-status").textContent = `${t("lessons.running")} ${t(unit, { count: stream.progress() })}`;
    return;
  }
  stopWatching();
  $("#lesson-run-status").textContent = t("lessons.run_done");
  $("#lesson-run").querySelector("[data-role=label]").textContent = t("lessons.run_again");
  debug.runDone = true;
  reveal(step);
}

function reveal(step) {
  const q = step.question;
  if (!q) return;
  const right = answer === q.answer;
  const box = $("#lesson-reveal");
  box.dataset.right = String(right);
  box.replaceChildren(
    h("p", {}, h("strong", {}, right ? t("lessons.right") : t("lessons.wrong", { choice: q.choices[q.answer] }))),
    ...renderMarkdown(q.explanation));
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
  for (const button of document.querySelectorAll(".lesson-choice")) {
    button.classList.toggle("is-answer", Number(button.dataset.choice) === q.answer);
  }
}

function stopWatching() {
  clearInterval(watcher);
  watcher = 0;
}

/* ---------- the class link ---------- */

/** This lesson at the step on screen, for students' own screens (no presentation, no embed). */
const classLink = () => new URL(`${location.pathname}?lang=${data.lang}&step=${shown + 1}`, location.href).href;

/* ---------- keys ---------- */

const TYPING = "input, select, textarea, [contenteditable]";

/** ← → move; 1–5 answer; Enter runs (unless a button or a link has the focus). */
function key(event, fromFrame = false) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.target?.closest?.(TYPING) || document.querySelector("dialog[open]")) return;
  let handled = true;
  if (event.key === "ArrowRight") go(shown + 1);
  else if (event.key === "ArrowLeft") go(shown - 1);
  else if (/^[1-5]$/.test(event.key) && lesson.steps[shown].question) choose(Number(event.key) - 1);
  else if (event.key === "Enter" && !fromFrame && !event.target?.closest?.("button, a")) run();
  else handled = false;
  if (handled) {
    event.preventDefault();
    event.stopPropagation();
  }
}

function frameKey(event) {
  if (["ArrowRight", "ArrowLeft", "1", "2", "3", "4", "5"].includes(event.key)) key(event, true);
}

function go(index) {
  if (index >= total) {
    location.assign($("#lesson-next").href);
    return;
  }
  if (index < 0 || index === shown) return;
  show(index);
}

/** A following student's player: the teacher's step, and her instrument's link (null: the
 * step's own), shown in place. */
function follow(stepNumber, query) {
  const index = Math.max(0, Math.min(total - 1, stepNumber - 1));
  if (index !== shown) show(index, query);
  else if (query !== frameQuery) {
    frameQuery = query;
    openInstrument(index);
  }
}

/* ---------- start-up ---------- */

function main() {
  $("#lesson-run").addEventListener("click", run);
  for (const [id, delta] of [["#lesson-prev", -1], ["#lesson-next", 1]]) {
    $(id).addEventListener("click", (event) => {
      event.preventDefault();
      go(shown + delta);
    });
  }
  document.addEventListener("keydown", (event) => key(event));
  wireClassLink(classLink, { intro: "lessons.class_link_intro", label: "lessons.class_link" });
  new ResizeObserver(fitFrame).observe($(".lesson-stage"));
  fitFrame();
  document.documentElement.dataset.lesson = lesson.id;
  if (isEmbedded()) document.body.classList.add("lesson-embedded");
  show(data.step - 1);
  markReady();
}

main();
