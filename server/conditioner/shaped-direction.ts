/**
 * One direction of one proxied connection: bytes read from `source` are
 * written to `sink` late, as a real link would deliver them.
 *
 * Each piece of bytes gets two times (ms on the `performance.now()` clock):
 * - `sentAt`: when its last bit has left a link of the given bandwidth,
 *   `max(arrival, previous piece's sentAt, setup) + bits / kbps` (1 kbit/s is 1 bit per ms);
 * - `releaseAt`: when it arrives, `max(previous release, sentAt + delay + jitter sample, end of a stall)`.
 *   The max keeps bytes in order, as TCP delivers them however the packets travelled.
 * Only the piece at the head of the queue has its times worked out, and they
 * are worked out again when the settings change, so a change applies at once
 * to bytes already waiting on open connections.
 *
 * Back-pressure: when the queue passes about one bandwidth-delay product, or
 * the sink stops draining, the source socket is paused, so the proxy never
 * buffers without bound and a slow network pushes back on the lab as TCP would.
 */
import type { Socket } from 'node:net';

/** What a direction reads, live, each time it works out a piece's times. */
export interface DirectionShape {
  /** One-way delay, ms (half the added round trip). */
  delayMs: number;
  /** Upper bound of the uniformly drawn extra delay per piece, ms. */
  jitterMs: number;
  /** Bandwidth, kbit/s; 0 = unlimited. */
  kbps: number;
  /** Nothing is delivered before this `performance.now()` time: a stall. 0 = no stall. */
  stalledUntil: number;
}

export interface DirectionCounts {
  /** Bytes read from the source. */
  received: number;
  /** Bytes written to the sink (delivered). */
  forwarded: number;
  /** Bytes read but not yet delivered. */
  queued: number;
  /** The most bytes that were ever waiting at once. */
  peakQueued: number;
}

interface Piece {
  /** null marks the source's end (FIN), delivered in order after its bytes. */
  bytes: Buffer | null;
  arrivedAt: number;
  /** The jitter draw in [0, 1), kept so a re-computation does not draw again. */
  jitterDraw: number;
  sentAt?: number;
  releaseAt?: number;
}

/** Unlimited bandwidth has no bandwidth-delay product; this bounds the queue instead. */
const UNLIMITED_HIGH_WATER = 1024 * 1024;
const MIN_HIGH_WATER = 64 * 1024;
const MAX_HIGH_WATER = 8 * 1024 * 1024;
/** Pieces are cut to about this much link time, so the first bytes of a big write arrive before the last. */
const PIECE_MS = 10;
const MIN_PIECE = 1024;
const MAX_PIECE = 64 * 1024;
/** A piece due this close (ms) is delivered now rather than re-arming a timer for a fraction of a millisecond. */
const DUE_SLACK_MS = 0.25;

export class ShapedDirection {
  private readonly queue: Piece[] = [];
  private head = 0;
  private queuedBytes = 0;
  private peakQueued = 0;
  private received = 0;
  private forwarded = 0;
  /** When the link finished sending the last delivered piece. */
  private linkFreeAt = 0;
  private lastReleaseAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private sinkBlocked = false;
  private sourcePaused = false;
  private finished = false;

  /**
   * @param shape read for every piece, so live changes apply at once
   * @param notBefore `performance.now()` time before which no byte leaves (the connection's setup round trip)
   * @param refuses optional: true for bytes that must not pass (the caller answers them; nothing is queued)
   */
  constructor(
    private readonly source: Socket,
    private readonly sink: Socket,
    private readonly shape: () => DirectionShape,
    private readonly notBefore: number,
    refuses?: (bytes: Buffer) => boolean,
  ) {
    source.on('data', (bytes: Buffer) => {
      if (!refuses?.(bytes)) this.take(bytes);
    });
    source.on('end', () => this.enqueue({ bytes: null, arrivedAt: performance.now(), jitterDraw: Math.random() }));
    sink.on('drain', () => {
      this.sinkBlocked = false;
      this.pump();
    });
  }

  counts(): DirectionCounts {
    return {
      received: this.received,
      forwarded: this.forwarded,
      queued: this.queuedBytes,
      peakQueued: this.peakQueued,
    };
  }

