/**
 * One FeedClient class per transport. Adding a transport (Socket.IO) is one
 * client file and one line here; `satisfies` makes a missing one a type error.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import type { FeedClient, FeedClientOptions } from './feed-client.ts';
import { LongPollClient } from './long-poll-client.ts';
import { ShortPollClient } from './short-poll-client.ts';
import { SseClient } from './sse-client.ts';
import { WebSocketClient } from './websocket-client.ts';

export const FEED_CLIENTS = {
  'short-poll': ShortPollClient,
  'long-poll': LongPollClient,
  sse: SseClient,
  websocket: WebSocketClient,
} satisfies Record<TransportName, new (options: FeedClientOptions) => FeedClient>;

/** A client for `transport`, not yet started (call `start()`). */
export function createFeedClient(transport: TransportName, options: FeedClientOptions): FeedClient {
  return new FEED_CLIENTS[transport](options);
}
