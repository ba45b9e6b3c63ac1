/** Long polling as the page explains and predicts it. */
import { longPollMeanLatencyMs, longPollRequestsPerSecond } from '../theory.ts';
import type { WebTransport } from './web-transport.ts';

export const longPoll = {
  wire: {
    oneLine: 'Asks and waits: the server holds the request until an event exists, then answers.',
    steps: [
      'The browser sends a request; the server keeps it open until an event after the given seq exists (or the timeout passes).',
      'The answer carries every event that exists by then, in the same JSON envelope as a short poll.',
      'The browser asks again at once. Events published while that new request travels ride in the next answer.',
    ],
    costs:
      'Latency is close to a streaming transport, but each batch of events costs a full request and response with headers.',
  },
  predictions: (c) => [
    {
      key: 'mean-latency',
      label: 'mean latency',
      formula: 'RTT/2 (+RTT/2 between polls)',
      detail: `half a round trip when a request is waiting at the server, plus half a round trip more for events that land while the next request travels; ${c.rttText}`,
      theory: longPollMeanLatencyMs(c.rate, c.rtt),
      measured: c.meanLatency,
      unit: 'ms',
    },
    {
      key: 'requests-per-second',
      label: 'requests per second',
      formula: 'one per batch of events',
      detail: `about one request per batch of events: ${c.rate} events/s${c.pattern === 'bursty' ? ` in bursts of ${c.burst}` : ''}, at most one per round trip; ${c.rttText}`,
      theory: longPollRequestsPerSecond(c.rate, c.rtt, c.timeoutMs, c.pattern, c.burst),
      measured: c.requestRate,
      unit: '/s',
    },
  ],
  theoryNote: (c) => `timeout ${c.timeoutMs / 1000} s · ${c.rttShort}`,
  clientSetting: 'timeoutMs',
  timesRoundTrip: false,
  heads: { request: 'Request head', response: 'Response head' },
  framed: false,
  reportsEngineTransport: false,
  firstEventBeside: null,
} satisfies WebTransport;
