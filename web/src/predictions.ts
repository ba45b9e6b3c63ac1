/**
 * Theory beside measurement: for each transport, the few figures whose
 * prediction teaches something, each with the formula in plain words. Used by
 * the columns and by the export, so both always say the same.
 */
import type { TransportName } from '../../protocol/feed-event.ts';
import { downFramingPerEvent, emptyAnswerShare, payloadPerEvent } from '../../protocol/figures.ts';
import type { ScenarioInfo } from '../../protocol/scenario-info.ts';
import type { FeedStatus } from './lab-api.ts';
import type { TransportView } from './lab-store.ts';
import {
  longPollMeanLatencyMs,
  longPollRequestsPerSecond,
  shortPollEmptyShare,
  shortPollMeanLatencyMs,
  shortPollRequestsPerSecond,
  sseEventFramingBytes,
  streamLatencyMs,
  webSocketFrameHeaderBytes,
} from './theory.ts';

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

export function predictionsFor(view: TransportView, inputs: PredictionInputs): Prediction[] {
  const rtt = inputs.rttMs ?? 0;
  const rate = inputs.status?.ratePerSecond ?? inputs.scenario?.ratePerSecond ?? 0;
  const pattern = inputs.scenario?.pattern ?? 'steady';
  const burst = inputs.scenario?.burstSize ?? 1;
  const { meter, ready } = view;
  const meanLatency = ready.latency ? view.latency.mean : null;
  const eventBytes = payloadPerEvent(meter) ?? inputs.status?.payloadBytes ?? inputs.scenario?.payload.bytes ?? 0;
  const framingPerEvent = ready.bytes ? downFramingPerEvent(meter) : null;
  const requestRate = ready.requests ? view.requestRate : null;
  const rttText = `RTT = ${rtt.toFixed(1)} ms`;
  const byTransport: Record<TransportName, () => Prediction[]> = {
    'short-poll': () => [
      {
        key: 'mean-latency',
        label: 'mean latency',
        formula: '(T + RTT)/2 + RTT/2',
        detail: `half a poll cycle of T + RTT, then half a round trip back; T = ${inputs.intervalMs} ms, ${rttText}`,
        theory: shortPollMeanLatencyMs(inputs.intervalMs, rtt),
        measured: meanLatency,
        unit: 'ms',
      },
      {
        key: 'requests-per-second',
        label: 'requests per second',
        formula: '1 / (T + RTT)',
        detail: `one request per cycle of interval + round trip; T = ${inputs.intervalMs} ms, ${rttText}`,
        theory: shortPollRequestsPerSecond(inputs.intervalMs, rtt),
        measured: requestRate,
        unit: '/s',
      },
      {
        key: 'empty-answers',
        label: 'empty answers',
        formula: 'no event within T + RTT',
        detail: `chance that one poll cycle of T + RTT sees no event at ${rate} events/s (${pattern} arrivals)`,
        theory: shortPollEmptyShare(rate, inputs.intervalMs, rtt, pattern, burst) * 100,
        measured: ready.requests ? emptyAnswerShare(meter) : null,
        unit: '%',
      },
    ],
    'long-poll': () => [
      {
        key: 'mean-latency',
        label: 'mean latency',
        formula: 'RTT/2 (+RTT/2 between polls)',
        detail: `half a round trip when a request is waiting at the server, plus half a round trip more for events that land while the next request travels; ${rttText}`,
        theory: longPollMeanLatencyMs(rate, rtt),
        measured: meanLatency,
        unit: 'ms',
      },
      {
        key: 'requests-per-second',
        label: 'requests per second',
        formula: 'one per batch of events',
        detail: `about one request per batch of events: ${rate} events/s${pattern === 'bursty' ? ` in bursts of ${burst}` : ''}, at most one per round trip; ${rttText}`,
        theory: longPollRequestsPerSecond(rate, rtt, inputs.timeoutMs, pattern, burst),
        measured: requestRate,
        unit: '/s',
      },
    ],
    sse: () => [
      {
        key: 'mean-latency',
        label: 'mean latency',
        formula: 'RTT/2',
        detail: `half a round trip: the response is already open; ${rttText}`,
        theory: streamLatencyMs(rtt),
        measured: meanLatency,
        unit: 'ms',
      },
      {
        key: 'framing-down',
        label: 'framing per event, server → client',
        formula: 'id: + data: + 2 newlines + chunk size',
        detail:
          '"id: N\\n" + "data: " + "\\n\\n" around the event, plus the chunk size line (hex + CRLF) and the CRLF that ends the chunk',
        theory: sseEventFramingBytes(inputs.status?.seq ?? view.lastSeq, Math.round(eventBytes)),
        measured: framingPerEvent,
        unit: 'B',
      },
    ],
    websocket: () => [
      {
        key: 'mean-latency',
        label: 'mean latency',
        formula: 'RTT/2',
        detail: `half a round trip: the connection is already open; ${rttText}`,
        theory: streamLatencyMs(rtt),
        measured: meanLatency,
        unit: 'ms',
      },
      {
        key: 'framing-down',
        label: 'framing per event, server → client',
        formula: 'frame header: 2, 4 or 10 B',
        detail: `frame header for a ${Math.round(eventBytes)} B event: 2 B up to 125 B, 4 B up to 65,535 B, else 10 B`,
        theory: webSocketFrameHeaderBytes(eventBytes),
        measured: framingPerEvent,
        unit: 'B',
      },
    ],
  };
  return byTransport[view.transport]();
}
