/**
 * The page's record of a transport: what the dashboard says and predicts
 * about it, beside what both sides share (protocol/transport-records.ts:
 * name, look, path, capabilities). One file per transport in this folder,
 * listed in web-transport-registry.ts; the page asks the record instead of
 * switching on a transport's name.
 */
import type { Prediction, PredictionContext } from '../predictions.ts';

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
  clientSetting: 'intervalMs' | 'timeoutMs' | null;
  /** Its requests are answered at once, so their times are the round trip as the clients see it. */
  timesRoundTrip: boolean;
  /** The inspector's names for its two heads. */
  heads: { request: string; response: string };
  /** The inspector decodes its event's frame header (FIN, opcode, MASK, length). */
  framed: boolean;
}
