/**
 * The feed's memory: the newest events in seq order, bounded both in count
 * and in bytes (a 100 KB snapshot scenario must not keep 100,000 of them).
 */
import type { StoredEvent } from './stored-event.ts';

export class EventRing {
  private readonly slots: (StoredEvent | undefined)[];
  private start = 0;
  private length = 0;
  private bytes = 0;

  /**
   * @param capacity=100000 events kept at most
   * @param maxBytes=64 MiB of event bytes kept at most (the newest event is always kept)
   */
  constructor(
    readonly capacity = 100_000,
    readonly maxBytes = 64 * 1024 * 1024,
  ) {
    this.slots = new Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** Seq of the oldest event still held, or undefined when empty. */
  get oldestSeq(): number | undefined {
    return this.slots[this.start]?.seq;
  }

  push(event: StoredEvent): void {
    if (this.length === this.capacity) this.dropOldest();
    this.slots[(this.start + this.length) % this.capacity] = event;
    this.length += 1;
    this.bytes += keptBytes(event);
    while (this.bytes > this.maxBytes && this.length > 1) this.dropOldest();
  }

  /** Events with seq > since, oldest first, at most `limit`. Seqs are consecutive, so this is an index lookup. */
  after(since: number, limit: number): StoredEvent[] {
    const oldest = this.oldestSeq;
    if (oldest === undefined) return [];
    const from = Math.max(0, since + 1 - oldest);
    const count = Math.min(limit, this.length - from);
    const out: StoredEvent[] = [];
    for (let i = 0; i < count; i++) {
      const event = this.slots[(this.start + from + i) % this.capacity];
      if (event) out.push(event);
    }
    return out;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.start = 0;
    this.length = 0;
    this.bytes = 0;
  }

  private dropOldest(): void {
    const oldest = this.slots[this.start];
    if (oldest) this.bytes -= keptBytes(oldest);
    this.slots[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.length -= 1;
  }
}

/**
 * What an event holds in memory: its JSON, its binary body, SSE's ready-made
 * chunk (about the JSON again) and WebSocket's frame (about the body again),
 * the last two built on first send.
 */
function keptBytes(event: StoredEvent): number {
  const body = event.binary?.length ?? event.json.length;
  return 2 * event.json.length + (event.binary?.length ?? 0) + body;
}
