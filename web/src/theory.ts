/**
 * What theory predicts, as small pure formulas, so the page can show each
 * prediction beside the measured value and a test can check the arithmetic.
 * Times are in milliseconds, sizes in bytes, rates per second.
 */

// Defined once in protocol/, shared with the lessons.
export {
  longPollMeanLatencyMs,
  shortPollMeanLatencyMs,
  streamLatencyMs,
  webSocketFrameHeaderBytes,
} from '../../protocol/theory.ts';

/** Short poll requests per second: one per cycle of interval + round trip. */
export function shortPollRequestsPerSecond(intervalMs: number, rttMs: number): number {
  const cycleMs = intervalMs + rttMs;
  return cycleMs > 0 ? 1000 / cycleMs : 0;
}

/**
 * Share of short-poll answers that carry no event. A cycle of T + RTT sees on
 * average rate × cycle events. Poisson arrivals: P(none) = e^(−rate × cycle).
 * Steady arrivals: a cycle shorter than the gap between events is empty with
 * probability 1 − rate × cycle. Bursty arrivals count bursts, not events.
 */
export function shortPollEmptyShare(
  ratePerSecond: number,
  intervalMs: number,
  rttMs: number,
  pattern: 'steady' | 'poisson' | 'bursty',
  burstSize = 1,
): number {
  const cycleS = (intervalMs + rttMs) / 1000;
  const arrivalsPerSecond = pattern === 'bursty' ? ratePerSecond / Math.max(1, burstSize) : ratePerSecond;
  const perCycle = arrivalsPerSecond * cycleS;
  if (pattern === 'steady') return Math.max(0, 1 - perCycle);
  return Math.exp(-perCycle);
}

/**
 * Long poll requests per second: about one per batch of events. Each answer
 * is followed by a new request one round trip later; events published in
 * that round trip ride in the next answer. With no events, one request per
 * timeout.
 */
export function longPollRequestsPerSecond(
  ratePerSecond: number,
  rttMs: number,
  timeoutMs: number,
  pattern: 'steady' | 'poisson' | 'bursty' = 'steady',
  burstSize = 1,
): number {
  const batchesPerSecond = pattern === 'bursty' ? ratePerSecond / Math.max(1, burstSize) : ratePerSecond;
  if (batchesPerSecond <= 0) return 1000 / timeoutMs;
  const cycleS =
    pattern === 'poisson' ? rttMs / 1000 + 1 / batchesPerSecond : Math.max(rttMs / 1000, 1 / batchesPerSecond);
  return Math.max(1 / cycleS, 1000 / timeoutMs);
}

/**
 * SSE framing of one event in one HTTP chunk: `id: N\n` + `data: ` + `\n\n`
 * around the event, then the chunk's size line (hex + CRLF) and its closing CRLF.
 */
export function sseEventFramingBytes(seq: number, payloadBytes: number): number {
  const fields = `id: ${seq}\n`.length + 'data: '.length + '\n\n'.length;
  const chunkBody = fields + payloadBytes;
  return fields + chunkBody.toString(16).length + 2 + 2;
}

/**
 * The polling answer's JSON envelope around `events` events:
 * `{"epoch":"E","next":N,"events":[` … `]}` plus a comma between events.
 */
export function pollEnvelopeBytes(epoch: string, next: number, events: number): number {
  return `{"epoch":${JSON.stringify(epoch)},"next":${next},"events":[]}`.length + Math.max(0, events - 1);
}

/**
 * Header bytes per delivered event for a polling transport: each request and
 * its answer carry full HTTP heads, shared by the events of that answer.
 */
export function pollHeaderBytesPerEvent(
  requestHeadBytes: number,
  responseHeadBytes: number,
  eventsPerAnswer: number,
): number {
  return (requestHeadBytes + responseHeadBytes) / Math.max(1, eventsPerAnswer);
}

/**
 * Socket.IO over HTTP long polling, server → client framing per event: each
 * event's Engine.IO packet around its bytes (`envelopeBytes`: the `4`,
 * `2/feed,["feed",` … `]` and the recovery offset) plus the `\x1e` between
 * the packets of one answer, (k − 1)/k per event for k events an answer. No
 * frame header: each answer pays HTTP heads instead, counted as header.
 */
export function socketIoPollingFramingPerEvent(envelopeBytes: number, eventsPerAnswer: number): number {
  const k = Math.max(1, eventsPerAnswer);
  return envelopeBytes + (k - 1) / k;
}
