/**
 * The Node side of ClientEnv: Node's global fetch, the `eventsource` package
 * and the `ws` package. The only client file allowed to import Node packages.
 */
import { EventSource } from 'eventsource';
import WebSocket from 'ws';
import type { ClientEnv } from './client-env.ts';

/** A ClientEnv for the CLI and the load generator. */
export function nodeEnv(): ClientEnv {
  return {
    fetch: globalThis.fetch.bind(globalThis),
    // Both packages implement the browser API the clients use (addEventListener,
    // readyState, close, send, binaryType), but their declared types are their own.
    EventSource: EventSource as unknown as NonNullable<ClientEnv['EventSource']>,
    WebSocket: WebSocket as unknown as NonNullable<ClientEnv['WebSocket']>,
    now: () => performance.timeOrigin + performance.now(),
  };
}
