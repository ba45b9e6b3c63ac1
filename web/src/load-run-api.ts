/**
 * Load runs from the dashboard (`/api/load`, see docs/api.md): the part of the
 * lab's answer the load panel uses, and its refusals in plain words. The calls
 * are `LabApi`'s (starting and stopping are control actions: they carry the
 * teacher token when this page holds one).
 */
import type { TransportName } from '../../protocol/feed-event.ts';
import { type ControlError, plainControlError } from './control-error.ts';
import { LabApiError } from './lab-api.ts';

export type LoadRunState = 'idle' | 'starting' | 'running' | 'finished' | 'failed' | 'stopped';

export type PerTransport = Partial<Record<TransportName, number>>;

/** `POST /api/load`. */
export interface LoadRunRequest {
  /** 1–2500. */
  clientsPerTransport: number;
  /** 1–600 s. */
  durationS: number;
  transports: TransportName[];
}

/** About one a second while the run goes. */
export interface LoadSample {
  elapsedS: number;
  connected: PerTransport;
  messagesPerSecond: PerTransport;
}

/** One transport of the finished run (the `npm run load -- --json` report). */
export interface LoadTransportResult {
  clients: number;
  /** Delivery latency in the steady window, ms. */
  latencyMs: { p50: number; p99: number };
  messages: number;
  messagesPerSecond: number;
  errors: number;
  lost: number;
}

export interface LoadResult {
  transports: Partial<Record<TransportName, LoadTransportResult>>;
  /** The lab process in the steady window: CPU in % of one core, resident memory in MB. */
  server: { cpuPct: number | null; rssMB: number | null };
}

/** `GET /api/load`. */
export interface LoadRunView {
  state: LoadRunState;
  settings: (LoadRunRequest & { ratePerSecond: number | null; rampS: number }) | null;
  runId: string | null;
  elapsedS: number;
  clients: PerTransport;
  connected: PerTransport;
  messagesPerSecond: PerTransport;
  errors: PerTransport;
  samples: LoadSample[];
  result: LoadResult | null;
  error: { code: string | null; message: string; hint: string | null } | null;
}

/** A refused start or stop in plain words: a student's page learns why only the teacher may load the lab. */
export function plainLoadRunError(error: unknown, hasToken: boolean): ControlError {
  if (error instanceof LabApiError && error.status === 401 && !hasToken) {
    return {
      message: 'Only the teacher can start or stop a load run: the lab runs in classroom mode.',
      hint: 'a load run slows the lab down for everyone; you can still watch its progress here',
    };
  }
  return plainControlError(error, hasToken);
}
