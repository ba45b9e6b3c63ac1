/** Short polling as the page explains and predicts it. */
import { shortPollEmptyShare, shortPollMeanLatencyMs, shortPollRequestsPerSecond } from '../theory.ts';
import type { WebTransport } from './web-transport.ts';

export const shortPoll = {
  wire: {
    oneLine: 'Asks "anything new?" on a timer; the server answers at once, often with nothing.',
    steps: [
      'The browser sends a full HTTP request (about 500 bytes of headers) with the newest seq it has.',
      'The server answers at once: a small JSON envelope with every event after that seq, or an empty list.',
      'The browser waits the poll interval, then asks again. An event waits on average half a cycle before anyone asks for it.',
    ],
    costs: 'Latency grows with the interval; headers are paid on every request, even the empty ones.',
  },
  predictions: (c) => [
    {
      key: 'mean-latency',
      label: 'mean latency',
      formula: '(T + RTT)/2 + RTT/2',
      detail: `half a poll cycle of T + RTT, then half a round trip back; T = ${c.intervalMs} ms, ${c.rttText}`,
      theory: shortPollMeanLatencyMs(c.intervalMs, c.rtt),
      measured: c.meanLatency,
      unit: 'ms',
    },
    {
      key: 'requests-per-second',
      label: 'requests per second',
      formula: '1 / (T + RTT)',
      detail: `one request per cycle of interval + round trip; T = ${c.intervalMs} ms, ${c.rttText}`,
      theory: shortPollRequestsPerSecond(c.intervalMs, c.rtt),
      measured: c.requestRate,
      unit: '/s',
    },
    {
      key: 'empty-answers',
      label: 'empty answers',
      formula: 'no event within T + RTT',
      detail: `chance that one poll cycle of T + RTT sees no event at ${c.rate} events/s (${c.pattern} arrivals)`,
      theory: shortPollEmptyShare(c.rate, c.intervalMs, c.rtt, c.pattern, c.burst) * 100,
      measured: c.emptyShare,
      unit: '%',
    },
  ],
  theoryNote: (c) => `T (poll interval) ${c.intervalMs} ms · ${c.rttShort}`,
  clientSetting: 'intervalMs',
  alsoRecreatedBy: ['shortPollConditional'],
  timesRoundTrip: true,
  heads: { request: 'Request head', response: 'Response head' },
  framed: false,
  reportsEngineTransport: false,
  firstEventBeside: null,
} satisfies WebTransport;
