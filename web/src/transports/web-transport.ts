/**
 * The page's record of a transport: what the dashboard says and predicts
 * about it, beside what both sides share (protocol/transport-records.ts:
 * name, look, path, capabilities). One file per transport in this folder,
 * listed in web-transport-registry.ts; the page asks the record instead of
 * switching on a transport's name.
 */
import type { TransportName } from '../../../protocol/feed-event.ts';
import type { ScenarioInfo } from '../../../protocol/scenario-info.ts';

export type PredictionUnit = 'ms' | 'B' | '/s' | '%';

export interface Prediction {
  /** Names the row for tests and exports: `mean-latency`, `requests-per-second`, `empty-answers`, `framing-down`. */
  key: 'mean-latency' | 'requests-per-second' | 'empty-answers' | 'framing-down';
  /** What is predicted, in plain words. */
  label: string;
  /** The formula, short enough for a column, e.g. "(T + RTT)/2 + RTT/2". */
  formula: string;
  /** The formula in words with the values used, for a tooltip and the export. */
  detail: string;
  theory: number;
  /** null until there is enough measured in the segment (warm-up.ts). */
  measured: number | null;
  unit: PredictionUnit;
}

/** What every transport's predictions draw on, computed once per column. */
export interface PredictionContext {
  /** The round trip theory uses, ms (0 before it is known). */
  rtt: number;
  rttText: string;
  /** The round trip for a caption: "RTT 4.0 ms" or "RTT – ms". */
  rttShort: string;
  rate: number;
  pattern: ScenarioInfo['pattern'];
  burst: number;
  intervalMs: number;
  timeoutMs: number;
  /** The newest seq (for the size of SSE's `id:` line). */
  seq: number;
  /** The event's bytes as sent (the segment's mean, or the scenario's data size before the first). */
  eventBytes: number;
  meanLatency: number | null;
  framingPerEvent: number | null;
  requestRate: number | null;
  emptyShare: number | null;
  /** The Engine.IO transport carrying the client now, for a record that reports one (else null). */
  engineTransport: 'polling' | 'websocket' | null;
}

/** "What happens on the wire", in plain words: `oneLine` sits in the column, `steps` below the charts. */
export interface WireExplanation {
  oneLine: string;
  steps: string[];
  costs: string;
}

export interface WebTransport {
  wire: WireExplanation;
  /** The theory rows of its column: the few figures whose prediction teaches something. */
  predictions(c: PredictionContext): Prediction[];
  /** The theory table's caption: the inputs its formulas use. */
  theoryNote(c: PredictionContext): string;
  /** The page's own setting that recreates its client when it changes. */
  clientSetting: 'intervalMs' | 'timeoutMs' | 'socketIoLane' | null;
  /** Other page settings of its client: a change of one recreates it too (none when absent). */
  alsoRecreatedBy?: readonly 'shortPollConditional'[];
  /** Its requests are answered at once, so their times are the round trip as the clients see it. */
  timesRoundTrip: boolean;
  /** The inspector's names for its two heads. */
  heads: { request: string; response: string };
  /** The inspector decodes its event's frame header (FIN, opcode, MASK, length). */
  framed: boolean;
  /**
   * Its client runs on an Engine.IO connection: the page watches which Engine.IO transport carries it
   * (polling / websocket), the upgrade, and each HTTP request (socket-io-engine-watch.ts), for its column and the
   * timeline; the inspector decodes its Engine.IO and Socket.IO packets (socket-io-packet-decode.ts).
   */
  reportsEngineTransport: boolean;
  /** The column whose start (time to first event, requests and bytes before it) this column shows beside its own. */
  firstEventBeside: TransportName | null;
}
