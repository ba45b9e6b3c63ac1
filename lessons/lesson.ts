/**
 * A lesson: one claim from the notes a class learns from, run as an
 * experiment, with a verdict computed from what the lab measured. Only types
 * and pure helpers here, so the Node command line and the browser dashboard
 * share every lesson file. Nothing here may import Node, `server/` or `web/`.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import type { WireSample } from '../protocol/wire-sample.ts';

/** The three answers a lesson can give. `holds-if` always comes with its condition. */
export type VerdictKind = 'holds' | 'holds-if' | 'does-not-hold';

/** The network conditioner during a run: a named profile or custom values (as `PUT /api/network` takes them). */
export type NetworkPlan =
  | { profile: 'none' | 'lan' | 'fast-4g' | 'slow-4g' | '3g' | 'satellite' }
  | {
      profile: 'custom';
      /** Added round trip, ms. */
      rttMs: number;
      /** Up to this much extra delay per chunk, ms. @default 0 */
      jitterMs?: number;
      /** kbit/s, 0 = unlimited. @default 0 */
      downKbps?: number;
      /** kbit/s, 0 = unlimited. @default 0 */
      upKbps?: number;
    };

/**
 * Over TLS on the lab's HTTPS port that speaks this version (`npm start -- --https`):
 * `h2` the HTTP/2 port (WebSocket still on its own HTTP/1.1 connection), `http/1.1` the
 * HTTP/1.1-only port. A run without it uses the plain port.
 */
export type HttpVersionPlan = 'http/1.1' | 'h2';

/** The request headers the clients send: Node's own, or a real browser's set (Chrome on Linux, see the driver). */
export type HeaderStyle = 'node' | 'browser';

/** One measured stretch of a feed experiment: its own segment with fresh client ids. */
export interface FeedRunPlan {
  kind: 'feed';
  /** Plain words for this run's conditions, e.g. `interval 500 ms, RTT 50 ms`. */
  label: string;
  feed: {
    /** A scenario id from scenarios/. */
    scenario: string;
    /** Events per second; the scenario's own rate when absent. */
    ratePerSecond?: number;
    /** The generated data's size in bytes; the scenario's own when absent. */
    payloadBytes?: number;
  };
  /** The conditioner's settings; the clients go through it. @default {profile:'none'} */
  network?: NetworkPlan;
  /** Over TLS with this HTTP version; the plain port when absent (the conditioner shapes only that one). */
  http?: HttpVersionPlan;
  /** The transports with a client in this run. */
  transports: TransportName[];
  client?: {
    /** Short poll: wait between an answer and the next request, ms. @default 1000 */
    shortPollIntervalMs?: number;
    /** Long poll: how long the server may hold a request, ms. @default 25000 */
    longPollTimeoutMs?: number;
    /** @default 'browser' */
    headers?: HeaderStyle;
    /** Every HTTP request asks `Connection: close`: no keep-alive. @default false */
    connectionClose?: boolean;
  };
  /** Upstream messages every client sends during the measured window. */
  upstream?: {
    perSecond: number;
    /** Size of the message's `data` string, bytes. */
    dataBytes: number;
  };
  /** Faults, seconds after the measured window began. */
  faults?: { atS: number; action: 'drop-all' }[];
  /** The measured window, seconds (≤ 30 across the lesson's runs is the goal). */
  durationS: number;
}

/** A real browser opens `streams` SSE streams to one origin over HTTP/1.1 and we watch which ones open. */
export interface ConnectionLimitRunPlan {
  kind: 'browser-connection-limit';
  label: string;
  /** How many streams the page asks for at once. */
  streams: number;
  /** The page on the lab's HTTPS port of this version; the plain port (HTTP/1.1) when absent. */
  http?: HttpVersionPlan;
  /** How long to wait before closing the first stream, s. */
  holdS: number;
}

export type RunPlan = FeedRunPlan | ConnectionLimitRunPlan;

/** Latency figures of one client over the measured window, ms. */
export interface LatencyFigures {
  count: number;
  mean: number | null;
  p50: number | null;
  p99: number | null;
}

