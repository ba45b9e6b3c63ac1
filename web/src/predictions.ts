/**
 * Theory beside measurement: for each transport, the few figures whose
 * prediction teaches something, each with the formula in plain words. Used by
 * the columns and by the export, so both always say the same.
 */
import type { TransportName } from '../../protocol/feed-event.ts';
import type { FeedStatus, ScenarioInfo } from './lab-api.ts';
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
  /** What is predicted, in plain words. */
  label: string;
  /** The formula, short enough for a column, e.g. "(T + RTT)/2 + RTT/2". */
  formula: string;
  /** The formula in words with the values used, for a tooltip and the export. */
  detail: string;
  theory: number;
  /** null until there is something measured. */
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
  const meanLatency = view.latency.count > 0 ? view.latency.mean : null;
  const { meter } = view;
  const payloadPerEvent =
    meter.messages > 0 ? meter.bytes.down.payload / meter.messages : (inputs.scenario?.payload.bytes ?? 0);
  const framingPerEvent = meter.messages > 0 ? meter.bytes.down.framing / meter.messages : null;
  const rttText = `RTT = ${rtt.toFixed(1)} ms`;
  const byTransport: Record<TransportName, () => Prediction[]> = {
    'short-poll': () => [
      {
        label: 'mean latency',
        formula: '(T + RTT)/2 + RTT/2',
        detail: `half a poll cycle of T + RTT, then half a round trip back; T = ${inputs.intervalMs} ms, ${rttText}`,
        theory: shortPollMeanLatencyMs(inputs.intervalMs, rtt),
        measured: meanLatency,
        unit: 'ms',
      },
      {
        label: 'requests per second',
        formula: '1 / (T + RTT)',
        detail: `one request per cycle of interval + round trip; T = ${inputs.intervalMs} ms, ${rttText}`,
        theory: shortPollRequestsPerSecond(inputs.intervalMs, rtt),
        measured: meter.requests > 0 ? view.requestRate : null,
        unit: '/s',
      },
      {
        label: 'empty answers',
        formula: 'no event within T + RTT',
        detail: `chance that one poll cycle of T + RTT sees no event at ${rate} events/s (${pattern} arrivals)`,
        theory: shortPollEmptyShare(rate, inputs.intervalMs, rtt, pattern, burst) * 100,
        measured: meter.requests > 0 ? (meter.emptyResponses / meter.requests) * 100 : null,
        unit: '%',
      },
    ],
    'long-poll': () => [
      {
        label: 'mean latency',
        formula: 'RTT/2 (+RTT/2 between polls)',
        detail: `half a round trip when a request is waiting at the server, plus half a round trip more for events that land while the next request travels; ${rttText}`,
        theory: longPollMeanLatencyMs(rate, rtt),
        measured: meanLatency,
        unit: 'ms',
      },
      {
        label: 'requests per second',
        formula: 'one per batch of events',
        detail: `about one request per batch of events: ${rate} events/s${pattern === 'bursty' ? ` in bursts of ${burst}` : ''}, at most one per round trip; ${rttText}`,
        theory: longPollRequestsPerSecond(rate, rtt, inputs.timeoutMs, pattern, burst),
        measured: meter.requests > 0 ? view.requestRate : null,
        unit: '/s',
      },
    ],
    sse: () => [
      {
        label: 'mean latency',
        formula: 'RTT/2',
        detail: `half a round trip: the response is already open; ${rttText}`,
        theory: streamLatencyMs(rtt),
        measured: meanLatency,
        unit: 'ms',
      },
      {
        label: 'framing per event',
        formula: 'id: + data: + 2 newlines + chunk size',
        detail:
          '"id: N\\n" + "data: " + "\\n\\n" around the event, plus the chunk size line (hex + CRLF) and the CRLF that ends the chunk',
        theory: sseEventFramingBytes(inputs.status?.seq ?? view.lastSeq, Math.round(payloadPerEvent)),
        measured: framingPerEvent,
        unit: 'B',
      },
    ],
    websocket: () => [
      {
        label: 'mean latency',
        formula: 'RTT/2',
        detail: `half a round trip: the connection is already open; ${rttText}`,
        theory: streamLatencyMs(rtt),
        measured: meanLatency,
        unit: 'ms',
      },
      {
        label: 'framing per event',
        formula: 'frame header: 2, 4 or 10 B',
        detail: `frame header for a ${Math.round(payloadPerEvent)} B event: 2 B up to 125 B, 4 B up to 65,535 B, else 10 B`,
        theory: webSocketFrameHeaderBytes(payloadPerEvent),
        measured: framingPerEvent,
        unit: 'B',
      },
    ],
  };
  return byTransport[view.transport]();
}
