/**
 * The shape of `GET /api/load`: one load run started from the dashboard, as
 * it goes. Counts come from the load generator's own progress lines (its
 * clients' view); the lab's view of the same clients is `load` in `/api/metrics`.
 */
import type { TransportName } from './feed-event.ts';
import type { LoadPhase } from './load-progress-line.ts';
import type { LoadReport } from './load-report.ts';

/** `POST /api/load`: the lab checks it (server/load-control/load-run-request.ts). */
export interface LoadRunRequest {
  /** Virtual clients per transport, 1–2500. */
  clientsPerTransport: number;
  /** 1–600 s. */
  durationS: number;
  transports: TransportName[];
  /** The feed's event rate for the run (events/s); absent or null: the feed's rate is left alone. */
  ratePerSecond?: number | null;
  /** The clients start spread over this many seconds (default 0: all at once). */
  rampS?: number;
}

/** A checked request, as the lab runs it. */
export interface LoadRunSettings extends Required<LoadRunRequest> {
  /** In the lab's order. */
  transports: TransportName[];
  ratePerSecond: number | null;
}

/**
 * idle: no run yet · starting: the generator process is starting its clients ·
 * running: progress arrives · finished: the result is in · failed: the generator
 * stopped with an error · stopped: someone stopped it (DELETE) or the lab closed.
 */
export type LoadRunState = 'idle' | 'starting' | 'running' | 'finished' | 'failed' | 'stopped';

export type PerTransport = Partial<Record<TransportName, number>>;

/** One progress line, about one a second: what the live charts draw. */
export interface LoadSample {
  /** Seconds since the clients started. */
  elapsedS: number;
  /** Clients connected (state `open`) per transport. */
  connected: PerTransport;
  /** Events the clients received per second, over the last couple of seconds (absent on the first sample). */
  messagesPerSecond: PerTransport;
}

export interface LoadRunError {
  /** LAB_ERR_… when the generator named one. */
  code: string | null;
  message: string;
  hint: string | null;
}

export interface LoadRunView {
  state: LoadRunState;
  /** What was asked for; null before the first run. */
  settings: LoadRunSettings | null;
  /** The run's id: its clients are `load-<runId>-<transport>-<n>`; null until the generator reports. */
  runId: string | null;
  /** The generator's process id while it runs, else null. */
  pid: number | null;
  /** When the run was accepted, epoch ms. */
  startedAt: number | null;
  /** When it ended (finished, failed, stopped), epoch ms. */
  endedAt: number | null;
  /** Seconds since the clients started, 0 … durationS. */
  elapsedS: number;
  phase: LoadPhase | null;
  /** Virtual clients per transport, as the generator built them. */
  clients: PerTransport;
  connected: PerTransport;
  messagesPerSecond: PerTransport;
  errors: PerTransport;
  /** The run so far, oldest first: about one a second, thinned to every other one past MAX_LOAD_SAMPLES (300). */
  samples: LoadSample[];
  /** The report `npm run load -- --json` writes, once finished. */
  result: LoadReport | null;
  error: LoadRunError | null;
}
