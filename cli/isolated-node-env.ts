/**
 * A Node ClientEnv with a connection pool of its own (undici Agent), so one
 * client's HTTP requests never ride on another client's keep-alive
 * connections. Then every TCP connection through the conditioner belongs to
 * exactly one client, which lets a tool attribute cuts and bytes per transport.
 */
import { EventSource, type FetchLike } from 'eventsource';
import { Agent, fetch as undiciFetch } from 'undici';
import WebSocket from 'ws';
import type { ClientEnv } from '../clients/client-env.ts';

export interface IsolatedEnv {
  env: ClientEnv;
  /** Closes the pool: idle keep-alive connections end, so the lab settles their bytes. */
  close(): Promise<void>;
}

export function isolatedNodeEnv(): IsolatedEnv {
  const agent = new Agent();
  const ownFetch = ((url: string | URL, init?: RequestInit) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  // A class, because the SSE client calls `new env.EventSource(url)`.
  class OwnPoolEventSource extends EventSource {
    constructor(url: string) {
      super(url, { fetch: ownFetch as unknown as FetchLike });
    }
  }
  return {
    env: {
      fetch: ownFetch,
      EventSource: OwnPoolEventSource as unknown as NonNullable<ClientEnv['EventSource']>,
      // ws opens one socket per WebSocket: no pool to share.
      WebSocket: WebSocket as unknown as NonNullable<ClientEnv['WebSocket']>,
      now: () => performance.timeOrigin + performance.now(),
    },
    close: () => agent.close(),
  };
}
