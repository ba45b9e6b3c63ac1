/**
 * One record per transport, with what both sides (lab, clients, tools, page)
 * need to know about it: how it is named and drawn, where it lives, and what
 * it can do. engine.io's transport registry is the model: code asks the
 * record about a capability instead of switching on a transport's name.
 * Adding a transport is one entry here; a missing one is a type error.
 */
import type { TransportName } from './feed-event.ts';

/** The browser API a transport's client is built on (a key of `ClientEnv`), which also decides its request headers. */
export type ClientApi = 'fetch' | 'EventSource' | 'WebSocket' | 'socket.io-client';

export interface TransportRecord {
  /** Plain-words name shown on columns, legends and line labels. */
  label: string;
  /** Short name for tight places (chart axes). */
  short: string;
  /** Okabe–Ito colour (safe for the common colour-vision deficiencies): the one palette of page, bench and sweep. */
  colour: string;
  /** SVG stroke-dasharray for lines; '' is solid. */
  dash: string;
  /** The endpoint, on the lab's origin. */
  path: string;
  /** How a client sends upstream: `http` is one POST to /api/feed/publish per message, `socket` on its own connection. */
  upstream: 'http' | 'socket';
  /** One response or socket that carries every event (true), or one answer per request (false). */
  streaming: boolean;
  /** Whether the lab holds the request or stream open until there is something to send (false: it answers at once). */
  held: boolean;
  /** Whether a cross-origin page's request needs the lab to answer an OPTIONS preflight (a WebSocket upgrade never does). */
  corsPreflight: boolean;
  /** The API its client uses, and so the header set a virtual client sends (load/browser-headers.ts). */
  clientApi: ClientApi;
  /**
   * Whether the transport answers every request under `path` itself, before Fastify routes it
   * (engine.io does: its polling requests and its upgrade never reach Fastify's hooks), so the
   * lab meters and guards them at the connection (server/transports/own-path-dispatch.ts).
   */
  ownsPath: boolean;
  /**
   * How long (ms) the transport itself keeps a disconnected client's missed events and gives them
   * back on reconnect, beyond the lab's ring (Socket.IO's connection state recovery); 0: none.
   */
  ownRecoveryMs: number;
}

/**
 * Typed as the full map, so that a transport without a record is one error,
 * here, and not another at every lookup.
 */
export const TRANSPORT_RECORDS: Record<TransportName, TransportRecord> = {
  'short-poll': {
    label: 'Short polling',
    short: 'Short poll',
    colour: '#E69F00',
    dash: '',
    path: '/api/feed/short-poll',
    upstream: 'http',
    streaming: false,
    held: false,
    corsPreflight: true,
    clientApi: 'fetch',
    ownsPath: false,
    ownRecoveryMs: 0,
  },
  'long-poll': {
    label: 'Long polling',
    short: 'Long poll',
    colour: '#0072B2',
    dash: '8 4',
    path: '/api/feed/long-poll',
    upstream: 'http',
    streaming: false,
    held: true,
    corsPreflight: true,
    clientApi: 'fetch',
    ownsPath: false,
    ownRecoveryMs: 0,
  },
  sse: {
    label: 'Server-Sent Events',
    short: 'SSE',
    colour: '#009E73',
    dash: '2 3',
    path: '/api/feed/sse',
    upstream: 'http',
    streaming: true,
    held: true,
    corsPreflight: true,
    clientApi: 'EventSource',
    ownsPath: false,
    ownRecoveryMs: 0,
  },
  websocket: {
    label: 'WebSocket',
    short: 'WebSocket',
    colour: '#CC79A7',
    dash: '10 3 2 3',
    path: '/api/feed/websocket',
    upstream: 'socket',
    streaming: true,
    held: true,
    corsPreflight: false,
    clientApi: 'WebSocket',
    ownsPath: false,
    ownRecoveryMs: 0,
  },
  'socket-io': {
    label: 'Socket.IO',
    short: 'Socket.IO',
    colour: '#56B4E9',
    dash: '4 2',
    path: '/socket.io/',
    upstream: 'socket',
    streaming: true,
    held: true,
    // Answered by engine.io itself (its `cors` option), the lab's predicate deciding the origin.
    corsPreflight: true,
    clientApi: 'socket.io-client',
    ownsPath: true,
    ownRecoveryMs: 2 * 60 * 1000,
  },
};

/** The record of `name`. */
export function transportRecord(name: TransportName): TransportRecord {
  return TRANSPORT_RECORDS[name];
}

/** The transports whose clients send upstream with `POST /api/feed/publish?transport=…`. */
export function sendsUpstreamOverHttp(name: unknown): name is TransportName {
  return (
    typeof name === 'string' &&
    Object.hasOwn(TRANSPORT_RECORDS, name) &&
    transportRecord(name as TransportName).upstream === 'http'
  );
}
