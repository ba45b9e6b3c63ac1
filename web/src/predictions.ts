/**
 * Theory beside measurement: each transport's record (transports/) names the
 * few figures whose prediction teaches something, each with the formula in
 * plain words; this file gives them what they draw on. Used by the columns
 * and by the export, so both always say the same.
 */
import { downFramingPerEvent, emptyAnswerShare, payloadPerEvent } from '../../protocol/figures.ts';
import type { ScenarioInfo } from '../../protocol/scenario-info.ts';
import * as fmt from './format.ts';
import type { FeedStatus } from './lab-api.ts';
import type { TransportView } from './lab-store.ts';
import type { Prediction, PredictionContext } from './transports/web-transport.ts';
import { WEB_TRANSPORTS } from './transports/web-transport-registry.ts';

export interface PredictionInputs {
  status: FeedStatus | null;
  scenario: ScenarioInfo | null;
  /** Round trip to the lab, ms. */
  rttMs: number | null;
  intervalMs: number;
  timeoutMs: number;
}

export function predictionsFor(view: TransportView, inputs: PredictionInputs): Prediction[] {
  return WEB_TRANSPORTS[view.transport].predictions(predictionContext(view, inputs));
}

/** The theory table's caption for `view`'s transport. */
export function theoryNoteFor(view: TransportView, inputs: PredictionInputs): string {
  return WEB_TRANSPORTS[view.transport].theoryNote(predictionContext(view, inputs));
}

function predictionContext(view: TransportView, inputs: PredictionInputs): PredictionContext {
  const rtt = inputs.rttMs ?? 0;
  const { meter, ready } = view;
  return {
    rtt,
    rttText: `RTT = ${rtt.toFixed(1)} ms`,
    rttShort: `RTT ${inputs.rttMs === null ? '–' : fmt.ms(inputs.rttMs)} ms`,
    rate: inputs.status?.ratePerSecond ?? inputs.scenario?.ratePerSecond ?? 0,
    pattern: inputs.scenario?.pattern ?? 'steady',
    burst: inputs.scenario?.burstSize ?? 1,
    intervalMs: inputs.intervalMs,
    timeoutMs: inputs.timeoutMs,
    seq: inputs.status?.seq ?? view.lastSeq,
    eventBytes: payloadPerEvent(meter) ?? inputs.status?.payloadBytes ?? inputs.scenario?.payload.bytes ?? 0,
    meanLatency: ready.latency ? view.latency.mean : null,
    framingPerEvent: ready.bytes ? downFramingPerEvent(meter) : null,
    requestRate: ready.requests ? view.requestRate : null,
    emptyShare: ready.requests ? emptyAnswerShare(meter) : null,
    engineTransport: view.engine?.transport ?? null,
  };
}
