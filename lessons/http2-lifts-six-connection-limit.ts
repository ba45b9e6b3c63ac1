/**
 * "HTTP/2 lifts the six-connection limit": a real Chromium page asks for
 * seven SSE streams at once, from the lab's HTTPS port that speaks HTTP/1.1
 * only, then from the one that speaks HTTP/2. Over HTTP/1.1 each stream holds
 * a connection and the seventh waits; over HTTP/2 they are seven streams of
 * one connection.
 */
import { type ConnectionLimitRunPlan, type Lesson, MissingData, type RunMeasurement } from './lesson.ts';

const STREAMS = 7;
/** The HTTP/1.1 limit Chromium, Firefox and Safari apply per origin. */
const HTTP1_LIMIT = 6;

const run = (http: 'http/1.1' | 'h2'): ConnectionLimitRunPlan => ({
  kind: 'browser-connection-limit',
  label: `${STREAMS} SSE streams from one Chromium page over TLS on ${http === 'h2' ? 'HTTP/2' : 'HTTP/1.1'}`,
  streams: STREAMS,
  holdS: 3,
  http,
});

function limitRun(measurements: readonly RunMeasurement[], index: number) {
  const measured = measurements[index];
  if (measured?.kind !== 'browser-connection-limit') throw new MissingData(`browser run ${index + 1} did not happen`);
  return measured;
}

export const http2LiftsSixConnectionLimit = {
  id: 'http2-lifts-six-connection-limit',
  claim: 'HTTP/2 lifts the six-connection limit: seven streams from one page all open',
  does: `A headless Chromium page opens ${STREAMS} SSE streams at once over TLS, first on the lab's HTTP/1.1-only port, then on its HTTP/2 port, and counts the streams that reached the lab.`,
  prediction: {
    question: `A page opens ${STREAMS} event streams to one origin that speaks HTTP/2. How many open at once?`,
    choices: [
      { id: 'all', text: `All ${STREAMS}, as streams of one connection` },
      { id: 'six', text: `${HTTP1_LIMIT}; the seventh waits, as on HTTP/1.1` },
      { id: 'one', text: 'One at a time' },
    ],
  },
  plan: [run('http/1.1'), run('h2')],
  judge(measurements) {
    const overHttp1 = limitRun(measurements, 0);
    const overHttp2 = limitRun(measurements, 1);
    const allOverH2 = overHttp2.openedBeforeClose === overHttp2.requested;
    const limitedOverHttp1 = overHttp1.openedBeforeClose < overHttp1.requested;
    return {
      verdict: allOverH2 && limitedOverHttp1 ? 'holds' : 'does-not-hold',
      rightChoice: allOverH2 ? 'all' : overHttp2.openedBeforeClose > 1 ? 'six' : 'one',
      measured: {
        requested: overHttp2.requested,
        openedAtOnceHttp2: overHttp2.openedBeforeClose,
        openedAtOnceHttp1: overHttp1.openedBeforeClose,
        browser: overHttp2.browser,
      },
      theory: { openedAtOnceHttp2: STREAMS, openedAtOnceHttp1: HTTP1_LIMIT },
      sentence:
        `${overHttp2.browser} opened ${overHttp2.openedBeforeClose} of ${overHttp2.requested} streams at once over HTTP/2` +
        ` and ${overHttp1.openedBeforeClose} over HTTP/1.1${limitedOverHttp1 ? ', where the rest waited for a connection' : ''}.`,
    };
  },
  tryIt:
    "npm start -- --https, then in the browser console of https://127.0.0.1:3443/ and of https://127.0.0.1:3444/: for (let i = 0; i < 7; i++) new EventSource('/api/feed/sse?client=s' + i) — DevTools → Network shows the seventh pending on 3444 only",
} satisfies Lesson;
