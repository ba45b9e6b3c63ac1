/**
 * One definition per figure: the per-transport numbers the lab shows, each
 * computed here and nowhere else, so the dashboard, the export, the lessons
 * and the command-line tools always agree. Definitions in words: README
 * "What the numbers mean".
 */
import { type ByteSplit, byteTotal, type TransportMetrics } from './metrics.ts';

export interface PerEvent {
  header: number;
  framing: number;
  payload: number;
  /** The TLS layer's bytes (0 over plain HTTP). */
  tls: number;
  total: number;
}

/**
 * Bytes per event: every byte the transport moved, both directions (requests,
 * upstream messages and answers alike), divided by the events it delivered.
 * null before the first event.
 */
export function bytesPerEvent(metrics: TransportMetrics): PerEvent | null {
  if (metrics.messages === 0) return null;
  const { up, down } = metrics.bytes;
  const per = (n: number): number => n / metrics.messages;
  const header = per(up.header + down.header);
  const framing = per(up.framing + down.framing);
  const payload = per(up.payload + down.payload);
  const tls = per(up.tls + down.tls);
  return { header, framing, payload, tls, total: header + framing + payload + tls };
}

/**
 * Server → client framing per event: what the theory of a frame header or an
 * SSE field counts (a WebSocket event of ≤ 125 B costs 2). null before the
 * first event.
 */
export function downFramingPerEvent(metrics: TransportMetrics): number | null {
  return metrics.messages > 0 ? metrics.bytes.down.framing / metrics.messages : null;
}

/** Server → client event bytes per event (the event itself); null before the first event. */
export function payloadPerEvent(metrics: TransportMetrics): number | null {
  return metrics.messages > 0 ? metrics.bytes.down.payload / metrics.messages : null;
}

/** Share of poll answers that carried no event, in %; null before the first request. */
export function emptyAnswerShare(metrics: TransportMetrics): number | null {
  return metrics.requests > 0 ? (metrics.emptyResponses / metrics.requests) * 100 : null;
}

/** Share of requests answered `304 Not Modified` (conditional short polling), in %; null before the first request. */
export function notModifiedShare(metrics: TransportMetrics): number | null {
  return metrics.requests > 0 ? ((metrics.notModified ?? 0) / metrics.requests) * 100 : null;
}

/** Bytes per request, both directions (a poll's whole exchange: heads, body, TLS); null before the first request. */
export function bytesPerRequest(metrics: TransportMetrics): number | null {
  return metrics.requests > 0 ? totalBytes(metrics) / metrics.requests : null;
}

/** Requests per second over a whole stretch of `durationMs` (a segment's mean rate); null for no time. */
export function requestsPerSecondOver(metrics: TransportMetrics, durationMs: number): number | null {
  return durationMs > 0 ? (metrics.requests * 1000) / durationMs : null;
}

/**
 * Time to first event, ms: from the moment a client sent its first request (the first poll, the EventSource's
 * request, the WebSocket upgrade, Socket.IO's handshake GET) to the moment its first event arrived, both on the
 * client's clock. What a transport's start costs before it delivers anything. null until that event came.
 */
export function timeToFirstEventMs(firstRequestAt: number | null, firstEventAt: number | null): number | null {
  return firstRequestAt === null || firstEventAt === null ? null : firstEventAt - firstRequestAt;
}

/** Both directions' bytes of each kind added up. */
export function bothDirections(metrics: TransportMetrics): ByteSplit {
  const { up, down } = metrics.bytes;
  return {
    header: up.header + down.header,
    framing: up.framing + down.framing,
    payload: up.payload + down.payload,
    tls: up.tls + down.tls,
  };
}

/** Every byte the transport moved, both directions. */
export function totalBytes(metrics: TransportMetrics): number {
  return byteTotal(metrics.bytes.up) + byteTotal(metrics.bytes.down);
}

/**
 * What a transport carried between two readings of the same running totals
 * (`later` − `earlier`): a segment's figures from the meter's counts since
 * the client started.
 */
