/**
 * The bare baseline server of each transport, as scripts relative to the
 * repository root; `satisfies` makes a transport without a baseline a type error.
 */
import type { TransportName } from '../../protocol/feed-event.ts';

export const BASELINES = {
  'short-poll': 'load/baselines/short-poll.ts',
  'long-poll': 'load/baselines/long-poll.ts',
  sse: 'load/baselines/sse-stream.ts',
  websocket: 'load/baselines/ws-broadcast.ts',
} satisfies Record<TransportName, string>;
