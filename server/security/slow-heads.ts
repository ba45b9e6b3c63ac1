/**
 * Slowloris: connections that trickle their request head, byte by byte, each
 * holding a socket. Node cuts a head after `headersTimeout`; on top of that,
 * a connection still sending its first head after `slowAfterMs` is a slow head,
 * and only so many are kept — per client address and in total — the oldest cut
 * first when a new connection comes. A burst of honest clients connecting at
 * once is never cut: their heads are young, and complete within milliseconds.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { asRequestObserver } from '../request-observer.ts';

export interface SlowHeadLimits {
  /** @default 2000 ms without a complete head before a connection counts as slow */
  slowAfterMs: number;
  /** @default 16 slow heads per client address (exempt addresses: no per-address limit) */
  perAddress: number;
  /** @default 256 slow heads in all, whoever sends them */
  total: number;
}

export const SLOW_HEAD_LIMITS: SlowHeadLimits = { slowAfterMs: 2000, perAddress: 16, total: 256 };

interface Pending {
  address: string;
  since: number;
}

export function limitSlowHeads(
  server: Server,
  limits: SlowHeadLimits,
  addressOf: (socket: Socket) => string,
  exempt: (address: string) => boolean,
): void {
  // Insertion order is age order: the first entries are the oldest.
  const pending = new Map<Socket, Pending>();
  const byAddress = new Map<string, Set<Socket>>();

  const forget = (socket: Socket): void => {
    const entry = pending.get(socket);
    if (!entry) return;
    pending.delete(socket);
    const sockets = byAddress.get(entry.address);
    sockets?.delete(socket);
    if (sockets?.size === 0) byAddress.delete(entry.address);
  };
  /** Cuts the oldest of `sockets` while more than `max` of them are slow (age order: the slow ones come first). */
  const cutOldest = (sockets: Iterable<Socket>, max: number, now: number): void => {
    const slow: Socket[] = [];
    for (const socket of sockets) {
      if (now - (pending.get(socket)?.since ?? now) < limits.slowAfterMs) break;
      slow.push(socket);
    }
    for (const socket of slow.slice(0, Math.max(0, slow.length - max))) {
      forget(socket);
      socket.destroy();
    }
  };

  server.on('connection', (socket: Socket) => {
    const now = performance.now();
    const address = addressOf(socket);
    pending.set(socket, { address, since: now });
    const sockets = byAddress.get(address) ?? new Set<Socket>();
    byAddress.set(address, sockets);
    sockets.add(socket);
    socket.once('close', () => forget(socket));
    if (!exempt(address)) cutOldest(sockets, limits.perAddress, now);
    if (pending.size > limits.total) cutOldest(pending.keys(), limits.total, now);
  });
  // An observer: a transport that answers its own path (engine.io) must not hide its heads from this limit.
  const headDone = asRequestObserver((request: { socket: Socket }): void => forget(request.socket));
  server.on('request', headDone);
  server.on('upgrade', headDone);
}