export function metricsSince(later: TransportMetrics, earlier: TransportMetrics | null): TransportMetrics {
  if (!earlier) return later;
  const split = (a: ByteSplit, b: ByteSplit): ByteSplit => ({
    header: a.header - b.header,
    framing: a.framing - b.framing,
    payload: a.payload - b.payload,
    tls: (a.tls ?? 0) - (b.tls ?? 0),
  });
  return {
    connections: later.connections - earlier.connections,
    protocols: {
      'http/1.1': protocolsOf(later)['http/1.1'] - protocolsOf(earlier)['http/1.1'],
      h2: protocolsOf(later).h2 - protocolsOf(earlier).h2,
    },
    requests: later.requests - earlier.requests,
    emptyResponses: later.emptyResponses - earlier.emptyResponses,
    notModified: (later.notModified ?? 0) - (earlier.notModified ?? 0),
    messages: later.messages - earlier.messages,
    bytes: { up: split(later.bytes.up, earlier.bytes.up), down: split(later.bytes.down, earlier.bytes.down) },
  };
}

/** What two meters counted together (`a` + `b`): a cluster's figures from each instance's. */
export function metricsSum(a: TransportMetrics, b: TransportMetrics): TransportMetrics {
  const split = (x: ByteSplit, y: ByteSplit): ByteSplit => ({
    header: x.header + y.header,
    framing: x.framing + y.framing,
    payload: x.payload + y.payload,
    tls: (x.tls ?? 0) + (y.tls ?? 0),
  });
  return {
    connections: a.connections + b.connections,
    protocols: {
      'http/1.1': protocolsOf(a)['http/1.1'] + protocolsOf(b)['http/1.1'],
      h2: protocolsOf(a).h2 + protocolsOf(b).h2,
    },
    requests: a.requests + b.requests,
    emptyResponses: a.emptyResponses + b.emptyResponses,
    notModified: (a.notModified ?? 0) + (b.notModified ?? 0),
    messages: a.messages + b.messages,
    bytes: { up: split(a.bytes.up, b.bytes.up), down: split(a.bytes.down, b.bytes.down) },
  };
}

/**
 * Nearest-rank percentile of sorted values: the smallest value with at least
 * p % of the values at or below it, so a reported figure is one that really
 * happened (as an HDR histogram reports it). null for no values.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

/** The median as the lab reports it: the nearest-rank 50th percentile (the lower middle of an even count). */
export function median(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return percentileOfSorted(Float64Array.from(known).sort(), 50);
}

/** Every byte moved both ways per second over a stretch of `durationMs` (e.g. two readings' `metricsSince`); null for no time. */
export function bytesPerSecondOver(metrics: TransportMetrics, durationMs: number): number | null {
  return durationMs > 0 ? (totalBytes(metrics) * 1000) / durationMs : null;
}

/**
 * The share of bytes a filtered client saved against one that got everything, in %: 100 × (1 − part ÷ whole),
 * e.g. a Socket.IO room's bytes per second beside the whole feed's. null while the whole moved nothing.
 */
export function savedShare(part: number, whole: number): number | null {
  return whole > 0 ? 100 * (1 - part / whole) : null;
}

/**
 * Ack round trip (Socket.IO): from an emit with an acknowledgement callback to the ack's arrival, on the
 * client's clock, in ms — the lab acks `publish` once the event is in the feed and `chat` once it is
 * broadcast. Summarised as the nearest-rank median and 99th percentile of the kept samples; null for none.
 */
export function ackRoundTrip(samplesMs: ReadonlyArray<number>): { count: number; p50: number; p99: number } | null {
  const sorted = Float64Array.from(samplesMs.filter((v) => Number.isFinite(v))).sort();
  const p50 = percentileOfSorted(sorted, 50);
  const p99 = percentileOfSorted(sorted, 99);
  return p50 === null || p99 === null ? null : { count: sorted.length, p50, p99 };
}

/** The arithmetic mean of the known values (what the theory's mean-latency formulas predict); null for none. */
export function mean(values: ReadonlyArray<number | null>): number | null {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length === 0) return null;
  let sum = 0;
  for (const v of known) sum += v;
  return sum / known.length;
}

/**
 * A reading's connections by HTTP version. A lab from before HTTPS (another instance of a
 * cluster, a lab at --url) sends none: its connections were all HTTP/1.1.
 */
function protocolsOf(metrics: TransportMetrics): TransportMetrics['protocols'] {
  return metrics.protocols ?? { 'http/1.1': metrics.connections, h2: 0 };
}
