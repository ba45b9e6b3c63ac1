/**
 * "Polling's header cost per event falls by ~90 % over HTTP/2": the same
 * short and long polls with a browser's headers, once over TLS on HTTP/1.1
 * and once on HTTP/2, in one lesson. HPACK sends a repeated head as indexes
 * into the connection's dynamic table, so every request after the first
 * costs a few dozen bytes of heads instead of several hundred.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import { bytesPerEvent } from '../protocol/figures.ts';
import { type FeedRunPlan, feedRun, type Lesson, MissingData, round, transportIn } from './lesson.ts';

/** The claim's cut, %. */
const CLAIMED_CUT_PERCENT = 90;
/** "~90 %": a cut from this much on bears the claim out, %. */
const HOLDS_FROM_PERCENT = 80;
/** Below this the heads did not shrink in any way worth the name, %. */
const NO_CUT_BELOW_PERCENT = 25;
const POLLS: readonly TransportName[] = ['short-poll', 'long-poll'];

const run = (http: 'http/1.1' | 'h2'): FeedRunPlan => ({
  kind: 'feed',
  label: `stock-ticker at 4 events/s, short poll every 250 ms and long poll, over TLS on ${http === 'h2' ? 'HTTP/2' : 'HTTP/1.1'}`,
  feed: { scenario: 'stock-ticker', ratePerSecond: 4 },
  transports: [...POLLS],
  client: { shortPollIntervalMs: 250, headers: 'browser' },
  http,
  durationS: 5,
});

export const pollingHeadersShrinkOverHttp2 = {
  id: 'polling-headers-shrink-over-http2',
  claim: "Polling's header cost per event falls by ~90 % over HTTP/2",
  does: "Polls (short every 250 ms, and long) with a browser's headers for 5 s over TLS on HTTP/1.1, then 5 s on HTTP/2, and sets the header bytes per event side by side.",
  prediction: {
    question: 'The same polls, the same headers: how much smaller are the heads per event over HTTP/2?',
    choices: [
      { id: 'same', text: 'About the same: HTTP/2 sends the same headers' },
      { id: 'half', text: 'About half' },
      { id: 'ninety', text: 'About 90 % smaller' },
    ],
  },
  plan: [run('http/1.1'), run('h2')],
  judge(measurements) {
    const overHttp1 = feedRun(measurements, 0);
    const overHttp2 = feedRun(measurements, 1);
    const perEvent = (transport: TransportName, which: typeof overHttp1) => {
      const figures = bytesPerEvent(transportIn(which, transport).window);
      if (!figures) throw new MissingData(`${transport} delivered no event in "${which.label}"`);
      return figures.header;
    };
    const rows = POLLS.map((transport) => {
      const http1 = perEvent(transport, overHttp1);
      const http2 = perEvent(transport, overHttp2);
      return { transport, http1, http2, cut: http1 > 0 ? (1 - http2 / http1) * 100 : 0 };
    });
    const [short, long] = rows as [(typeof rows)[number], (typeof rows)[number]];
    const held = rows.filter((row) => row.cut >= HOLDS_FROM_PERCENT);
    const meanCut = (short.cut + long.cut) / 2;
    const words = rows
      .map((r) => `${r.transport} ${round(r.http1)} → ${round(r.http2)} B per event (−${round(r.cut)} %)`)
      .join(', ');
    return {
      verdict: held.length === rows.length ? 'holds' : held.length > 0 ? 'holds-if' : 'does-not-hold',
      ...(held.length > 0 && held.length < rows.length
        ? {
            condition: `the poll makes one request per few events: ${held.map((r) => `${r.transport} −${round(r.cut)} %`).join(', ')}`,
          }
        : {}),
      rightChoice: meanCut >= HOLDS_FROM_PERCENT ? 'ninety' : meanCut >= NO_CUT_BELOW_PERCENT ? 'half' : 'same',
      measured: {
        shortPollHeaderPerEventHttp1: round(short.http1),
        shortPollHeaderPerEventHttp2: round(short.http2),
        shortPollCutPercent: round(short.cut),
        longPollHeaderPerEventHttp1: round(long.http1),
        longPollHeaderPerEventHttp2: round(long.http2),
        longPollCutPercent: round(long.cut),
      },
      theory: { cutPercent: CLAIMED_CUT_PERCENT },
      sentence: `Header bytes per event, HTTP/1.1 → HTTP/2: ${words}. HPACK sends the repeated fields as one-byte indexes; what changes (the poll's :path with its since) still goes as a literal.`,
    };
  },
  tryIt:
    'npm start -- --https, open https://127.0.0.1:3443/ and switch "HTTP version" between HTTP/2 and HTTP/1.1: the polling columns\' header bytes per event; the wire inspector decodes each HEADERS field',
} satisfies Lesson;
