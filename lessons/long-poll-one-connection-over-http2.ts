/**
 * Long polling over one multiplexed connection: a long-poll client that also
 * publishes upstream, once over TLS on HTTP/1.1 and once on HTTP/2. Over
 * HTTP/1.1 the held poll occupies its connection, so a publish needs a second
 * one; over HTTP/2 the polls and the POSTs are streams of one connection.
 */
import { type FeedRunPlan, feedRun, type Lesson, MissingData, transportIn } from './lesson.ts';

/** HTTP/2: one TCP connection for every request. */
const H2_CONNECTIONS = 1;
/** HTTP/1.1: the held poll's connection, and one more for the POST sent while it is held. */
const HTTP1_CONNECTIONS_AT_LEAST = 2;

const run = (http: 'http/1.1' | 'h2'): FeedRunPlan => ({
  kind: 'feed',
  label: `stock-ticker at 2 events/s, long poll with 2 upstream messages/s, over TLS on ${http === 'h2' ? 'HTTP/2' : 'HTTP/1.1'}`,
  feed: { scenario: 'stock-ticker', ratePerSecond: 2 },
  transports: ['long-poll'],
  client: { headers: 'browser' },
  upstream: { perSecond: 2, dataBytes: 20 },
  http,
  durationS: 4,
});

export const longPollOneConnectionOverHttp2 = {
  id: 'long-poll-one-connection-over-http2',
  claim: 'Over HTTP/2, long polling and its upstream POSTs share one TCP connection',
  does: 'Long-polls while publishing 2 upstream messages a second for 4 s over TLS on HTTP/1.1, then on HTTP/2, and counts the TCP connections that carried the requests.',
  prediction: {
    question: 'A long poll is held while the page POSTs a message. How many TCP connections carry it all over HTTP/2?',
    choices: [
      { id: 'one', text: 'One: every request is a stream of the same connection' },
      { id: 'two', text: 'Two: the held poll blocks its connection, as on HTTP/1.1' },
      { id: 'many', text: 'One per request' },
    ],
  },
  plan: [run('http/1.1'), run('h2')],
  judge(measurements) {
    const overHttp1 = transportIn(feedRun(measurements, 0), 'long-poll');
    const overHttp2 = transportIn(feedRun(measurements, 1), 'long-poll');
    if (overHttp2.upstreamSent === 0 || overHttp2.whole.requests < 3) {
      throw new MissingData('the HTTP/2 run sent no upstream message beside its polls');
    }
    const h2Connections = overHttp2.whole.connections;
    const http1Connections = overHttp1.whole.connections;
    const spokeH2 = overHttp2.whole.protocols.h2 > 0 && overHttp2.whole.protocols['http/1.1'] === 0;
    const holds = spokeH2 && h2Connections === H2_CONNECTIONS;
    return {
      verdict: holds ? 'holds' : 'does-not-hold',
      rightChoice: h2Connections <= 1 ? 'one' : h2Connections === 2 ? 'two' : 'many',
      measured: {
        http2Connections: h2Connections,
        http2Requests: overHttp2.whole.requests,
        http2UpstreamSent: overHttp2.upstreamSent,
        http1Connections,
        http1Requests: overHttp1.whole.requests,
      },
      theory: { http2Connections: H2_CONNECTIONS, http1ConnectionsAtLeast: HTTP1_CONNECTIONS_AT_LEAST },
      sentence:
        `Over HTTP/2, ${overHttp2.whole.requests} requests (polls and ${overHttp2.upstreamSent} POSTs) went over ${h2Connections} TCP connection${h2Connections === 1 ? '' : 's'}` +
        `; over HTTP/1.1, ${overHttp1.whole.requests} requests needed ${http1Connections}, because a held poll keeps its connection busy.`,
    };
  },
  tryIt:
    "npm start -- --https; curl -sk --http2 'https://127.0.0.1:3443/api/feed/long-poll?client=me' and a publish on the same curl (--next): /api/metrics?client=me counts one connection",
} satisfies Lesson;
