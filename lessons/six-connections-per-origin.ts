/**
 * Browsers' six connections per origin (HTTP/1.1): a real Chromium page asks
 * for seven SSE streams to the lab at once. Each stream holds a connection,
 * so the seventh waits in the browser until one of the six closes.
 */
import { type Lesson, MissingData, round } from './lesson.ts';

const STREAMS = 7;
/** The HTTP/1.1 limit Chromium, Firefox and Safari apply per origin. */
const BROWSER_LIMIT = 6;

export const sixConnectionsPerOrigin = {
  id: 'six-connections-per-origin',
  claim: 'A browser opens at most six HTTP/1.1 connections per origin: the seventh stream waits',
  does: `A headless Chromium page opens ${STREAMS} SSE streams to the lab at once, waits 3 s, closes the first and watches when the last one opens.`,
  prediction: {
    question: `A page opens ${STREAMS} event streams to one HTTP/1.1 origin. How many open at once?`,
    choices: [
      { id: String(STREAMS), text: `All ${STREAMS}` },
      { id: String(BROWSER_LIMIT), text: `${BROWSER_LIMIT}; the last one waits` },
      { id: '1', text: 'One at a time' },
    ],
  },
  plan: [
    {
      kind: 'browser-connection-limit',
      label: `${STREAMS} SSE streams from one Chromium page`,
      streams: STREAMS,
      holdS: 3,
    },
  ],
  judge(measurements) {
    const run = measurements[0];
    if (run?.kind !== 'browser-connection-limit') throw new MissingData('the browser run did not happen');
    const waited = run.openedBeforeClose < run.requested && run.openedAfterClose > run.openedBeforeClose;
    const holds = run.openedBeforeClose === BROWSER_LIMIT && waited;
    return {
      verdict: holds ? 'holds' : 'does-not-hold',
      rightChoice: String(run.openedBeforeClose),
      measured: {
        requested: run.requested,
        openedAtOnce: run.openedBeforeClose,
        openedAfterOneClosed: run.openedAfterClose,
        lastOpenedAfterCloseMs: run.waitedAfterCloseMs === null ? null : round(run.waitedAfterCloseMs),
        browser: run.browser,
      },
      theory: { openedAtOnce: BROWSER_LIMIT },
      sentence:
        `${run.browser} opened ${run.openedBeforeClose} of ${run.requested} streams at once` +
        (waited
          ? `; the last one waited until the first closed and opened ${run.waitedAfterCloseMs === null ? '' : `${round(run.waitedAfterCloseMs)} ms `}after it.`
          : '.'),
    };
  },
  tryIt:
    'In the dashboard run the six-connection demo, or open seven tabs of curl -sN on /api/feed/sse: curl has no such limit, the browser does',
} satisfies Lesson;
