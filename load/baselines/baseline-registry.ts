/**
 * The bare baseline server of each transport, as scripts relative to the
 * repository root; typed as the full map, a transport without a baseline is a type error here.
 */
import type { TransportName } from '../../protocol/feed-event.ts';

export const BASELINES: Record<TransportName, string> = {
  'short-poll': 'load/baselines/short-poll.ts',
  'long-poll': 'load/baselines/long-poll.ts',
  sse: 'load/baselines/sse-stream.ts',
  websocket: 'load/baselines/ws-broadcast.ts',
  'socket-io': 'load/baselines/socket-io-broadcast.ts',
};
