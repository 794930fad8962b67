import assert from "node:assert/strict";
import { test } from "node:test";

import {
  followsTeacher, followUrl, frameRunLink, isLessonState, leaderboard, readSession, runSummary, sharedQuery, showsState, streamPath, writeSession,
} from "../../static/js/room_session.js";

function memoryStorage() {
  const items = new Map();
  return {
    getItem: (k) => (items.has(k) ? items.get(k) : null),
    setItem: (k, v) => items.set(k, String(v)),
    removeItem: (k) => items.delete(k),
  };
}

test("the session lives in the tab's storage and a broken one reads as none", () => {
  const storage = memoryStorage();
  assert.equal(readSession(storage), null);
  writeSession({ code: "K7P2QD", role: "teacher", token: "s3cret" }, storage);
  assert.deepEqual(readSession(storage), { code: "K7P2QD", role: "teacher", token: "s3cret" });
  storage.setItem("descenso.room", "{not json");
  assert.equal(readSession(storage), null);
  writeSession(null, storage);
  assert.equal(readSession(storage), null);
});

test("the shared link leaves out the viewer's language and modes", () => {
  assert.equal(sharedQuery("?lang=es&f=beale&present=1&n=20&embed=1"), "f=beale&n=20");
  assert.equal(followUrl({ page: "mlp", query: "lang=en&o.lr=0.1" }, "es"), "/mlp?o.lr=0.1&lang=es");
  assert.equal(followUrl({ page: "evil.com", query: "" }, "en"), "/surface?lang=en");
  assert.ok(showsState({ page: "surface", query: "f=beale" }, "/", "?lang=es&f=beale"));
  assert.ok(!showsState({ page: "mlp", query: "f=beale" }, "/surface", "?f=beale"));
  assert.ok(!showsState({ page: "surface", query: "f=beale" }, "/surface", "?f=booth"));
});

test("a lesson state takes a student to the lesson's step, in her language", () => {
  const state = { page: "lesson", lesson: "gradient-descent", step: 2 };
  assert.ok(isLessonState(state));
  assert.ok(!isLessonState({ page: "lesson", lesson: "x", step: "2" }));
  assert.equal(followUrl(state, "en"), "/lessons/gradient-descent?step=2&lang=en");
  assert.equal(followUrl({ ...state, lesson: "../x?y" }, "es"), "/lessons/..%2Fx%3Fy?step=2&lang=es");
  assert.ok(showsState(state, "/lessons/gradient-descent", "?lang=es&step=2&present=1"));
  assert.ok(!showsState(state, "/lessons/gradient-descent", "?lang=es&step=3"));
  assert.ok(!showsState(state, "/lessons/momentum", "?step=2"));
  assert.ok(!showsState({ page: "surface", query: "" }, "/lessons/gradient-descent", "?step=2"));
});

test("streams: a following student reads the room's, the teacher's feeds it, the token never in a student's", () => {
  assert.equal(streamPath("/ws/mlp", null), "/ws/mlp");
  assert.equal(streamPath("/ws/mlp", { code: "K7P2QD", role: "student", following: true }),
    "/ws/room/K7P2QD/stream");
  assert.equal(streamPath("/ws/mlp", { code: "K7P2QD", role: "student", following: false }), "/ws/mlp");
  assert.equal(streamPath("/ws/surface", { code: "K7P2QD", role: "teacher", token: "a+b" }),
    "/ws/surface?room=K7P2QD&token=a%2Bb");
});

test("a run's summary: the MLP's last epoch, the surface's best enabled run", () => {
  const mlp = runSummary("mlp", { experiment: { optimizer: { optimizer: "adam", learning_rate: 0.01 } } },
    { run: { latest: { epoch: 30, train_loss: 0.2, test_loss: 0.3 } } }, "/mlp?x");
  assert.deepEqual(mlp, { page: "mlp", link: "/mlp?x", optimizer: "adam", learning_rate: 0.01,
    final_loss: 0.2, test_loss: 0.3, epoch: 30 });
  const state = { experiment: { runs: [
    { optimizer: "sgd", learning_rate: 0.001 }, { optimizer: "adam", learning_rate: 0.05 },
    { optimizer: "lion", learning_rate: 0.1, enabled: false }] } };
  const debug = { race: { states: [{ summary: { final_loss: 0.5 } }, { summary: { final_loss: 0.01 } },
    { summary: { final_loss: 0.0001 } }] } };
  assert.deepEqual(runSummary("surface", state, debug, "/surface?y"),
    { page: "surface", link: "/surface?y", optimizer: "adam", learning_rate: 0.05, final_loss: 0.01 });
});

test("the leaderboard ranks by final loss, runs without one last", () => {
  const rows = leaderboard([{ id: 1, result: {} }, { id: 2, result: { final_loss: 0.3 } },
    { id: 3, result: { final_loss: 0.1 } }]);
  assert.deepEqual(rows.map((r) => r.id), [3, 2, 1]);
});

test("a lesson's instrument sends its own page's link, without the frame's modes", () => {
  assert.equal(frameRunLink("/surface", "?lang=en&f=quadratic&r0.lr=0.01&embed=1&present=1", "es"),
    "/surface?lang=es&f=quadratic&r0.lr=0.01");
  assert.equal(frameRunLink("/mlp", "?embed=1", "en"), "/mlp?lang=en");
});

test("only a student who follows the teacher follows her player", () => {
  assert.equal(followsTeacher({ code: "K7P2QD", role: "student", following: true }), true);
  assert.equal(followsTeacher({ code: "K7P2QD", role: "student", following: false }), false);
  assert.equal(followsTeacher({ code: "K7P2QD", role: "teacher", token: "t", following: true }), false);
  assert.equal(followsTeacher(null), false);
});
