/** The mean-latency row both streaming transports share. */
import { streamLatencyMs } from '../theory.ts';
import type { Prediction, PredictionContext } from './web-transport.ts';

/** A streaming transport's mean latency: half a round trip, since `why` (its response or connection is open). */
export function streamMeanLatency(c: PredictionContext, why: string): Prediction {
  return {
    key: 'mean-latency',
    label: 'mean latency',
    formula: 'RTT/2',
    detail: `half a round trip: ${why}; ${c.rttText}`,
    theory: streamLatencyMs(c.rtt),
    measured: c.meanLatency,
    unit: 'ms',
  };
}