/** What one transport's client did in one run. */
export interface TransportMeasurement {
  /** The meter for this run's client from its first byte: the whole run, handshakes included. */
  whole: TransportMetrics;
  /** The meter over the measured window only: after every client opened and saw its first event, before any stopped. */
  window: TransportMetrics;
  /** Delivery latency over the measured window. */
  latencyMs: LatencyFigures;
  /** Round trips of the upstream messages, ms. */
  roundTripMs: LatencyFigures;
  /** How long each HTTP request took from send to answer, ms (polls and publishes). */
  requestMs: LatencyFigures;
  /** Upstream messages sent in the window. */
  upstreamSent: number;
  /** Every delivered seq was greater than the one before. */
  seqStrictlyIncreasing: boolean;
  /** Events published between the client's first event and the end of the window that it never delivered. */
  lost: number;
  /** Events it saw twice (dropped by the client's bookkeeping). */
  duplicates: number;
  gaps: number;
  reconnects: number;
  /** The last exchange as the lab's wire inspector saw it (`GET /api/inspect`). */
  inspect: WireSample | null;
}

export interface FeedRunMeasurement {
  kind: 'feed';
  label: string;
  /** The round trip the conditioner added, ms (0 without one). */
  rttMs: number;
  /** The feed's rate during the run, events/s. */
  ratePerSecond: number;
  /** The measured window, s. */
  durationS: number;
  /** Faults applied in the window. */
  faults: number;
  transports: Partial<Record<TransportName, TransportMeasurement>>;
}

export interface ConnectionLimitMeasurement {
  kind: 'browser-connection-limit';
  label: string;
  /** Streams the page asked for. */
  requested: number;
  /** Streams the lab had received a request for before the first one closed. */
  openedBeforeClose: number;
  /** Streams open once the first one was closed (the waiting one should get its turn). */
  openedAfterClose: number;
  /** From closing the first stream until the waiting one opened, ms; null when none was waiting or it never opened. */
  waitedAfterCloseMs: number | null;
  /** The browser's version string. */
  browser: string;
}

export type RunMeasurement = FeedRunMeasurement | ConnectionLimitMeasurement;

export interface PredictionChoice {
  id: string;
  text: string;
}

/** A question the learner answers before the run; the measurement says which choice was right. */
export interface Prediction {
  question: string;
  /** 2–4 choices. */
  choices: PredictionChoice[];
}

/** A measured figure or a word about it, for the table and the Markdown. */
export type Figure = number | string | boolean | null;

export interface Judgement {
  verdict: VerdictKind;
  /** Required for `holds-if`: the condition the claim needs, in plain words with the numbers. */
  condition?: string;
  /** The choice of the prediction the measurement bears out. */
  rightChoice: string;
  /** The key measured numbers, named with their unit (`shortPollMeanMs`, `websocketHeaderBytes`). */
  measured: Record<string, Figure>;
  /** What theory predicts for the same figures. */
  theory: Record<string, Figure>;
  /** One sentence with the numbers. */
  sentence: string;
}

export interface Lesson {
  /** kebab-case, also the file name: `lessons/<id>.ts`. */
  id: string;
  /** The claim in the learner's words, as the notes put it. */
  claim: string;
  /** What the lab will do, one sentence. */
  does: string;
  prediction: Prediction;
  plan: RunPlan[];
  /** The verdict from the measurements (one per run of `plan`, in order); throws MissingData when a figure is missing. */
  judge(measurements: readonly RunMeasurement[]): Judgement;
  /** A curl command or a setting to see it yourself. */
  tryIt: string;
}

/** A figure the verdict needs was not measured (a transport delivered nothing, a run did not happen). */
export class MissingData extends Error {
  override readonly name = 'MissingData';
}

/** The run at `index`, which must be a feed run. */
export function feedRun(measurements: readonly RunMeasurement[], index: number): FeedRunMeasurement {
  const run = measurements[index];
  if (run?.kind !== 'feed') throw new MissingData(`run ${index + 1} was not measured`);
  return run;
}

/** One transport's measurement in a feed run. */
export function transportIn(run: FeedRunMeasurement, transport: TransportName): TransportMeasurement {
  const measured = run.transports[transport];
  if (!measured) throw new MissingData(`${transport} was not measured in "${run.label}"`);
  return measured;
}

/** A figure that must be there (a mean of no samples is not a verdict). */
export function known(value: number | null, what: string): number {
  if (value === null || !Number.isFinite(value)) throw new MissingData(`no ${what} was measured`);
  return value;
}

/** Rounded for people: whole numbers from 100 up, else `digits` decimals. @param digits=1 */
export function round(value: number, digits = 1): number {
  if (Math.abs(value) >= 100) return Math.round(value);
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
