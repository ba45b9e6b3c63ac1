/**
 * The transports the lab serves, one Fastify plugin each. Adding a transport
 * (Socket.IO is next) is one file here, one line below and one client class.
 */
import type { FastifyInstance } from 'fastify';
import type { TransportName } from '../../protocol/feed-event.ts';
import { longPollTransport } from './long-poll.ts';
import { shortPollTransport } from './short-poll.ts';
import { sseTransport } from './sse.ts';
import type { TransportContext } from './transport-context.ts';
import { websocketTransport } from './websocket.ts';

export type TransportPlugin = (app: FastifyInstance, context: TransportContext) => Promise<void>;

export const TRANSPORTS = {
  'short-poll': shortPollTransport,
  'long-poll': longPollTransport,
  sse: sseTransport,
  websocket: websocketTransport,
} satisfies Record<TransportName, TransportPlugin>;
