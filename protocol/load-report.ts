/**
 * The report of one load run, as one plain object: what `npm run load -- --json`
 * writes, what the lab's `GET /api/load` carries as `result`, and what the
 * table, CSV and Markdown are printed from. Units are in the names (Ms, S, MB,
 * KB, Pct, PerSecond); bytes are plain bytes.
 */
import type { TransportName } from './feed-event.ts';
import type { ByteSplit } from './metrics.ts';

export interface LatencyReport {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** How many latencies the percentiles are made of. */
  samples: number;
}

export interface TransportReport {
  clients: number;
  /** Delivery latency in the steady window, ms. */
  latencyMs: LatencyReport;
  /** Events the clients received, whole run. */
  messages: number;
  /** Events the clients received per second in the steady window. */
  messagesPerSecond: number;
  gaps: number;
  duplicates: number;
  /**
   * Events lost: seq jumps the clients saw plus, when the lab was ours and paused at
   * the end, the events between each client's last seq and the final one.
   */
  lost: number;
  /** Whether `lost` covers the end of the run too (the feed was paused and drained). */
  lostCheckedToEnd: boolean;
  /** Clients that never learned a position in the feed (never connected). */
  unpositioned: number;
  errors: number;
  reconnects: number;
  /** Upstream messages sent by the clients. */
  published: number;
  /** Round trips of upstream messages in the steady window, ms; null without upstream. */
  roundTripMs: LatencyReport | null;
  /** HTTP requests on the transport's endpoints (meter), whole run; null without a lab meter. */
  requests: number | null;
  requestsPerSecond: number | null;
  /** Bytes per direction, split header / framing / payload (meter), whole run. */
  bytes: { up: ByteSplit; down: ByteSplit } | null;
  /** The same in the steady window, per second, with totals. */
  bytesPerSecond: { up: ByteSplit & { total: number }; down: ByteSplit & { total: number } } | null;
  /** The lab meter's own counts for the transport, whole run. */
  meter: {
    messages: number;
    requests: number;
    connections: number;
    emptyResponses: number;
    /** The connections by the HTTP version they spoke (`--http2`: h2 for the HTTP transports). */
    protocols: { 'http/1.1': number; h2: number };
  } | null;
  /** Bytes on the clients' sockets, counted on the client side: must equal the meter's totals. */
  clientWire: { up: number; down: number; connections: number };
  errorSamples: string[];
}

export interface ServerReport {
  /** Where the figures come from: the lab's `/api/process`, Linux /proc from outside, or nowhere. */
  source: 'api/process' | 'proc' | null;
  /** CPU in the steady window, % of one core. */
  cpuPct: number | null;
  /** The part of cpuPct spent in the kernel (socket writes and the loopback TCP stack): per-send syscalls show here. */
  cpuSystemPct: number | null;
  /** Resident memory at the end of the steady window (every client connected), MB. */
  rssMB: number | null;
  rssBeforeMB: number | null;
  heapMB: number | null;
  /** (RSS at steady end − RSS before the run) / open connections, KB; null under 500 connections (noise). A sweep's slope is the better measure. */
  memoryPerConnectionKB: number | null;
  connections: number | null;
  /** Active / (active + idle) in the steady window, 0–1. */
  eventLoopUtilization: number | null;
  eventLoopDelayP99Ms: number | null;
  eventLoopDelayMaxMs: number | null;
  /** The lab's publish loop per event in the steady window (handing it to every stream and held poll), ms. */
  fanOutP50Ms: number | null;
  fanOutMaxMs: number | null;
}

export interface LoadReport {
  tool: 'load';
  runId: string;
  startedAt: string;
  scenario: string;
  /** Events per second the feed was set to. */
  ratePerSecond: number | null;
  /** Virtual clients per transport. */
  clients: number;
  durationS: number;
  rampS: number;
  /** The window rates and percentiles describe, s. */
  steadyS: number;
  headers: string;
  shortPollIntervalMs: number;
  upstreamPerSecond: number;
  workers: number;
  url: string;
  /** True when this tool started the lab (no other traffic; feed paused and drained at the end). */
  ownLab: boolean;
  /** How bytes and requests were read from the lab's meter. */
  meterSource: string;
  machine: MachineInfo;
  transports: Partial<Record<TransportName, TransportReport>>;
  server: ServerReport;
  /** The load generator's own CPU (all its threads) in the steady window: near workers × 100 %, the generator is the limit. */
  generator: { cpuPct: number; workers: number };
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
}
