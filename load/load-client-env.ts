/**
 * The ClientEnv virtual clients run on: a lean fetch over undici (see
 * lean-fetch.ts for why not WHATWG fetch), the `eventsource` package and `ws`
 * — the libraries of `clients/node-env.ts` — wrapped so that every request
 * carries the chosen header set (see browser-headers.ts) and every socket is
 * counted on the client side (see wire-counter.ts).
 *
 * One LoadEnv per transport and worker: each has its own connection pool, so
 * a transport's connections and bytes stay its own, as on the lab's meter.
 * Over TLS (`tls`, `npm run load -- --http2`) the HTTP transports offer ALPN h2
 * and the counter counts the TCP socket under each TLS one: the wire, as the
 * lab's meter does.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { EventSource, type FetchLike } from 'eventsource';
import { Agent, buildConnector } from 'undici';
import WebSocket from 'ws';
import type { ClientEnv } from '../clients/client-env.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { type HeaderSetName, type RequestKind, requestHeaders } from './browser-headers.ts';
import { leanFetch } from './lean-fetch.ts';
import { loadRunKeyHeader } from './load-run-key.ts';
import { WireCounter } from './wire-counter.ts';

export interface LoadEnv {
  env: ClientEnv;
  /** Client-side byte counts of this transport's sockets. */
  wire: WireCounter;
  /** Closes the connection pool: idle keep-alive sockets end, so the lab settles their bytes. */
  close(): Promise<void>;
}

/** Concurrent requests on one HTTP/2 connection when `multiplex` is asked for (the lab's server allows 100). */
const H2_STREAMS_PER_CONNECTION = 100;

/**
 * @param labUrl the lab's base URL; its origin plays the page the browser would be on (Origin, Referer)
 * @param secure over TLS: the certificate to trust, and `multiplex` (default false) to send concurrent
 *   requests as streams of one HTTP/2 connection, as a browser does — undici otherwise opens a connection
 *   per concurrent request (its `pipelining`, 1 by default, caps streams too). Only for a port that
 *   speaks HTTP/2: on an HTTP/1.1 connection the same setting would pipeline.
 */
