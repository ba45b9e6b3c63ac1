/**
 * Volatile feed emits, counted. socket.io drops a volatile packet for a
 * socket whose transport is not writable (client.ts `writeToEngine`: over
 * polling between two GETs, over WebSocket while the previous frames are
 * still being written), silently. Just before each volatile broadcast this
 * asks every receiving socket the same question, in the same tick, so the
 * count is exactly what socket.io drops; and it tells the socket:
 * `dropped` `{"type":"dropped","epoch","last","count"}` goes out the moment
 * its transport is writable again ('ready'), after engine.io has flushed
 * what was queued and before any later event can be written — so the
 * client's tracker sees every drop as announced, never as a silent gap.
 *
 * Volatile packets are not kept for connection state recovery either: a
 * socket Socket.IO recovers after a cut is told, in one `dropped`, of the
 * volatile events of its topic after its position (`auth.since`) that the
 * ring still holds — the ones it missed while away.
 */
import type { Socket as EngineSocket } from 'engine.io';
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
  private readonly pending = new WeakMap<Socket, PendingDrops>();
  /** The seqs that went out as volatile broadcasts, as runs `from`–`to` per epoch. */
  private readonly stretches: { epoch: string; from: number; to: number }[] = [];

  /**
   * @param countDrop counts one dropped event for the socket (per client, on the server's side)
   */
  constructor(
    private readonly space: Namespace,
    private readonly countDrop: (socket: Socket) => void,
  ) {}

  /** Before a volatile broadcast of event `seq` to `rooms`: the sockets that will not get it. */
  beforeBroadcast(rooms: readonly string[], epoch: string, seq: number): void {
    this.remember(epoch, seq);
    const seen = new Set<string>();
    for (const room of rooms) {
      for (const id of this.space.adapter.rooms.get(room) ?? []) {
        if (seen.has(id)) continue;
        seen.add(id);
        const socket = this.space.sockets.get(id);
        if (!socket || socket.conn.transport.writable) continue;
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
    }
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

  private remember(epoch: string, seq: number): void {
    const newest = this.stretches.at(-1);
    if (newest && newest.epoch === epoch && newest.to === seq - 1) newest.to = seq;
    else this.stretches.push({ epoch, from: seq, to: seq });
    if (this.stretches.length > STRETCHES_KEPT) this.stretches.shift();
  }

  /** Announces the socket's drops whenever its transport (polling, then the upgraded WebSocket) becomes writable. */
  watch(socket: Socket): void {
    const conn = socket.conn as unknown as EngineSocket;
    const announce = (): void => {
      const drops = this.pending.get(socket);
      if (!drops || !socket.connected) return;
      this.pending.delete(socket);
      const notice: DroppedNotice = { type: 'dropped', ...drops };
      socket.emit('dropped', notice);
    };
    conn.transport.on('ready', announce);
    conn.on('upgrade', (transport: EngineSocket['transport']) => transport.on('ready', announce));
  }
}
