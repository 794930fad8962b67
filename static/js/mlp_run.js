/**
 * One training as the page sees it, and the socket that feeds it.
 *
 * `TrainingStream` is the shared WebSocket client with one difference: a change that only
 * touches the optimizer (or epochs, grid, MC passes) continues the same training on the server,
 * so frames still on the wire from the previous generation belong to it and are kept.
 *
 * `Run` accumulates what the frames say: every epoch's metrics, the per-layer gradient norms of
 * each frame (the history the gradient chart draws), and the latest grid and layer statistics.
 */

import { RaceStream } from "./stream.js";

export class TrainingStream extends RaceStream {
  constructor(path, handlers) {
    super(path, handlers);
    this.continued = new Set();
  }

  accepts(gen) {
    return gen === this.gen || this.continued.has(gen);
  }

  /** Start a training (`continues`: the server will carry on the current one). */
  startRun(experiment, mode, speed, continues) {
    if (continues) this.continued.add(this.gen);
    else this.continued.clear();
    return this.start(experiment, mode, speed);
  }
}

export class Run {
  constructor(gen) {
    this.gen = gen;
    this.playing = false;
    this.clear();
  }

  clear() {
    this.epochs = [];
    this.grads = [];
    this.info = null; // {task, loss, steps_per_epoch, data, model}
    this.grid = null;
    this.mc = null;
    this.layers = null;
    this.status = "ok";
    this.divergedAt = null;
    this.done = false;
    this.revision = (this.revision ?? 0) + 1;
  }

  /** The server began a new training: its data, task and model. */
  started(message) {
    this.clear();
    this.info = {
      task: message.task, loss: message.loss, stepsPerEpoch: message.steps_per_epoch,
      data: message.data, model: message.model,
    };
  }

  addFrame(message) {
    if (message.reset) this.resetHistory();
    for (const entry of message.epochs) {
      // A step after a pause may repeat no epoch, but never go back: keep the history ordered.
      const last = this.epochs[this.epochs.length - 1];
      if (last && entry.epoch <= last.epoch) this.epochs = this.epochs.filter((e) => e.epoch < entry.epoch);
      this.epochs.push(entry);
    }
    const epoch = this.epoch;
    if (message.layers) {
      this.layers = message.layers;
      if (epoch > 0) {
        this.grads = this.grads.filter((g) => g.epoch < epoch);
        this.grads.push({ epoch, norms: message.layers.map((l) => l.grad_norm) });
      }
    }
    if (message.grid) this.grid = message.grid;
    this.mc = message.mc ?? null;
    this.status = message.status;
    this.divergedAt = message.diverged_at;
    this.done = Boolean(message.done);
    if (this.done) this.playing = false;
    this.revision += 1;
  }

  resetHistory() {
    this.epochs = [];
    this.grads = [];
    this.status = "ok";
    this.divergedAt = null;
    this.done = false;
  }

  /** The last epoch received (0 before training). */
  get epoch() {
    return this.epochs.length ? this.epochs[this.epochs.length - 1].epoch : 0;
  }

  get latest() {
    return this.epochs[this.epochs.length - 1] ?? null;
  }
}
