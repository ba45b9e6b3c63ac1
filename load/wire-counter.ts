/**
 * Counts the bytes that crossed the virtual clients' own sockets, on the
 * client side: an independent check of the lab's meter, which counts the same
 * connections from the server side. After every socket has closed, both must
 * agree to the byte.
 */
import type { Socket } from 'node:net';

/** Bytes per direction: `up` client → server (written), `down` server → client (read). */
export interface WireBytes {
  up: number;
  down: number;
}

export class WireCounter {
  private closedUp = 0;
  private closedDown = 0;
  private closedUsed = 0;
  private readonly open = new Set<Socket>();

  /** Call with every socket the clients of one transport open, before it carries a byte. */
  track(socket: Socket): void {
    this.open.add(socket);
    socket.once('close', () => {
      this.open.delete(socket);
      this.closedUp += socket.bytesWritten;
      this.closedDown += socket.bytesRead;
      if (socket.bytesWritten > 0) this.closedUsed++;
    });
  }

  /** Everything so far: closed sockets' totals plus open sockets' current counts (bytes still queued count as written). */
  totals(): WireBytes {
    let up = this.closedUp;
    let down = this.closedDown;
    for (const socket of this.open) {
      up += socket.bytesWritten;
      down += socket.bytesRead;
    }
    return { up, down };
  }

  /**
   * TCP connections that carried a request. A pool may open a socket it never
   * uses (undici reconnects when a request is aborted): that one is not counted.
   */
  get connections(): number {
    let used = this.closedUsed;
    for (const socket of this.open) if (socket.bytesWritten > 0) used++;
    return used;
  }

  get openSockets(): number {
    return this.open.size;
  }

  /** Resolves when every tracked socket has closed, or after `timeoutMs` (ms) — whichever comes first. */
  async allClosed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.open.size === 0;
  }

  /** Ends sockets that are still open (idle keep-alive connections a pool kept). */
  destroyOpen(): void {
    for (const socket of this.open) socket.destroy();
  }
}
