/**
 * A resuming client's backlog, sent at the pace its socket takes it. Written
 * all at once, a long backlog (30 s at 1,000 events/s of 500 B is ~16 MB)
 * would sit in the lab's memory and pass the slow-consumer limit before the
 * client could read any of it: cut, it would resume into the same backlog
 * again. So events go out while the socket's queue is under `limitBytes`, the
 * rest after each 'drain'; once none is left, `live` runs in the same tick,
 * so no event falls between the backlog and the live feed.
 */
import type { ResetReason } from '../../protocol/feed-event.ts';
import type { Feed } from '../feed/feed.ts';
import type { StoredEvent } from '../feed/stored-event.ts';

/** Events taken from the ring at a time. */
const BATCH = 256;

export interface BacklogSink {
  isOpen(): boolean;
  /** Bytes written but not yet taken by the kernel. */
  queuedBytes(): number;
  /** Calls `next` once the queue has emptied. */
  whenDrained(next: () => void): void;
  send(stored: StoredEvent): void;
  /** The client cannot get the rest: the ring dropped it meanwhile, or the feed restarted. */
  reset(next: number, reason: ResetReason): void;
}

/**
 * @param after the last seq the client has (the backlog is every event after it)
 * @param epoch the epoch `after` belongs to
 */
export function replayBacklog(
  feed: Feed,
  after: number,
  epoch: string,
  limitBytes: number,
  sink: BacklogSink,
  live: () => void,
): void {
  let position = after;
  const pump = (): void => {
    if (!sink.isOpen()) return;
    while (sink.queuedBytes() < limitBytes) {
      const batch = feed.resume({ since: position, epoch }, BATCH);
      if (batch.reset) sink.reset(batch.next, batch.reset);
      if (batch.reset || batch.events.length === 0) {
        live();
        return;
      }
      for (const stored of batch.events) {
        sink.send(stored);
        position = stored.seq;
        if (sink.queuedBytes() >= limitBytes) break;
      }
    }
    sink.whenDrained(pump);
  };
  pump();
}
