/**
 * "If 5 requests are sent, 5 connections are established" / "the connection
 * is terminated after the request": short polls with HTTP/1.1 keep-alive,
 * then the same with `Connection: close`, counting requests against TCP
 * connections and timing what each new connection costs over a round trip.
 */
import { feedRun, known, type Lesson, round, transportIn } from './lesson.ts';

const RTT_MS = 100;
/** "One connection per request" allows a stray reconnect: at least this share of requests opened a connection. */
const PER_REQUEST_MIN_SHARE = 0.9;

export const oneConnectionPerRequest = {
  id: 'one-connection-per-request',
  claim: 'If 5 requests are sent, 5 connections are established (the connection is terminated after the request)',
  does: `Short-polls every 250 ms for 5 s over a ${RTT_MS} ms round trip with keep-alive, then again with Connection: close, and counts TCP connections per request.`,
  prediction: {
    question: 'About 15 short polls with default HTTP/1.1 settings: how many TCP connections carry them?',
    choices: [
      { id: 'one', text: 'One (or very few), reused' },
      { id: 'per-request', text: 'One per request' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: `short poll every 250 ms, keep-alive, RTT ${RTT_MS} ms`,
      feed: { scenario: 'stock-ticker', ratePerSecond: 10 },
      network: { profile: 'custom', rttMs: RTT_MS },
      transports: ['short-poll'],
      client: { shortPollIntervalMs: 250 },
      durationS: 5,
    },
    {
      kind: 'feed',
      label: `short poll every 250 ms, Connection: close, RTT ${RTT_MS} ms`,
      feed: { scenario: 'stock-ticker', ratePerSecond: 10 },
      network: { profile: 'custom', rttMs: RTT_MS },
      transports: ['short-poll'],
      client: { shortPollIntervalMs: 250, connectionClose: true },
      durationS: 5,
    },
  ],
  judge(measurements) {
    const keepRun = feedRun(measurements, 0);
    const closeRun = feedRun(measurements, 1);
    const keep = transportIn(keepRun, 'short-poll').whole;
    const close = transportIn(closeRun, 'short-poll').whole;
    const keepMs = known(transportIn(keepRun, 'short-poll').requestMs.p50, 'keep-alive request time');
    const closeMs = known(transportIn(closeRun, 'short-poll').requestMs.p50, 'Connection: close request time');
    const perRequest = (m: { requests: number; connections: number }): boolean =>
      m.requests > 0 && m.connections >= m.requests * PER_REQUEST_MIN_SHARE;
    const keepPerRequest = perRequest(keep);
    const closePerRequest = perRequest(close);
    const verdict = keepPerRequest ? 'holds' : closePerRequest ? 'holds-if' : 'does-not-hold';
    const setupMs = closeMs - keepMs;
    return {
      verdict,
      ...(verdict === 'holds-if'
        ? {
            condition: `the requests ask Connection: close (${close.requests} requests, ${close.connections} connections); HTTP/1.1 keep-alive carried ${keep.requests} requests on ${keep.connections}, and each new connection cost ${round(setupMs)} ms more per request`,
          }
        : {}),
      rightChoice: keepPerRequest ? 'per-request' : 'one',
      measured: {
        keepAliveRequests: keep.requests,
        keepAliveConnections: keep.connections,
        closeRequests: close.requests,
        closeConnections: close.connections,
        keepAliveRequestP50Ms: round(keepMs),
        closeRequestP50Ms: round(closeMs),
        newConnectionCostMs: round(setupMs),
      },
      theory: {
        keepAliveRequestMs: keepRun.rttMs,
        closeRequestMs: 2 * closeRun.rttMs,
        newConnectionCostMs: closeRun.rttMs,
      },
      sentence: `With keep-alive, ${keep.requests} requests rode on ${keep.connections} connection(s), ${round(keepMs)} ms each; with Connection: close, ${close.requests} requests needed ${close.connections} connections and took ${round(closeMs)} ms each: the handshake's extra round trip.`,
    };
  },
  tryIt:
    "curl -sv 'localhost:3000/api/feed/short-poll?client=me' 'localhost:3000/api/feed/short-poll?client=me' 2>&1 | grep -i 're-using\\|connected': one connection for both; add -H 'Connection: close' for two",
} satisfies Lesson;
