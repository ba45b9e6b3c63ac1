/**
 * The load generator's progress-line format (`--progress-json`): one JSON line
 * a second on stdout while the run goes, then the report. Written by
 * load/progress-display.ts, read by the lab's load control (server/load-control/).
 */
import type { TransportName } from './feed-event.ts';

/** The two phases of a run: clients still connecting, then the measured window. */
export type LoadPhase = 'ramp' | 'steady';

/** Per transport, in one worker. */
export interface TransportCounts {
  clients: number;
  /** Clients whose state is `open` right now. */
  open: number;
  messages: number;
  errors: number;
  reconnects: number;
}

export interface JsonProgressTransport extends TransportCounts {
  /** Events the clients received per second, over the last couple of seconds; null on the first line (nothing to compare with). */
  messagesPerSecond: number | null;
}

/** A `--progress-json` line while the run goes. */
export interface JsonProgressLine {
  type: 'progress';
  runId: string;
  elapsedS: number;
  durationS: number;
  phase: LoadPhase;
  transports: Partial<Record<TransportName, JsonProgressTransport>>;
}
