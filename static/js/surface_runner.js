/**
 * Running the surface race: the page opens at step 0, paused, ready to play (a class watches the
 * runs leave their start); every committed change after that re-runs it at once in "instant"
 * mode (a slider drag is debounced; a release is not) unless it is playing, "to the end" finishes
 * it instantly, the race cache reuses unchanged runs, frames
 * fill the race, and the player plays, pauses, steps and resets it (a following student's player
 * shows the teacher's state, followed_player.js). The timings of the last
 * committed change (change → drawn) go to the debug handle for the tests and the benchmark.
 */

import { followedPlaying } from "./followed_player.js";
import { showPlayer } from "./player.js";
import { Race, RaceCache } from "./race.js";
import { readSession } from "./room_session.js";
import { RaceStream } from "./stream.js";

const INPUT_DEBOUNCE_MS = 60;

export class SurfaceRunner {
  /**
   * `store` holds `{experiment, view}`; `on.started(message)`, `on.frame()`, `on.errors(list)`
   * are the page's panels; `debug` is the page's debug handle.
   */
  constructor({ store, debug, on }) {
    this.store = store;
    this.debug = debug;
    this.on = on;
    this.cache = new RaceCache();
    this.race = new Race();
    this.timer = 0;
    this.opened = false;
    this.timing = null; // {at, gen, received, drawStart} of the last committed change
    this.stream = new RaceStream("/ws/surface", {
      onMessage: (message) => this.receive(message),
      onOpen: (resent) => { if (!resent) this.open(); },
    });
    Object.defineProperty(debug, "race", { get: () => this.race });
    Object.assign(debug, { lastDrawMs: null, draws: [], errors: [] });
  }

  get experiment() {
    return this.store.state.experiment;
  }

  /** A change was made: re-run now (`commit`) or once the slider rests. */
  changed(commit) {
    clearTimeout(this.timer);
    if (commit) {
      this.timing = { at: performance.now() };
      performance.mark("descenso:change");
      this.rerun();
    } else {
      this.timer = setTimeout(() => this.rerun(), INPUT_DEBOUNCE_MS);
    }
  }

  /** The first race of the page waits at step 0; after a reconnection the race is re-run. */
  open() {
    if (this.opened) this.rerun();
    else this.start("pause");
    this.opened = true;
  }

  /** Re-run after a change: instantly, or keep animating if the race was playing. */
  rerun() {
    clearTimeout(this.timer);
    this.start(this.race.playing ? "play" : "instant");
  }

  start(mode) {
    // A teacher in a class sends whole races: her followers have no cache to fill the rest from.
    if (readSession()?.role === "teacher") this.cache.forget();
    const plan = this.cache.plan(this.experiment, mode);
    const gen = this.stream.start(plan.experiment, mode, this.store.state.view.speed);
    this.debug.gen = gen;
    if (this.timing && this.timing.gen === undefined) this.timing.gen = gen;
    this.race = new Race({ gen, mode, keys: plan.keys, reuse: plan.reuse, previous: this.race });
    this.showPlayer();
  }

  receive(message) {
    if (message.type === "started" && this.stream.following()) {
      // a following student draws the teacher's new race from its first frame on, in its mode
      this.race = new Race({ gen: message.gen, mode: message.mode ?? "play", previous: this.race });
      this.debug.gen = message.gen;
    }
    const race = this.race;
    if (message.type === "started") {
      race.start = message.start;
      race.total = message.steps;
      this.on.started(message);
    } else if (message.type === "frame") {
      if (this.timing && this.timing.gen === race.gen && message.done) this.timing.received = performance.now();
      race.addFrame(message);
      if (message.done) this.cache.remember(race);
      this.on.frame();
    } else if (message.type === "error" || message.type === "busy") {
      const errors = message.errors || [message]; // busy: {code: "ws.busy"}
      this.cache.forget();
      this.debug.errors.push(...errors);
      race.playing = false;
      this.on.errors(errors);
      this.showPlayer();
    }
    if (this.stream.following()) {
      // the teacher's play state, told by her stream (her own page keeps its own)
      race.playing = followedPlaying(message, race.playing);
      if (message.type === "player") this.showPlayer();
    }
  }

  /** Whether the draw about to start shows the committed change's complete race. */
  drawStarts(gen, done) {
    const timed = Boolean(this.timing && this.timing.gen === gen && done);
    if (timed) this.timing.drawStart = performance.now();
    return timed;
  }

  /** The trajectories of the committed change are on screen: record how long it took. */
  drawn() {
    const now = performance.now();
    const { debug, timing } = this;
    debug.lastDrawMs = now - timing.at;
    debug.lastServerMs = (timing.received ?? timing.at) - timing.at;
    debug.lastPaintMs = now - timing.drawStart;
    debug.draws.push(debug.lastDrawMs);
    performance.measure("descenso:change-to-draw", "descenso:change");
    this.timing = null;
  }

  showPlayer() {
    const race = this.race;
    showPlayer({ playing: race.playing, step: race.step, total: race.total ?? this.experiment.steps });
  }

  togglePlay() {
    const race = this.race;
    if (race.playing) {
      this.stream.pause();
      race.playing = false;
    } else if (race.done || race.mode === "instant") {
      this.start("play");
    } else {
      this.stream.play();
      race.playing = true;
    }
    this.showPlayer();
  }

  /** Run the rest of the race at once ("to the end"); a finished race stays as it is. */
  finish() {
    if (this.race.done && this.race.mode === "instant") return;
    this.start("instant");
  }

  stepOnce() {
    if (this.race.done || this.race.mode === "instant") this.start("pause");
    this.race.playing = false;
    this.stream.step(1);
    this.showPlayer();
  }

  reset() {
    this.race.playing = false;
    this.race.mode = "pause";
    this.stream.reset();
    this.showPlayer();
  }

}
