/**
 * The page's state, changed in one place. `patch(changes, meta)` merges the changes (a plain
 * object merges into a plain object one level deep; anything else replaces), writes the link,
 * and tells every subscribed panel what changed, so each panel redraws from the state.
 */

function isPlain(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export class Store {
  /**
   * `state`: the initial state; `link(state)`: the link's query for a state (one loop over the
   * schema, see state.js); `write(query)`: puts it in the address bar (see page.js).
   */
  constructor(state, { link = null, write = null } = {}) {
    this.state = state;
    this.link = link;
    this.write = write;
    this.listeners = new Set();
  }

  /** Call `listener(changes, meta, state)` after every patch; returns the unsubscribe function. */
  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Merge `changes` into the state, write the link, notify the panels. */
  patch(changes, meta = {}) {
    for (const [key, value] of Object.entries(changes)) {
      if (isPlain(value) && isPlain(this.state[key])) Object.assign(this.state[key], value);
      else this.state[key] = value;
    }
    this.writeLink();
    for (const listener of [...this.listeners]) listener(changes, meta, this.state);
  }

  /** The link's query for the current state (written to the address bar when `write` is set). */
  writeLink() {
    if (!this.link) return "";
    const query = this.link(this.state);
    this.write?.(query);
    return query;
  }
}
