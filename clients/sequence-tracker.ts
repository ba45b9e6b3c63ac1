/**
 * Where a client stands in the feed (epoch and the newest seq seen), and what
 * the lab's answers did to it: gaps (a reset, an epoch change, a jump in seq),
 * the events known to be missed, and duplicates. Every transport's client
 * feeds it the same way, so these counts mean the same on all of them.
 */
import type { ControlMessage, FeedEvent, PollResponse, ResetReason } from '../protocol/feed-event.ts';

export class SequenceTracker {
  private currentEpoch: string | null = null;
  private currentSeq = 0;
  readonly counts = { gaps: 0, missed: 0, duplicates: 0, dropped: 0 };
  /**
   * The feed arrives filtered (one topic, a Socket.IO room): events keep their feed seq, so a jump skips other
   * topics' events and counts nothing. Losses still show: resets, epoch changes and announced drops.
   */
  sparse = false;

  /** @param onReset told of every reset and epoch change (each also counts a gap) */
  constructor(private readonly onReset: (reason: ResetReason | 'epoch-changed') => void) {}

  /** The feed's epoch; null before the first hello, poll answer or event. */
  get epoch(): string | null {
    return this.currentEpoch;
  }

  /** The newest seq seen (or the position a hello or reset set). */
  get seq(): number {
    return this.currentSeq;
  }

  /** One event: false for a duplicate (drop it); a jump counts a gap and the missed events. */
  accept(event: FeedEvent): boolean {
    if (this.currentEpoch === null) {
      this.moveTo(event.epoch, event.seq - 1);
    } else if (event.epoch !== this.currentEpoch) {
      this.noteReset('epoch-changed');
      this.moveTo(event.epoch, event.seq - 1);
    }
    if (event.seq <= this.currentSeq) {
      this.counts.duplicates++;
      return false;
    }
    if (!this.sparse) this.skipTo(event.seq - 1);
    this.currentSeq = event.seq;
    return true;
  }

  /** The server announced `count` events it did not send, the newest `last`: counted as dropped, never as a gap. */
  dropped(epoch: string, last: number, count: number): void {
    if (epoch !== this.currentEpoch) return;
    this.counts.dropped += count;
    if (last > this.currentSeq) this.currentSeq = last;
  }

  /** A hello or reset (an error message does not move the position). */
  control(message: Exclude<ControlMessage, { type: 'error' }>): void {
    if (message.type === 'hello') {
      if (this.currentEpoch === null) {
        this.moveTo(message.epoch, message.next);
      } else if (message.epoch !== this.currentEpoch) {
        this.noteReset('epoch-changed');
        this.moveTo(message.epoch, message.next);
      }
      // Same epoch: keep our position. Whether `next` is the resume point or the
      // head, the events that follow carry their seq, and accept() sees any jump.
      return;
    }
    this.noteReset(message.reason);
    // Within one epoch (too-old) the lost events are exactly those up to `next`.
    if (message.epoch === this.currentEpoch && message.next > this.currentSeq) {
      this.counts.missed += message.next - this.currentSeq;
    }
    this.moveTo(message.epoch, message.next);
  }

  /** Before a poll answer's events: its reset or epoch, placed just before the first event. */
  beforePollAnswer(answer: PollResponse): void {
    const first = answer.events[0];
    // With events, `next` is the last event's seq; the position before the batch is just before the first one.
    const position = first ? Math.min(answer.next, first.seq - 1) : answer.next;
    if (answer.reset) {
      this.control({ type: 'reset', epoch: answer.epoch, next: position, reason: answer.reset });
    } else if (this.currentEpoch === null) {
      this.moveTo(answer.epoch, position);
    } else if (answer.epoch !== this.currentEpoch) {
      this.noteReset('epoch-changed');
      this.moveTo(answer.epoch, position);
    }
  }

  /** After a poll answer's events: `next` is what the lab continues after; skipping ahead of what was seen loses events. */
  afterPollAnswer(answer: PollResponse): void {
    if (answer.epoch === this.currentEpoch) this.skipTo(answer.next);
  }

  private moveTo(epoch: string, seq: number): void {
    this.currentEpoch = epoch;
    this.currentSeq = seq;
  }

  /** Moves the position forward to `seq`, counting a gap and the skipped events when that skips any. */
  private skipTo(seq: number): void {
    if (seq <= this.currentSeq) return;
    this.counts.gaps++;
    this.counts.missed += seq - this.currentSeq;
    this.currentSeq = seq;
  }

  private noteReset(reason: ResetReason | 'epoch-changed'): void {
    this.counts.gaps++;
    this.onReset(reason);
  }
}
