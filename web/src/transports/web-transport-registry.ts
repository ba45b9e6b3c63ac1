/**
 * The page's records, one per transport (web-transport.ts). Adding a
 * transport is one file in this folder and one line here; the full-map type
 * makes a missing one a type error here, not at every lookup.
 */
import type { TransportName } from '../../../protocol/feed-event.ts';
import { longPoll } from './long-poll.ts';
import { shortPoll } from './short-poll.ts';
import { socketIo } from './socket-io.ts';
import { sse } from './sse.ts';
import type { WebTransport } from './web-transport.ts';
import { websocket } from './websocket.ts';

export const WEB_TRANSPORTS: Record<TransportName, WebTransport> = {
  'short-poll': shortPoll,
  'long-poll': longPoll,
  sse,
  websocket,
  'socket-io': socketIo,
};
