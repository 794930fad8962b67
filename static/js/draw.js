/**
 * The draw scheduler every page uses: any number of `queue()` calls between two animation
 * frames give one draw, and a draw still running (Plotly is async) is never re-entered: a
 * request that comes meanwhile draws once more when it ends.
 */

export class DrawScheduler {
  /** `draw()` may be async; `frame` schedules a callback (requestAnimationFrame by default). */
  constructor(draw, { frame = (callback) => requestAnimationFrame(callback) } = {}) {
    this.draw = draw;
    this.frame = frame;
    this.queued = false;
    this.drawing = false;
    this.count = 0;
  }

  /** Ask for a draw at the next animation frame. */
  queue() {
    if (this.queued) return;
    this.queued = true;
    this.frame(() => this.run());
  }

  async run() {
    this.queued = false;
    if (this.drawing) {
      this.queue();
      return;
    }
    this.drawing = true;
    try {
      await this.draw();
      this.count += 1;
    } finally {
      this.drawing = false;
    }
  }
}
