/**
 * "Long polling is 2.5× faster than AJAX": the ratio of short-poll to
 * long-poll latency over a grid of poll intervals and round trips. If it were
 * a constant, every point of the grid would give about 2.5.
 */
import { longPollMeanLatencyMs, shortPollMeanLatencyMs } from '../protocol/theory.ts';
import { type FeedRunPlan, feedRun, known, type Lesson, round, transportIn } from './lesson.ts';

const CLAIMED_RATIO = 2.5;
/** A measured ratio "is 2.5×" within this share of it. */
const RATIO_TOLERANCE_SHARE = 0.25;
const RATE_PER_SECOND = 4;
const GRID = [
  { intervalMs: 250, rttMs: 20 },
  { intervalMs: 250, rttMs: 200 },
  { intervalMs: 1000, rttMs: 20 },
  { intervalMs: 1000, rttMs: 200 },
];

const runs: FeedRunPlan[] = GRID.map(({ intervalMs, rttMs }) => ({
  kind: 'feed',
  label: `short poll every ${intervalMs} ms against long poll, RTT ${rttMs} ms`,
  feed: { scenario: 'stock-ticker', ratePerSecond: RATE_PER_SECOND },
  network: { profile: 'custom', rttMs },
  transports: ['short-poll', 'long-poll'],
  client: { shortPollIntervalMs: intervalMs },
  durationS: 5,
}));

export const longPollFasterThanAjax = {
  id: 'long-poll-faster-than-ajax',
  claim: 'Long polling is 2.5× faster than AJAX',
  does: `Runs a short poll (AJAX) and a long poll side by side at ${GRID.length} combinations of poll interval and round trip and divides their mean latencies.`,
  prediction: {
    question: 'How does "short-poll latency ÷ long-poll latency" behave as the interval and the round trip change?',
    choices: [
      { id: 'constant', text: 'It stays about 2.5' },
      { id: 'curve', text: 'It changes a lot: a curve, not a constant' },
      { id: 'below-one', text: 'Long polling is slower' },
    ],
  },
  plan: runs,
  judge(measurements) {
    const points = GRID.map((point, i) => {
      const run = feedRun(measurements, i);
      const shortMs = known(transportIn(run, 'short-poll').latencyMs.mean, `short-poll latency in "${run.label}"`);
      const longMs = known(transportIn(run, 'long-poll').latencyMs.mean, `long-poll latency in "${run.label}"`);
      const theoryRatio =
        shortPollMeanLatencyMs(point.intervalMs, run.rttMs) /
        Math.max(1, longPollMeanLatencyMs(run.ratePerSecond, run.rttMs));
      return { ...point, rttMs: run.rttMs, ratio: shortMs / Math.max(longMs, 0.001), shortMs, longMs, theoryRatio };
    });
    const near = points.filter((p) => Math.abs(p.ratio / CLAIMED_RATIO - 1) <= RATIO_TOLERANCE_SHARE);
    const ratios = points.map((p) => p.ratio);
    const lowest = Math.min(...ratios);
    const highest = Math.max(...ratios);
    const verdict = near.length === points.length ? 'holds' : near.length > 0 ? 'holds-if' : 'does-not-hold';
    const measured: Record<string, number> = {};
    const theory: Record<string, number> = {};
    for (const p of points) {
      const key = `T${p.intervalMs}Rtt${p.rttMs}`;
      measured[`ratio${key}`] = round(p.ratio, 2);
      measured[`shortPollMeanMs${key}`] = round(p.shortMs);
      measured[`longPollMeanMs${key}`] = round(p.longMs);
      theory[`ratio${key}`] = round(p.theoryRatio, 2);
    }
    const rightChoice = highest < 1 ? 'below-one' : near.length === points.length ? 'constant' : 'curve';
    const list = points.map((p) => `${round(p.ratio, 1)}× at T ${p.intervalMs} ms / RTT ${p.rttMs} ms`).join(', ');
    return {
      verdict,
      ...(verdict === 'holds-if'
        ? {
            condition: `the interval and round trip are near ${near.map((p) => `T ${p.intervalMs} ms with RTT ${p.rttMs} ms`).join(' or ')}; across the grid it ranged ${round(lowest, 1)}–${round(highest, 1)}×`,
          }
        : {}),
      rightChoice,
      measured,
      theory,
      sentence:
        `Short-poll ÷ long-poll mean latency: ${list}; ` +
        (verdict === 'holds'
          ? `about ${CLAIMED_RATIO}× everywhere.`
          : `from ${round(lowest, 1)}× to ${round(highest, 1)}×, a curve and not a constant ${CLAIMED_RATIO}×.`),
    };
  },
  tryIt:
    'In the dashboard set the network to custom 200 ms, then change the short-poll interval between 250 and 1000 ms: compare the short- and long-poll p50',
} satisfies Lesson;
