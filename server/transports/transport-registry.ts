/**
 * The lab's side of each transport: its Fastify plugin, and how the wire
 * inspector splits one of its events (each in the transport's own files).
 * Adding a transport is one file here and one line below;
 * what both sides share is its record in protocol/transport-records.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { TransportName } from '../../protocol/feed-event.ts';
import type { EventSplitter } from '../meter/wire-parts.ts';
import { longPollTransport } from './long-poll.ts';
import { splitPollAnswerEvent } from './poll-answer.ts';
import { shortPollTransport } from './short-poll.ts';
import { socketIoTransport, splitSocketIoEvent } from './socket-io.ts';
import { splitSseEvent, sseTransport } from './sse.ts';
import type { TransportContext } from './transport-context.ts';
import { websocketTransport } from './websocket.ts';
import { splitWebSocketEvent } from './websocket-frame.ts';

export type TransportPlugin = (app: FastifyInstance, context: TransportContext) => Promise<void>;

export interface ServerTransport {
  plugin: TransportPlugin;
  splitEvent: EventSplitter;
}

export const TRANSPORTS: Record<TransportName, ServerTransport> = {
  'short-poll': { plugin: shortPollTransport, splitEvent: splitPollAnswerEvent },
  'long-poll': { plugin: longPollTransport, splitEvent: splitPollAnswerEvent },
  sse: { plugin: sseTransport, splitEvent: splitSseEvent },
  websocket: { plugin: websocketTransport, splitEvent: splitWebSocketEvent },
  'socket-io': { plugin: socketIoTransport, splitEvent: splitSocketIoEvent },
};

/** Each transport's event splitter, for the wire inspector. */
export function eventSplitters(): Record<TransportName, EventSplitter> {
  return Object.fromEntries(
    Object.entries(TRANSPORTS).map(([name, transport]) => [name, transport.splitEvent]),
  ) as Record<TransportName, EventSplitter>;
}
