/**
 * An event as the server keeps it: serialized once at publish, so fan-out to
 * thousands of clients copies bytes and never re-runs JSON.stringify, and every
 * transport embeds the identical payload bytes.
 */
import { bytesToBase64, encodeBinaryEvent } from '../../protocol/binary-envelope.ts';
import type { EventOrigin, FeedEvent, TransportName } from '../../protocol/feed-event.ts';

/** Only bytes are kept: the event object itself is garbage once serialized (the ring may hold 100,000). */
export interface StoredEvent {
  readonly seq: number;
  /** The event's topic, for transports that deliver one topic only (a Socket.IO room). */
  readonly topic: string;
  /** The event's JSON, the payload of every text transport. */
  readonly json: Buffer;
  /** For binary events: the WebSocket binary frame's body (see protocol/binary-envelope.ts). */
  readonly binary: Buffer | null;
  /** A transport's ready-made wire bytes for this event (SSE chunk, WebSocket frame), built by the first sender and shared by the rest. */
  readonly encoded: Partial<Record<TransportName, Buffer>>;
}

/**
 * A copy in memory of its own. Small Buffers are slices of shared 8 KB pool
 * slabs, and one kept slice keeps its whole slab alive: an event kept in the
 * ring for minutes would pin ~8 KB of transient allocations with it (the soak
 * showed ~7 KB per event). Kept bytes therefore get their own allocation.
 */
export function ownedBuffer(bytes: Uint8Array): Buffer {
  const owned = Buffer.allocUnsafeSlow(bytes.length);
  owned.set(bytes);
  return owned;
}

export type EventBody = { topic: string; data: unknown } | { topic: string; binary: Uint8Array };

export function storeEvent(epoch: string, seq: number, t: number, body: EventBody, origin?: EventOrigin): StoredEvent {
  const meta = { epoch, seq, t, topic: body.topic, ...(origin ? { origin } : {}) };
  if ('binary' in body) {
    const event: FeedEvent = { ...meta, data: bytesToBase64(body.binary), encoding: 'base64' };
    return {
      seq,
      topic: body.topic,
      json: ownedBuffer(Buffer.from(JSON.stringify(event))),
      binary: ownedBuffer(encodeBinaryEvent(meta, body.binary)),
      encoded: {},
    };
  }
  const event: FeedEvent = { ...meta, data: body.data };
  return { seq, topic: body.topic, json: ownedBuffer(Buffer.from(JSON.stringify(event))), binary: null, encoded: {} };
}
