/**
 * "Polling is not real time": short-poll delivery latency at three intervals
 * under the same round trip, against (T + RTT)/2 + RTT/2 and against a
 * WebSocket in the same run.
 */
import { shortPollMeanLatencyMs, streamLatencyMs } from '../protocol/theory.ts';
import { type FeedRunPlan, feedRun, known, type Lesson, round, transportIn } from './lesson.ts';

/** "Real time" to a person: a reaction within 0.1 s feels instant (Nielsen's limit). */
const REAL_TIME_BUDGET_MS = 100;
const RTT_MS = 50;
const INTERVALS_MS = [50, 500, 2000];

const runs: FeedRunPlan[] = INTERVALS_MS.map((intervalMs) => ({
  kind: 'feed',
  label: `short poll every ${intervalMs} ms, RTT ${RTT_MS} ms`,
  feed: { scenario: 'stock-ticker', ratePerSecond: 10 },
  network: { profile: 'custom', rttMs: RTT_MS },
  transports: ['short-poll', 'websocket'],
  client: { shortPollIntervalMs: intervalMs },
  durationS: intervalMs >= 2000 ? 8 : 5,
}));

export const pollingNotRealTime = {
  id: 'polling-not-real-time',
  claim: 'Polling is not real time',
  does: `Short-polls every ${INTERVALS_MS.join(', ')} ms over a ${RTT_MS} ms round trip, beside a WebSocket, and measures how late each event arrives.`,
  prediction: {
    question: `Polling every ${INTERVALS_MS[0]} ms over a ${RTT_MS} ms round trip: does the average event arrive within ${REAL_TIME_BUDGET_MS} ms?`,
    choices: [
      { id: 'yes', text: `Yes, within ${REAL_TIME_BUDGET_MS} ms` },
      { id: 'no', text: `No, later than ${REAL_TIME_BUDGET_MS} ms` },
    ],
  },
  plan: runs,
  judge(measurements) {
    const points = INTERVALS_MS.map((intervalMs, i) => {
      const run = feedRun(measurements, i);
      const poll = transportIn(run, 'short-poll');
      return {
        intervalMs,
        meanMs: known(poll.latencyMs.mean, `short-poll latency at ${intervalMs} ms`),
        theoryMs: shortPollMeanLatencyMs(intervalMs, run.rttMs),
        requestsPerSecond: poll.window.requests / run.durationS,
        websocketMs: transportIn(run, 'websocket').latencyMs.mean,
        rttMs: run.rttMs,
      };
    });
    const inBudget = points.filter((p) => p.meanMs <= REAL_TIME_BUDGET_MS);
    const verdict = inBudget.length === 0 ? 'holds' : inBudget.length === points.length ? 'does-not-hold' : 'holds-if';
    const measured: Record<string, number | null> = {};
    const theory: Record<string, number> = {};
    for (const p of points) {
      measured[`shortPollMeanMsAt${p.intervalMs}`] = round(p.meanMs);
      measured[`requestsPerSecondAt${p.intervalMs}`] = round(p.requestsPerSecond);
      theory[`shortPollMeanMsAt${p.intervalMs}`] = round(p.theoryMs);
    }
    const ws = points[0]?.websocketMs ?? null;
    measured.websocketMeanMs = ws === null ? null : round(ws);
    theory.websocketMeanMs = streamLatencyMs(points[0]?.rttMs ?? RTT_MS);
    const first = points[0];
    const fastest = inBudget.at(-1);
    const slowEnough = points.find((p) => p.meanMs > REAL_TIME_BUDGET_MS);
    const list = points
      .map((p) => `${round(p.meanMs)} ms at ${p.intervalMs} ms (theory ${round(p.theoryMs)})`)
      .join(', ');
    return {
      verdict,
      ...(verdict === 'holds-if' && fastest && slowEnough
        ? {
            condition: `the interval is long (here ${slowEnough.intervalMs} ms or more): polling every ${fastest.intervalMs} ms delivered in ${round(fastest.meanMs)} ms on average, at ${round(fastest.requestsPerSecond)} requests/s`,
          }
        : {}),
      rightChoice: first && first.meanMs <= REAL_TIME_BUDGET_MS ? 'yes' : 'no',
      measured,
      theory,
      sentence: `Short-poll mean latency: ${list}; the WebSocket beside it ${ws === null ? 'delivered nothing' : `${round(ws)} ms`}.`,
    };
  },
  tryIt:
    'In the dashboard set the network to custom 50 ms and the poll interval to 50 ms, then 2000 ms: watch the short-poll p50 and requests/s',
} satisfies Lesson;
