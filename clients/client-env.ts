/**
 * The web-standard APIs a FeedClient uses, passed in rather than taken from
 * globals, so the same client code runs in the dashboard (the browser's own
 * APIs) and in the Node tools (see `node-env.ts`). Nothing here may import Node.
 */

/** What a FeedClient needs from its environment. */
export interface ClientEnv {
  /** Used by both polling transports, every HTTP upstream publish and the clock estimate. */
  fetch: typeof fetch;
  /** Needed by the `sse` transport only. */
  EventSource?: new (
    url: string,
  ) => EventSource;
  /** Needed by the `websocket` transport only. */
  WebSocket?: new (
    url: string,
  ) => WebSocket;
  /**
   * Node only, for the `socket-io` transport: options handed to socket.io-client as they are
   * (engine.io-client's `agent`, used by its polling requests and its WebSocket, and `extraHeaders`),
   * so the load generator can count its sockets and send a browser's headers. The browser leaves it out.
   */
  socketIoOptions?: { agent?: unknown; extraHeaders?: Record<string, string>; ca?: string };
  /**
   * Current time as epoch milliseconds with a sub-ms fraction, on the same
   * scale as the server's event `t` (`performance.timeOrigin + performance.now()`).
   */
  now(): number;
}

/** The browser's own APIs. Only touches `globalThis`, so importing it is harmless elsewhere. */
export function browserEnv(): ClientEnv {
  return {
    // Bound: browsers throw "Illegal invocation" when fetch is called as `env.fetch(…)`.
    fetch: globalThis.fetch.bind(globalThis),
    EventSource: globalThis.EventSource,
    WebSocket: globalThis.WebSocket,
    now: () => performance.timeOrigin + performance.now(),
  };
}
