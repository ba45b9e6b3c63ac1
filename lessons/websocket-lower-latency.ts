/**
 * "WebSocket reduces latency compared with polling": all four transports under
 * `fast-4g` (165 ms round trip); push needs half a round trip, polling waits
 * for its next request.
 */
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import { longPollMeanLatencyMs, shortPollMeanLatencyMs, streamLatencyMs } from '../protocol/theory.ts';
import { feedRun, known, type Lesson, round, transportIn } from './lesson.ts';

/** A gain counts when WebSocket's mean latency is at least this share below the other's. */
const MEANINGFUL_GAIN_SHARE = 0.1;
const INTERVAL_MS = 1000;

export const websocketLowerLatency = {
  id: 'websocket-lower-latency',
  claim: 'WebSocket reduces latency compared with polling',
  does: `Runs all four transports for 10 s at 2 events/s under fast-4g (165 ms round trip), short polling every ${INTERVAL_MS} ms, and compares mean delivery latency.`,
  prediction: {
    question: 'Under fast-4g, which is WebSocket faster than?',
    choices: [
      { id: 'both', text: 'Short and long polling' },
      { id: 'short-only', text: 'Short polling only: long polling is as fast' },
      { id: 'neither', text: 'Neither' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: `fast-4g, stock-ticker at 2 events/s, short poll every ${INTERVAL_MS} ms`,
      feed: { scenario: 'stock-ticker', ratePerSecond: 2 },
      network: { profile: 'fast-4g' },
      transports: [...TRANSPORT_NAMES],
      client: { shortPollIntervalMs: INTERVAL_MS },
      durationS: 10,
    },
  ],
  judge(measurements) {
    const run = feedRun(measurements, 0);
    const meanOf = (t: (typeof TRANSPORT_NAMES)[number]): number =>
      known(transportIn(run, t).latencyMs.mean, `${t} latency`);
    const ws = meanOf('websocket');
    const short = meanOf('short-poll');
    const long = meanOf('long-poll');
    const sse = meanOf('sse');
    const beats = (other: number): boolean => ws <= other * (1 - MEANINGFUL_GAIN_SHARE);
    const beatsShort = beats(short);
    const beatsLong = beats(long);
    const verdict = beatsShort && beatsLong ? 'holds' : beatsShort || beatsLong ? 'holds-if' : 'does-not-hold';
    return {
      verdict,
      ...(verdict === 'holds-if'
        ? {
            condition: beatsShort
              ? `it is compared with short polling (${round(short)} ms); long polling delivered in ${round(long)} ms against WebSocket's ${round(ws)} ms, because a request is already waiting when events are rarer than one per round trip`
              : `it is compared with long polling only (${round(long)} ms against ${round(ws)} ms)`,
          }
        : {}),
      rightChoice: beatsShort && beatsLong ? 'both' : beatsShort ? 'short-only' : 'neither',
      measured: {
        websocketMeanMs: round(ws),
        sseMeanMs: round(sse),
        longPollMeanMs: round(long),
        shortPollMeanMs: round(short),
        rttMs: run.rttMs,
      },
      theory: {
        websocketMeanMs: round(streamLatencyMs(run.rttMs)),
        sseMeanMs: round(streamLatencyMs(run.rttMs)),
        longPollMeanMs: round(longPollMeanLatencyMs(run.ratePerSecond, run.rttMs)),
        shortPollMeanMs: round(shortPollMeanLatencyMs(INTERVAL_MS, run.rttMs)),
      },
      sentence: `Under a ${run.rttMs} ms round trip the mean delivery latency was ${round(ws)} ms over WebSocket (theory RTT/2 = ${round(streamLatencyMs(run.rttMs))}), ${round(sse)} ms over SSE, ${round(long)} ms by long polling and ${round(short)} ms by short polling every ${INTERVAL_MS} ms (theory ${round(shortPollMeanLatencyMs(INTERVAL_MS, run.rttMs))}).`,
    };
  },
  tryIt:
    'curl -s -X PUT localhost:3000/api/network -H \'content-type: application/json\' -d \'{"profile":"fast-4g"}\', then watch the four p50 columns in the dashboard',
} satisfies Lesson;
