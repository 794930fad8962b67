import assert from "node:assert/strict";
import { test } from "node:test";

import { followedPlaying } from "../../static/js/followed_player.js";

/** The state after a stream of messages, from `initial`. */
function after(messages, initial = false) {
  return messages.reduce((playing, message) => followedPlaying(message, playing), initial);
}

const frame = (playing, extra = {}) => ({ type: "frame", gen: 1, step: 1, done: false, reset: false, playing, ...extra });

test("started sets the state from the mode the teacher's run was loaded in", () => {
  assert.equal(followedPlaying({ type: "started", gen: 1, mode: "pause" }, true), false);
  assert.equal(followedPlaying({ type: "started", gen: 1, mode: "instant" }, true), false);
  assert.equal(followedPlaying({ type: "started", gen: 1, mode: "play" }, false), true);
});

test("player messages set the state; other messages keep it", () => {
  assert.equal(followedPlaying({ type: "player", gen: 1, playing: true }, false), true);
  assert.equal(followedPlaying({ type: "player", gen: 1, playing: false }, true), false);
  for (const message of [{ type: "updated", gen: 2 }, { type: "teacher_stream", path: "/ws/mlp" }]) {
    assert.equal(followedPlaying(message, true), true);
    assert.equal(followedPlaying(message, false), false);
  }
});

test("frames say whether they were sent playing; a frame without it stops only at the end", () => {
  assert.equal(followedPlaying(frame(true), false), true);
  assert.equal(followedPlaying(frame(false), true), false);
  const old = { type: "frame", gen: 1, done: false, reset: false };
  assert.equal(followedPlaying(old, true), true);
  assert.equal(followedPlaying({ ...old, done: true }, true), false);
  assert.equal(followedPlaying({ ...old, reset: true }, true), false);
});

test("a late joiner's replay ends in the teacher's state", () => {
  const started = { type: "started", gen: 3, mode: "pause" };
  // opened paused, then played: the replay may have lost the player message to its cap
  assert.equal(after([started, frame(false), frame(true), frame(true)]), true);
  assert.equal(after([started, frame(false), { type: "player", gen: 3, playing: true }, frame(true),
    { type: "player", gen: 3, playing: false }], true), false);
  // paused at the start: Play must not read "Pause"
  assert.equal(after([started, frame(false), { type: "player", gen: 3, playing: false }], true), false);
  // played to the end
  assert.equal(after([{ ...started, mode: "play" }, frame(true), frame(false, { done: true })]), false);
});
