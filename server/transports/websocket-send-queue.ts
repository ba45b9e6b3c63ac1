/**
 * The frames waiting for one WebSocket client, held by the lab rather than in
 * the socket. The socket only ever gets more once it has taken what it had
 * ('drain'), so when a client stops reading, the backlog sits here — and a
 * slow consumer's backlog can be dropped whole, leaving the close frame (4008)
 * right behind the little the socket still holds. Queued in the socket
 * instead, the close frame waited behind 4 MiB the frozen peer never read, and
 * the forced cut discarded it: a browser saw 1006.
 */
import type { Duplex } from 'node:stream';

interface Waiting {
  frame: Buffer;
  /** Event bytes in the frame (0 for control messages), for the meter once it is written. */
  payload: number;
  /** Events in the frame (1 or 0). */
  messages: number;
}

export class WebSocketSendQueue {
  private waiting: Waiting[] = [];
  private head = 0;
  private waitingBytes = 0;
  private drainedWaiters: (() => void)[] = [];
  private stopped = false;

  /**
   * @param raw the client's TCP socket (ws's own)
   * @param written called as each frame is handed to the socket, for the meter
   * @param isOpen false once the WebSocket is closing: nothing may follow its close frame
   */
  constructor(
    private readonly raw: Duplex,
    private readonly written: (payload: number, messages: number) => void,
    private readonly isOpen: () => boolean,
  ) {
    raw.on('drain', this.flush);
  }

  /** Bytes waiting here plus those the socket holds, not yet taken by the kernel. */
  get queuedBytes(): number {
    return this.waitingBytes + this.raw.writableLength;
  }

  /** Whether the lab holds frames of this client (a control message must then queue behind them). */
  get holding(): boolean {
    return this.head < this.waiting.length;
  }

  /** Writes the frame now if the socket is not backed up, else keeps it, in order, for the next 'drain'. */
  send(frame: Buffer, payload: number, messages: number): void {
    if (this.stopped || !this.isOpen()) return;
    if (!this.holding && !this.raw.writableNeedDrain) {
      this.raw.write(frame);
      this.written(payload, messages);
      return;
    }
    this.waiting.push({ frame, payload, messages });
    this.waitingBytes += frame.length;
  }

  /** Calls `next` once nothing waits here any more (at once when nothing does). */
  whenDrained(next: () => void): void {
    if (!this.holding && !this.raw.writableNeedDrain) next();
    else this.drainedWaiters.push(next);
  }

  /** Drops every frame still waiting and sends nothing more: the socket is closing (or cut as a slow consumer). */
  stop(): void {
    this.stopped = true;
    this.waiting = [];
    this.head = 0;
    this.waitingBytes = 0;
    this.drainedWaiters = [];
    this.raw.off('drain', this.flush);
  }

  private readonly flush = (): void => {
    if (!this.isOpen()) {
      this.stop();
      return;
    }
    while (this.holding && !this.raw.writableNeedDrain && !this.stopped) {
      const next = this.waiting[this.head++] as Waiting;
      this.waitingBytes -= next.frame.length;
      this.raw.write(next.frame);
      this.written(next.payload, next.messages);
    }
    if (this.holding) return;
    this.waiting = [];
    this.head = 0;
    const waiters = this.drainedWaiters;
    this.drainedWaiters = [];
    for (const next of waiters) next();
  };
}