  /** The settings (or a stall) changed: work the waiting piece's times out again. */
  reconsider(): void {
    const piece = this.queue[this.head];
    if (piece) {
      piece.sentAt = undefined;
      piece.releaseAt = undefined;
    }
    this.pump();
  }

  /** Stops all timers; nothing more is delivered. */
  dispose(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
    this.head = 0;
    this.queuedBytes = 0;
  }

  private take(bytes: Buffer): void {
    if (this.finished) return;
    this.received += bytes.length;
    const arrivedAt = performance.now();
    const { kbps } = this.shape();
    const size = kbps > 0 ? Math.min(MAX_PIECE, Math.max(MIN_PIECE, Math.round((kbps / 8) * PIECE_MS))) : bytes.length;
    for (let offset = 0; offset < bytes.length; offset += size) {
      this.enqueue({ bytes: bytes.subarray(offset, offset + size), arrivedAt, jitterDraw: Math.random() });
    }
  }

  private enqueue(piece: Piece): void {
    if (this.finished) return;
    this.queue.push(piece);
    if (piece.bytes) {
      this.queuedBytes += piece.bytes.length;
      if (this.queuedBytes > this.peakQueued) this.peakQueued = this.queuedBytes;
    }
    // A timer is already set for the head when the queue was not empty: it will reach this piece.
    if (this.queue.length - this.head === 1) this.pump();
    this.updateFlow();
  }

  /** Delivers every piece that is due, then sets one timer for the next. */
  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.finished) return;
    if (this.sink.destroyed) {
      this.dispose();
      return;
    }
    const now = performance.now();
    let corked = false;
    while (this.head < this.queue.length && !this.sinkBlocked) {
      const piece = this.queue[this.head] as Piece;
      const releaseAt = this.timesOf(piece);
      if (releaseAt > now + DUE_SLACK_MS) {
        this.timer = setTimeout(() => this.pump(), releaseAt - now);
        break;
      }
      this.head++;
      this.linkFreeAt = piece.sentAt ?? now;
      this.lastReleaseAt = releaseAt;
      if (piece.bytes === null) {
        this.finished = true;
        this.sink.end();
        break;
      }
      if (!corked) {
        this.sink.cork();
        corked = true;
      }
      this.queuedBytes -= piece.bytes.length;
      this.forwarded += piece.bytes.length;
      if (!this.sink.write(piece.bytes)) this.sinkBlocked = true;
    }
    if (corked) this.sink.uncork();
    this.compact();
    this.updateFlow();
  }

  /** The piece's `releaseAt`, working out both its times from the current settings when not known yet. */
  private timesOf(piece: Piece): number {
    if (piece.releaseAt !== undefined) return piece.releaseAt;
    const { delayMs, jitterMs, kbps, stalledUntil } = this.shape();
    const start = Math.max(piece.arrivedAt, this.linkFreeAt, this.notBefore);
    const bits = piece.bytes ? piece.bytes.length * 8 : 0;
    const sentAt = start + (kbps > 0 ? bits / kbps : 0);
    piece.sentAt = sentAt;
    piece.releaseAt = Math.max(this.lastReleaseAt, sentAt + delayMs + piece.jitterDraw * jitterMs, stalledUntil);
    return piece.releaseAt;
  }

  /** Pauses the source while the queue is full or the sink is not draining; resumes it below half. */
  private updateFlow(): void {
    if (this.source.destroyed) return;
    const highWater = this.highWater();
    if (!this.sourcePaused && (this.sinkBlocked || this.queuedBytes >= highWater)) {
      this.sourcePaused = true;
      this.source.pause();
    } else if (this.sourcePaused && !this.sinkBlocked && this.queuedBytes <= highWater / 2) {
      this.sourcePaused = false;
      this.source.resume();
    }
  }

  /** About one bandwidth-delay product (plus slack): what a TCP window would let be in flight. */
  private highWater(): number {
    const { delayMs, jitterMs, kbps } = this.shape();
    if (kbps === 0) return UNLIMITED_HIGH_WATER;
    const inFlight = (kbps / 8) * (delayMs + jitterMs + 50);
    return Math.min(MAX_HIGH_WATER, Math.max(MIN_HIGH_WATER, inFlight + MIN_HIGH_WATER));
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    } else if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
  }
}
