/**
 * Time to resume: from the moment a client enters `reconnecting` (its
 * connection broke) until it is `open` again, derived from its state
 * changes. A reconnect that fails again stays one outage: the clock runs
 * from the first `reconnecting` until the next `open`.
 */
import type { ClientState } from '../../clients/feed-client.ts';

export class ResumeTimer {
  private since: number | null = null;
  /** The last outage's length, ms; null before the first one ended. */
  lastMs: number | null = null;

  /** @param at the time of the change, ms */
  onState(state: ClientState, at: number): void {
    if (state === 'reconnecting') {
      this.since ??= at;
    } else if (state === 'open') {
      if (this.since !== null) this.lastMs = at - this.since;
      this.since = null;
    } else {
      this.since = null; // stopped on purpose: not an outage
    }
  }

  /** How long the current outage has lasted (ms); null when there is none. */
  pendingMs(now: number): number | null {
    return this.since === null ? null : now - this.since;
  }
}
