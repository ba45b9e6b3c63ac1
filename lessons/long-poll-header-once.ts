/**
 * "With long polling the request header is sent only once": count the long
 * poll's requests and header bytes per event. Each answer ends its request,
 * so the next event needs a new request with a full head.
 */
import { bothDirections, bytesPerEvent } from '../protocol/figures.ts';
import { feedRun, type Lesson, MissingData, round, transportIn } from './lesson.ts';

/** "Only once" allows exactly one request over the whole run. */
const ONCE_MAX_REQUESTS = 1;

export const longPollHeaderOnce = {
  id: 'long-poll-header-once',
  claim: 'With long polling the request header is sent only once',
  does: "Long-polls for 5 s at 5 events/s with a browser's headers over a 50 ms round trip and counts requests and header bytes per event.",
  prediction: {
    question: 'How many long-poll requests does the client make for about 25 events?',
    choices: [
      { id: 'one', text: 'One, held open' },
      { id: 'about-one-per-event', text: 'About one per event' },
      { id: 'one-per-timeout', text: 'One per 25 s timeout' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: 'stock-ticker at 5 events/s, long poll, RTT 50 ms',
      feed: { scenario: 'stock-ticker', ratePerSecond: 5 },
      network: { profile: 'custom', rttMs: 50 },
      transports: ['long-poll'],
      client: { headers: 'browser' },
      durationS: 5,
    },
  ],
  judge(measurements) {
    const run = feedRun(measurements, 0);
    const poll = transportIn(run, 'long-poll');
    const { requests, messages } = poll.whole;
    if (messages === 0) throw new MissingData('the long poll delivered no event');
    const headerBytes = bothDirections(poll.whole).header;
    const onceHeadBytes = poll.inspect
      ? new TextEncoder().encode(poll.inspect.requestHead).length +
        new TextEncoder().encode(poll.inspect.responseHead).length
      : null;
    const holds = requests <= ONCE_MAX_REQUESTS;
    const perEvent = requests / messages;
    return {
      verdict: holds ? 'holds' : 'does-not-hold',
      rightChoice: requests <= ONCE_MAX_REQUESTS ? 'one' : perEvent >= 0.5 ? 'about-one-per-event' : 'one-per-timeout',
      measured: {
        requests,
        events: messages,
        requestsPerEvent: round(perEvent, 2),
        headerBytes,
        headerBytesPerEvent: round(bytesPerEvent(poll.whole)?.header ?? 0),
      },
      theory: {
        requestsIfSentOnce: 1,
        headerBytesPerEventIfSentOnce: onceHeadBytes === null ? null : round(onceHeadBytes / messages),
      },
      sentence: `The long poll made ${requests} requests for ${messages} events (${round(perEvent, 2)} per event): ${headerBytes} B of headers, ${round(headerBytes / messages)} B per event${holds ? '.' : ', because every answer ends its request and the next one sends its head again.'}`,
    };
  },
  tryIt:
    "curl -s 'localhost:3000/api/feed/long-poll?client=me' twice, then curl -s 'localhost:3000/api/metrics?client=me': transports['long-poll'].requests counts each one",
} satisfies Lesson;