export function createLoadEnv(
  transport: TransportName,
  headerSet: HeaderSetName,
  labUrl: string,
  secure: { ca: string; multiplex?: boolean } | null = null,
): LoadEnv {
  const origin = new URL(labUrl).origin;
  const wire = new WireCounter();
  const now = (): number => performance.timeOrigin + performance.now();

  // A TCP connection the counter tracks (over TLS, the TCP socket under the TLS one): ws and
  // engine.io-client open theirs through http.request's createConnection.
  const countedConnect = ((options: net.NetConnectOpts & tls.ConnectionOptions) => {
    if (!secure) {
      const socket = net.connect(options);
      wire.track(socket);
      return socket;
    }
    const raw = net.connect({ host: options.host ?? '127.0.0.1', port: Number(options.port) });
    wire.track(raw);
    return tls.connect({ ...options, socket: raw, ca: secure.ca });
  }) as typeof net.createConnection;

  const { clientApi } = TRANSPORT_RECORDS[transport];
  if (clientApi === 'WebSocket') {
    // A run the lab started carries its key, for its own upstream budget (see load-run-key.ts).
    const extra = { ...requestHeaders(headerSet, 'websocket-upgrade', origin), ...loadRunKeyHeader() };
    const browserLike = headerSet !== 'node';
    // A class, because the FeedClient calls `new env.WebSocket(url)` and reads OPEN etc. from instances.
    class CountedWebSocket extends WebSocket {
      constructor(url: string) {
        super(url, {
          headers: extra,
          ...(browserLike ? { origin } : {}),
          createConnection: countedConnect,
        });
      }
    }
    return {
      env: { fetch: unusedFetch, WebSocket: CountedWebSocket as unknown as NonNullable<ClientEnv['WebSocket']>, now },
      wire,
      close: async () => {},
    };
  }

  if (clientApi === 'socket.io-client') {
    // engine.io-client opens every polling request and its WebSocket through this agent: each socket counted.
    const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    agent.createConnection = countedConnect as unknown as typeof agent.createConnection;
    const extraHeaders = { ...requestHeaders(headerSet, 'fetch-get', origin), ...loadRunKeyHeader() };
    return {
      env: { fetch: unusedFetch, socketIoOptions: { agent, extraHeaders }, now },
      wire,
      close: async () => agent.destroy(),
    };
  }

  const tlsSockets = new Set<tls.TLSSocket>();
  const connector = secure ? tlsConnector(secure.ca, wire, tlsSockets) : buildConnector({});
  const agent = new Agent({
    allowH2: secure !== null,
    ...(secure?.multiplex ? { pipelining: H2_STREAMS_PER_CONNECTION } : {}),
    // Long polls and SSE streams each hold a connection for minutes: no idle cut while they wait.
    keepAliveTimeout: 30_000,
    bodyTimeout: 0,
    headersTimeout: 0,
    connect: (options, callback) => {
      connector(options, (error, socket) => {
        // Over TLS the connector tracked the TCP socket under it already.
        if (socket && !secure) wire.track(socket as net.Socket);
        if (error) callback(error, null);
        else callback(null, socket as net.Socket);
      });
    },
  });
  const kindOf = (init: RequestInit | undefined): RequestKind =>
    (init?.method ?? 'GET').toUpperCase() === 'GET' ? 'fetch-get' : 'fetch-post';
  const runKey = loadRunKeyHeader();
  const pollFetch = leanFetch(
    agent,
    (init) => {
      const kind = kindOf(init);
      return kind === 'fetch-post'
        ? { ...requestHeaders(headerSet, kind, origin), ...runKey }
        : requestHeaders(headerSet, kind, origin);
    },
    secure?.multiplex ?? false,
  );
  const env: ClientEnv = { fetch: pollFetch as unknown as typeof fetch, now };
  if (clientApi === 'EventSource') {
    const streamFetch = leanFetch(
      agent,
      () => requestHeaders(headerSet, 'event-source', origin),
      secure?.multiplex ?? false,
    );
    class CountedEventSource extends EventSource {
      constructor(url: string) {
        super(url, { fetch: streamFetch as unknown as FetchLike });
      }
    }
    env.EventSource = CountedEventSource as unknown as NonNullable<ClientEnv['EventSource']>;
  }
  return {
    env,
    wire,
    close: async () => {
      // Over TLS each connection is ended first, as a browser closes a tab's: its close_notify goes out,
      // and the lab's answer is read, so both ends count the same bytes to the last alert.
      await endGracefully(tlsSockets);
      // The clients are stopped, so nothing is in flight: what is left are idle keep-alive sockets
      // and the empty ones undici opens after an abort. destroy(), unlike close(), ends those at once.
      await agent.destroy().catch(() => {});
    },
  };
}

/** TLS over a TCP socket the counter tracks, offering HTTP/2 first, as a browser does. */
function tlsConnector(ca: string, wire: WireCounter, open: Set<tls.TLSSocket>): buildConnector.connector {
  return (options, callback) => {
    const raw = net.connect({ host: options.hostname, port: Number(options.port) || 443 });
    wire.track(raw);
    const socket = tls.connect({ socket: raw, ca, ALPNProtocols: ['h2', 'http/1.1'] });
    open.add(socket);
    raw.once('close', () => open.delete(socket));
    socket.once('secureConnect', () => callback(null, socket));
    socket.once('error', (error) => callback(error, null));
  };
}

/** How long a TLS connection may take to answer its close, ms, before it is cut anyway. */
const TLS_CLOSE_WAIT_MS = 1000;

/** Ends every socket (close_notify, then FIN) and waits until each has closed, or `TLS_CLOSE_WAIT_MS`. */
async function endGracefully(sockets: Set<tls.TLSSocket>): Promise<void> {
  const closing = [...sockets].map(
    (socket) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, TLS_CLOSE_WAIT_MS);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        socket.end();
      }),
  );
  await Promise.all(closing);
}

/** A WebSocket or Socket.IO client makes no fetch of its own (upstream goes on the socket). */
const unusedFetch = (() => Promise.reject(new Error('a WebSocket load env has no fetch'))) as unknown as typeof fetch;
