/**
 * "WebSocket sends headers only once": every transport runs side by side; a
 * transport sent its HTTP heads only once when it made one request and no
 * header byte crossed in the measured window after its start.
 */
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { bothDirections } from '../protocol/figures.ts';
import { feedRun, type Lesson, round, transportIn } from './lesson.ts';

/** A transport "sent its headers once" when it made at most this many requests over the run. */
const ONCE_MAX_REQUESTS = 1;

export const websocketHeadersOnce = {
  id: 'websocket-headers-once',
  claim: 'WebSocket sends headers only once',
  does: 'Runs every transport side by side for 8 s at 10 events/s with browser headers and counts every header byte each one sent.',
  prediction: {
    question: 'Which transports send HTTP headers only once for the whole run?',
    choices: [
      { id: 'websocket', text: 'WebSocket only' },
      { id: 'websocket-sse', text: 'WebSocket and SSE' },
      { id: 'all', text: 'All of them: keep-alive reuses the headers' },
      { id: 'none', text: 'None of them' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: 'stock-ticker at 10 events/s, all four transports',
      feed: { scenario: 'stock-ticker', ratePerSecond: 10 },
      transports: [...TRANSPORT_NAMES],
      client: { shortPollIntervalMs: 500 },
      durationS: 8,
    },
  ],
  judge(measurements) {
    const run = feedRun(measurements, 0);
    const once: TransportName[] = [];
    const measured: Record<string, number> = {};
    // WebSocket first: the table shows the first figures.
    for (const transport of [...TRANSPORT_NAMES].reverse()) {
      const t = transportIn(run, transport);
      const headerBytes = bothDirections(t.whole).header;
      measured[`${transport}HeaderBytes`] = headerBytes;
      measured[`${transport}Requests`] = t.whole.requests;
      measured[`${transport}WindowHeaderBytes`] = bothDirections(t.window).header;
      if (t.whole.requests <= ONCE_MAX_REQUESTS && bothDirections(t.window).header === 0) once.push(transport);
    }
    const ws = once.includes('websocket');
    const rightChoice =
      once.length === 0
        ? 'none'
        : once.length === TRANSPORT_NAMES.length
          ? 'all'
          : ws && once.length === 1
            ? 'websocket'
            : 'websocket-sse';
    const others = once.filter((t) => t !== 'websocket');
    const sentence = ws
      ? `WebSocket sent ${measured.websocketHeaderBytes} B of headers in ${measured.websocketRequests} request (its upgrade) and none after it; ` +
        (others.length > 0 ? `so did ${others.join(', ')} (one long response), while ` : 'while ') +
        `short polling sent ${measured['short-pollHeaderBytes']} B in ${measured['short-pollRequests']} requests and long polling ${measured['long-pollHeaderBytes']} B in ${measured['long-pollRequests']}.`
      : `WebSocket made ${measured.websocketRequests} requests and sent ${measured.websocketWindowHeaderBytes} B of headers after its start.`;
    return {
      // The claim is about WebSocket; that SSE does the same is worth saying, not a condition.
      verdict: ws ? 'holds' : 'does-not-hold',
      rightChoice,
      measured,
      theory: {
        websocketRequests: 1,
        sseRequests: 1,
        shortPollRequestsAbout: round((8 * 1000) / 500),
      },
      sentence,
    };
  },
  tryIt:
    "curl -s 'localhost:3000/api/metrics?client=me' after opening ws://localhost:3000/api/feed/websocket?client=me: requests stays 1, bytes.up.header does not grow",
} satisfies Lesson;
