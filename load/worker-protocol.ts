/**
 * The messages between the load run (main thread) and its worker threads.
 * Plain data only: everything here crosses `postMessage`.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import type { TransportCounts } from '../protocol/load-progress-line.ts';
import type { HeaderSetName } from './browser-headers.ts';
import type { HistogramSnapshot } from './latency-histogram.ts';
import type { WireBytes } from './wire-counter.ts';

/** One virtual client a worker runs. */
export interface VirtualClientPlan {
  transport: TransportName;
  /** `load-<run>-<transport>-<index>`: the lab's meter can report it alone. */
  clientId: string;
  /** When to start it, ms after the run's start: spreads the ramp. */
  startAfterMs: number;
}

/** `workerData` of every load worker. */
export interface WorkerSetup {
  baseUrl: string;
  /** Over TLS (`https:` baseUrl): the certificate to trust; null over plain HTTP. */
  tls: { ca: string } | null;
  headerSet: HeaderSetName;
  /** Short poll: wait between an answer and the next request, ms. */
  shortPollIntervalMs: number;
  /** Upstream messages each client sends per second (0: none), each with a random phase. */
  upstreamPerSecond: number;
  clients: VirtualClientPlan[];
  /** How often the worker reports progress, ms. */
  progressEveryMs: number;
  /** The Socket.IO lane's `socketIoTransports` (protocol/socket-io-lanes.ts); absent: socket.io-client's default. */
  socketIoTransports?: ('polling' | 'websocket')[];
}

export type ToWorker =
  /** Start the clients; `startAt` is the run's start as epoch ms (ramp offsets count from it). */
  | { type: 'start'; startAt: number }
  /** Counts now; with `resetLatency`, latency histograms start over (the ramp is over). */
  | { type: 'mark'; id: number; resetLatency: boolean }
  /** Stop sending upstream and answer once the messages already sent have been answered. */
  | { type: 'quiet'; id: number }
  /**
   * Stop. With `finalSeq` (the lab's feed was paused at that seq), first wait up to
   * `drainMs` for every client to reach it, so nothing in flight is cut off.
   */
  | { type: 'stop'; finalSeq: number | null; epoch: string | null; drainMs: number };

export interface TransportOutcome extends TransportCounts {
  gaps: number;
  /** Events known lost within an epoch (seq jumps, too-old resets). */
  missed: number;
  duplicates: number;
  /** Events between a client's last seq and the paused feed's final seq (null when the feed was not paused). */
  behind: number | null;
  /** Clients that never learned a position in the feed's epoch (never connected, or the epoch changed): their losses are unknown. */
  unpositioned: number;
  /** Delivery latencies in µs since the last `mark` with resetLatency. */
  latency: HistogramSnapshot;
  /** Upstream messages sent (and, over HTTP, accepted). */
  published: number;
  /** Round trips of the clients' own upstream messages, µs, since the last `mark` with resetLatency. */
  roundTrip: HistogramSnapshot;
  /** Bytes on the clients' own sockets. */
  wire: WireBytes;
  /** TCP connections the clients opened. */
  connections: number;
  /** A few distinct error texts, for a human. */
  errorSamples: string[];
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; transports: Partial<Record<TransportName, TransportCounts>> }
  | { type: 'mark'; id: number; transports: Partial<Record<TransportName, TransportCounts>> }
  | { type: 'quiet'; id: number }
  | { type: 'result'; transports: Partial<Record<TransportName, TransportOutcome>> }
  | { type: 'failed'; message: string };
