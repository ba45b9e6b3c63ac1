/**
 * One FeedClient class per transport. Adding a transport is one
 * client file and one line here; typed as the full map, a missing one is a type error here.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import type { FeedClient, FeedClientOptions } from './feed-client.ts';
import { LongPollClient } from './long-poll-client.ts';
import { ShortPollClient } from './short-poll-client.ts';
import { SocketIoClient } from './socket-io-client.ts';
import { SseClient } from './sse-client.ts';
import { WebSocketClient } from './websocket-client.ts';

export const FEED_CLIENTS: Record<TransportName, new (options: FeedClientOptions) => FeedClient> = {
  'short-poll': ShortPollClient,
  'long-poll': LongPollClient,
  sse: SseClient,
  websocket: WebSocketClient,
  'socket-io': SocketIoClient,
};

/** A client for `transport`, not yet started (call `start()`). */
export function createFeedClient(transport: TransportName, options: FeedClientOptions): FeedClient {
  return new FEED_CLIENTS[transport](options);
}
