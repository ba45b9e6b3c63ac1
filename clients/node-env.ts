/**
 * The Node side of ClientEnv: Node's global fetch, the `eventsource` package
 * and the `ws` package. The only client file allowed to import Node packages.
 */
import { EventSource } from 'eventsource';
import { Agent, fetch as undiciFetch } from 'undici';
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

/**
 * A ClientEnv for the lab's HTTPS ports: fetch and EventSource through undici
 * with a connection pool of their own (`http2`: ALPN h2 offered, as browsers
 * do), WebSocket through `ws` over TLS (always HTTP/1.1). The certificate is
 * checked against `ca` (the lab's own, self-signed). `close()` ends the pool.
 */
export function nodeTlsEnv(options: { ca: string; http2: boolean }): ClientEnv & { close(): Promise<void> } {
  const agent = new Agent({ allowH2: options.http2, connect: { ca: options.ca } });
  const tlsFetch = ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  class TlsEventSource extends EventSource {
    constructor(url: string) {
      super(url, { fetch: tlsFetch });
    }
  }
  class TlsWebSocket extends WebSocket {
    constructor(url: string) {
      super(url, { ca: options.ca });
    }
  }
  return {
    fetch: tlsFetch,
    EventSource: TlsEventSource as unknown as NonNullable<ClientEnv['EventSource']>,
    WebSocket: TlsWebSocket as unknown as NonNullable<ClientEnv['WebSocket']>,
    // engine.io-client in Node speaks HTTP/1.1 over TLS (polling and WebSocket), trusting the lab's certificate.
    socketIoOptions: { ca: options.ca },
    now: () => performance.timeOrigin + performance.now(),
    close: () => agent.close(),
  };
}
