/**
 * The shape of `GET /api/metrics` (and of each snapshot on the metrics stream).
 * Definitions of every number: README "What the numbers mean".
 */
import type { TransportName } from './feed-event.ts';
import type { SegmentInfo } from './segment.ts';

/** Bytes that crossed a socket in one direction, split by what they were for. */
export interface ByteSplit {
  /** HTTP request line + headers or status line + headers, including the WebSocket upgrade. */
  header: number;
  /** Every other byte that is not an event: envelopes, SSE fields, chunk sizes, frame headers, heartbeats. */
  framing: number;
  /** The events' serialized bytes (upstream: the message the client sent). */
  payload: number;
  /**
   * The TLS layer's own bytes on an HTTPS connection: handshake, record headers and
   * authentication tags, alerts (wire bytes − plaintext bytes). 0 over plain HTTP.
   */
  tls: number;
}

/** The HTTP versions a lab connection can speak (ALPN names; plain HTTP is `http/1.1`). */
export type HttpProtocol = 'http/1.1' | 'h2';
export const HTTP_PROTOCOLS: readonly HttpProtocol[] = ['http/1.1', 'h2'];

export interface TransportMetrics {
  /** TCP connections that carried at least one request of this transport. */
  connections: number;
  /** The same connections by the HTTP version they spoke (`h2` only on the lab's HTTPS port that offers it). */
  protocols: Record<HttpProtocol, number>;
  /** HTTP requests on this transport's endpoints; a WebSocket upgrade is one request. */
  requests: number;
  /** Poll answers that carried no event. */
  emptyResponses: number;
  /**
   * Of those, the `304 Not Modified` answers of conditional short polling
   * (`?conditional=1` with a matching `If-None-Match`): a head and no body.
   */
  notModified: number;
  /** Events delivered (server → client). */
  messages: number;
  bytes: { up: ByteSplit; down: ByteSplit };
}

/** What the meter counted, as of one instant. */
export interface MeterReading {
  epoch: string;
  /** Newest seq published in this epoch (0 before the first event). */
  seq: number;
  /** Server time of the snapshot, epoch ms. */
  t: number;
  /** Present when the snapshot is for one client (`?client=ID`). */
  client?: string;
  /** Everything each transport carried, load-run clients included. */
  transports: Record<TransportName, TransportMetrics>;
  /**
   * The part of `transports` that load-run clients (ids starting with `load-`)
   * carried, so a load run and the page's own clients can be told apart.
   * All zeros in a one-client snapshot (`?client=ID`).
   */
  load: Record<TransportName, TransportMetrics>;
  /** The lab's own traffic: page, assets, metrics, control API, unknown paths. */
  lab: TransportMetrics;
}

/** `GET /api/metrics`: the meter's reading, and the segment it was taken in. */
export interface MetricsSnapshot extends MeterReading {
  /**
   * The segment under way. On the metrics stream, the first snapshot of a new
   * segment is the reading at the instant it began: its zero.
   */
  segment: SegmentInfo;
}

/**
 * On the metrics stream (`event: zero`): a poll answer that carried events
 * from before the segment began ended just now, and this is the transport's
 * reading right after it — the segment's zero for that transport, so the
 * segment counts only answers of its own events. At most one per transport
 * and segment.
 */
export interface SegmentZero {
  segment: number;
  transport: TransportName;
  metrics: TransportMetrics;
}

/** Client ids of load-run clients start with this (`load-<runId>-<transport>-<n>`): the meter counts them under `load`. */
export const LOAD_CLIENT_PREFIX = 'load-';

export function emptyByteSplit(): ByteSplit {
  return { header: 0, framing: 0, payload: 0, tls: 0 };
}

export function emptyTransportMetrics(): TransportMetrics {
  return {
    connections: 0,
    protocols: { 'http/1.1': 0, h2: 0 },
    requests: 0,
    emptyResponses: 0,
    notModified: 0,
    messages: 0,
    bytes: { up: emptyByteSplit(), down: emptyByteSplit() },
  };
}

export function byteTotal(split: ByteSplit): number {
  return split.header + split.framing + split.payload + split.tls;
}
