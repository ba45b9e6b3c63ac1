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
import { WEB_TRANSPORTS } from './transports/web-transport-registry.ts';

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

export interface PredictionInputs {
  status: FeedStatus | null;
  scenario: ScenarioInfo | null;
  /** Round trip to the lab, ms. */
  rttMs: number | null;
  intervalMs: number;
  timeoutMs: number;
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
  };
}
