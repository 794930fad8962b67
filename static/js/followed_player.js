/**
 * The teacher's play state as a following student's page reads it from the teacher's stream
 * (room_stream.py): `started` carries the mode the run was loaded in ("play", "pause" or
 * "instant"), every `frame` says whether it was sent `playing` (false on the one that ends the
 * run), and `{"type": "player", "playing"}` follows each play, pause, step, reset and start of
 * hers. The latest of them is the state, so a student who joins late (the stream since the last
 * `started` is replayed to her) ends in the teacher's state too.
 */

/** Whether the teacher's player plays after `message`; `current` when the message says nothing of it. */
export function followedPlaying(message, current) {
  if (message.type === "started") return message.mode === "play";
  if (message.type === "player") return message.playing === true;
  if (message.type === "frame") {
    if (typeof message.playing === "boolean") return message.playing;
    return message.done || message.reset ? false : current;
  }
  return current;
}
