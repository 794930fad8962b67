/**
 * The tab's place in a class, kept in `sessionStorage` (per tab, across the pages of the tab):
 * `{code, role: "teacher" | "student", token?, name?, following?}`. The teacher's token lives
 * only here, never in a link. Pure helpers, no DOM: the node unit tests import them.
 */

const KEY = "descenso.room";
const MODE_KEYS = new Set(["lang", "present", "embed"]);

/** The session object, or null. */
export function readSession(storage = globalThis.sessionStorage) {
  try {
    const value = JSON.parse(storage?.getItem(KEY) ?? "null");
    return value && typeof value.code === "string" ? value : null;
  } catch {
    return null;
  }
}

export function writeSession(session, storage = globalThis.sessionStorage) {
  if (session) storage?.setItem(KEY, JSON.stringify(session));
  else storage?.removeItem(KEY);
}

/** A page's query without the viewer's own modes (language, presentation, embedding). */
export function sharedQuery(search) {
  const params = new URLSearchParams(search.replace(/^\?/, ""));
  for (const key of [...params.keys()]) if (MODE_KEYS.has(key)) params.delete(key);
  return params.toString();
}

/** Whether `state` puts the class on a lesson's step: `{page: "lesson", lesson, step, frame?}`. */
export function isLessonState(state) {
  return state?.page === "lesson" && typeof state.lesson === "string"
    && Number.isInteger(state.step) && state.step >= 1;
}

/** Where a following student goes for the teacher's `state`, in her own language. */
export function followUrl(state, lang) {
  if (isLessonState(state)) {
    return `/lessons/${encodeURIComponent(state.lesson)}?step=${state.step}&lang=${lang}`;
  }
  const page = CLASS_PAGES.includes(state?.page) ? state.page : "surface";
  const query = typeof state?.query === "string" ? sharedQuery(state.query) : "";
  return `/${page}?${query ? `${query}&` : ""}lang=${lang}`;
}

/** Whether the page at `path` + `search` already shows the teacher's `state` (on a lesson: its
 * step; the instrument's own link is the player's to follow). */
export function showsState(state, path, search) {
  if (isLessonState(state)) {
    return path === `/lessons/${encodeURIComponent(state.lesson)}`
      && new URLSearchParams(search.replace(/^\?/, "")).get("step") === String(state.step);
  }
  const page = path === "/" ? "surface" : path.replace(/^\//, "");
  return page === state?.page && sharedQuery(search) === sharedQuery(state?.query ?? "");
}

/** Whether `session` is a student who follows the teacher: her page shows the teacher's
 * stream and her player shows the teacher's state. */
export function followsTeacher(session) {
  return session?.role === "student" && Boolean(session.following);
}

/** The stream path a page should open: the room's follower stream, the teacher's stream
 * (which feeds the room) or the page's own. */
export function streamPath(path, session) {
  if (!session) return path;
  if (followsTeacher(session)) return `/ws/room/${session.code}/stream`;
  if (session.role === "teacher" && session.token) {
    return `${path}?room=${encodeURIComponent(session.code)}&token=${encodeURIComponent(session.token)}`;
  }
  return path;
}

/** The instrument pages a class follows (their state goes to the students) and whose run a
 * student can send; the labs (/activations, /init) have neither. */
export const CLASS_PAGES = ["surface", "mlp", "map"];

/** The link of a lesson's instrument frame (`path` + `search`) for the teacher to open on the
 * projector: the instrument's own page, in `lang`, without the frame's modes (embed, present). */
export function frameRunLink(path, search, lang) {
  const query = sharedQuery(search);
  return `${path}?lang=${lang}${query ? `&${query}` : ""}`;
}

/** A student's run for the teacher: the link and the final numbers of the page's experiment. */
export function runSummary(page, state, debug, link) {
  if (page === "mlp") {
    const latest = debug?.run?.latest ?? null;
    const opt = state?.experiment?.optimizer ?? {};
    return {
      page, link, optimizer: opt.optimizer ?? null, learning_rate: opt.learning_rate ?? null,
      final_loss: latest?.train_loss ?? null, test_loss: latest?.test_loss ?? null,
      epoch: latest?.epoch ?? null,
    };
  }
  if (page === "surface") {
    const runs = state?.experiment?.runs ?? [];
    const summaries = debug?.race?.states ?? [];
    let best = null;
    runs.forEach((run, i) => {
      const loss = summaries[i]?.summary?.final_loss;
      if (run.enabled !== false && typeof loss === "number" && (!best || loss < best.final_loss)) {
        best = { optimizer: run.optimizer, learning_rate: run.learning_rate ?? null, final_loss: loss };
      }
    });
    return { page, link, ...(best ?? { optimizer: null, learning_rate: null, final_loss: null }) };
  }
  return { page, link, optimizer: null, learning_rate: null, final_loss: null };
}

/** Submissions ranked for the leaderboard: lowest final loss first, runs without one last. */
export function leaderboard(submissions) {
  const loss = (s) => (typeof s.result?.final_loss === "number" ? s.result.final_loss : Infinity);
  return [...submissions].sort((a, b) => loss(a) - loss(b) || a.id - b.id);
}
