/**
 * Volatile feed emits, counted and announced. socket.io drops a volatile
 * packet for a socket whose transport is not writable (client.ts
 * `writeToEngine`: over polling whenever no GET is waiting, over WebSocket
 * while the previous frames are still being written), silently. Just
 * before each broadcast this asks every receiving socket the same question,
 * in the same tick, so the count is exactly what socket.io drops.
 *
 * The socket is told at its next event: a socket with drops pending that
 * can take that event (its transport writable, or the broadcast not
 * volatile) gets `dropped` `{"type":"dropped","epoch","last","count"}` and
 * then the event, both to itself alone and in that order, and is left out
 * of the broadcast. So its client counts every drop as announced before any
 * later event arrives, never as a gap; and sockets without drops pending
 * still share one broadcast, encoded once. (Announcing as soon as a polling
 * transport is writable again would answer each waiting GET with the notice
 * alone: at 500 events/s, 203 of 5,000 events got through instead of half.)
 *
 * Volatile packets are not kept for connection state recovery either: a
 * socket Socket.IO recovers after a cut is told, in one `dropped`, of the
 * volatile events of its topic after its position (`auth.since`) that the
 * ring still holds — the ones it missed while away.
 */
import type { Namespace, Socket } from 'socket.io';
import type { DroppedNotice } from '../../protocol/socket-io-features.ts';
import type { StoredEvent } from '../feed/stored-event.ts';

/** Stretches of volatile broadcasts remembered, the oldest forgotten first (each is one run of consecutive seqs). */
const STRETCHES_KEPT = 1000;

interface PendingDrops {
  epoch: string;
  last: number;
  count: number;
}

/** Counts and announces the drops of volatile feed broadcasts on one namespace (`/feed`). */
export class VolatileDrops {
  /** Sockets with drops not yet announced (a disconnected one is forgotten at its next broadcast). */
  private readonly pending = new Map<Socket, PendingDrops>();
  /** The seqs that went out as volatile broadcasts, as runs `from`–`to` per epoch. */
  private readonly stretches: { epoch: string; from: number; to: number }[] = [];

  /** @param countDrop counts one dropped event for the socket (per client, on the server's side) */
  constructor(
    private readonly space: Namespace,
    private readonly countDrop: (socket: Socket) => void,
  ) {}

  /**
   * Before the broadcast of event `seq` to `rooms` (volatile or not): counts the sockets that will not get it,
   * and returns those with drops pending that will: the caller announces them (`announce`), sends each the event
   * itself and leaves them out of the broadcast. Empty (the usual case) when nothing is pending.
   */
  beforeBroadcast(rooms: readonly string[], epoch: string, seq: number, volatile: boolean): Socket[] {
    if (volatile) this.remember(epoch, seq);
    else if (this.pending.size === 0) return [];
    const served: Socket[] = [];
    const seen = new Set<string>();
    for (const room of rooms) {
      for (const id of this.space.adapter.rooms.get(room) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const socket = this.space.sockets.get(id);
        if (!socket) continue;
        if (volatile && !socket.conn.transport.writable) this.noteDrop(socket, epoch, seq);
        else if (this.pending.has(socket)) served.push(socket);
      }
    }
    for (const socket of this.pending.keys()) if (!socket.connected) this.pending.delete(socket);
    return served;
  }

  /** Sends the socket its pending drops as one `dropped` notice (before the caller sends it the next event). */
  announce(socket: Socket): void {
    const drops = this.pending.get(socket);
    if (!drops) return;
    this.pending.delete(socket);
    const notice: DroppedNotice = { type: 'dropped', ...drops };
    socket.emit('dropped', notice);
  }

  /**
   * A socket Socket.IO recovered: `missed` are the ring's events after its position (the volatile ones among them
   * never reached it, nor Socket.IO's store); those of its `topic` (null: every topic) are announced as dropped.
   */
  afterRecovery(socket: Socket, epoch: string, missed: readonly StoredEvent[], topic: string | null): void {
    let count = 0;
    let last = 0;
    // Both in seq order: one walk through each.
    const stretches = this.stretches.filter((s) => s.epoch === epoch);
    let at = 0;
    for (const stored of missed) {
      while (at < stretches.length && (stretches[at]?.to ?? 0) < stored.seq) at++;
      const stretch = stretches[at];
      if (!stretch || stretch.from > stored.seq) continue;
      if (topic !== null && stored.topic !== topic) continue;
      count++;
      last = stored.seq;
    }
    if (count === 0) return;
    const notice: DroppedNotice = { type: 'dropped', epoch, last, count };
    socket.emit('dropped', notice);
  }

  private noteDrop(socket: Socket, epoch: string, seq: number): void {
    this.countDrop(socket);
    const drops = this.pending.get(socket);
    if (drops && drops.epoch === epoch) {
      drops.last = seq;
      drops.count++;
    } else {
      // A drop of an earlier epoch no longer matters: the epoch's reset already told the client.
      this.pending.set(socket, { epoch, last: seq, count: 1 });
    }
  }

  private remember(epoch: string, seq: number): void {
    const newest = this.stretches.at(-1);
    if (newest && newest.epoch === epoch && newest.to === seq - 1) newest.to = seq;
    else this.stretches.push({ epoch, from: seq, to: seq });
    if (this.stretches.length > STRETCHES_KEPT) this.stretches.shift();
  }
}
