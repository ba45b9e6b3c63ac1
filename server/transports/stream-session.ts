/**
 * The life of one stream, the same for every streaming transport (SSE,
 * WebSocket): hello with the client's position → a reset if it cannot resume
 * → its backlog at the pace its socket takes (backlog-replay.ts) → the live
 * feed → a reset when the feed's epoch changes → a heartbeat → ended by the
 * lab's shutdown (`closers`) or by the client. A transport supplies only how
 * its bytes go out (a `StreamChannel`).
 */
import type { ResetReason } from '../../protocol/feed-event.ts';
import type { ResumePoint } from '../feed/feed.ts';
import type { StoredEvent } from '../feed/stored-event.ts';
import { replayBacklog } from './backlog-replay.ts';
import type { TransportContext } from './transport-context.ts';

/** How one transport's stream sends, and how far its socket is behind. */
export interface StreamChannel {
  isOpen(): boolean;
  /** Bytes written but not yet taken by the kernel. */
  queuedBytes(): number;
  /** Calls `next` once the queue has emptied. */
  whenDrained(next: () => void): void;
  sendEvent(stored: StoredEvent): void;
  sendHello(epoch: string, next: number): void;
  sendReset(epoch: string, next: number, reason: ResetReason): void;
  /** Keeps an idle stream (and the proxies on its way) alive; called every `heartbeatEveryMs`. */
  heartbeat(): void;
  heartbeatEveryMs: number;
  /** Ends the stream gracefully on the lab's shutdown (SSE's last chunk, WebSocket's 1001). */
  goAway(): void;
  /** Optional: hold the first writes (hello, reset, the start of the backlog) to leave in as few packets as possible. */
  cork?(): void;
  uncork?(): void;
}

/**
 * Starts the stream's session; call the returned function once its socket has closed.
 * @param point where the client asked to resume (`since`, `epoch`), or from now
 */
export function startStreamSession(
  { feed, options, closers }: Pick<TransportContext, 'feed' | 'options' | 'closers'>,
  point: ResumePoint,
  channel: StreamChannel,
): () => void {
  const start = feed.resume(point, 0);
  const position = start.reset ? start.next : (point.since ?? start.next);
  let unsubscribe = (): void => {};
  let stopOnEpoch = (): void => {};

  channel.cork?.();
  channel.sendHello(feed.epoch, position);
  if (start.reset) channel.sendReset(feed.epoch, start.next, start.reset);
  replayBacklog(
    feed,
    position,
    feed.epoch,
    options.maxQueuedBytes / 2,
    {
      isOpen: () => channel.isOpen(),
      queuedBytes: () => channel.queuedBytes(),
      whenDrained: (next) => channel.whenDrained(next),
      send: (stored) => channel.sendEvent(stored),
      reset: (next, reason) => channel.sendReset(feed.epoch, next, reason),
    },
    () => {
      unsubscribe = feed.subscribe((stored) => channel.sendEvent(stored));
      stopOnEpoch = feed.onEpoch(() => channel.sendReset(feed.epoch, feed.newestSeq, 'foreign-epoch'));
    },
  );
  channel.uncork?.();

  const heartbeat = setInterval(() => channel.heartbeat(), channel.heartbeatEveryMs);
  const goAway = (): void => channel.goAway();
  closers.add(goAway);
  return () => {
    unsubscribe();
    stopOnEpoch();
    clearInterval(heartbeat);
    closers.delete(goAway);
  };
}
