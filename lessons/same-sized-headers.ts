/**
 * "HTTP and WebSocket have the same sized header": the WebSocket upgrade
 * request against a short-poll request, and the 101 against a poll answer's
 * head, both sent with a real browser's header set; then what each pays per
 * event afterwards.
 */
import { bytesPerEvent, downFramingPerEvent, payloadPerEvent } from '../protocol/figures.ts';
import { webSocketFrameHeaderBytes } from '../protocol/theory.ts';
import { feedRun, type Lesson, MissingData, round, transportIn } from './lesson.ts';

/** Two heads count as "the same size" within this share of each other. */
const SAME_SIZE_SHARE = 0.25;

function headBytes(head: string | undefined, what: string): number {
  if (!head) throw new MissingData(`the wire inspector saw no ${what}`);
  return new TextEncoder().encode(head).length;
}

function similar(a: number, b: number): boolean {
  return Math.abs(a / b - 1) <= SAME_SIZE_SHARE;
}

export const sameSizedHeaders = {
  id: 'same-sized-headers',
  claim: 'HTTP and WebSocket have the same sized header',
  does: "Opens a short poll and a WebSocket with a browser's headers (Chrome on Linux) and compares the upgrade request with a poll request, and the 101 with a poll answer's head.",
  prediction: {
    question: 'Which request head is larger: the WebSocket upgrade or one short-poll request?',
    choices: [
      { id: 'upgrade', text: 'The upgrade request' },
      { id: 'same', text: `About the same (within ${SAME_SIZE_SHARE * 100}%)` },
      { id: 'poll', text: 'The poll request' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: 'stock-ticker, short poll and WebSocket, browser headers',
      feed: { scenario: 'stock-ticker', ratePerSecond: 10 },
      transports: ['short-poll', 'websocket'],
      client: { shortPollIntervalMs: 500, headers: 'browser' },
      durationS: 3,
    },
  ],
  judge(measurements) {
    const run = feedRun(measurements, 0);
    const poll = transportIn(run, 'short-poll');
    const ws = transportIn(run, 'websocket');
    const upgrade = headBytes(ws.inspect?.requestHead, 'WebSocket upgrade request');
    const switching = headBytes(ws.inspect?.responseHead, '101 answer');
    const pollRequest = headBytes(poll.inspect?.requestHead, 'short-poll request');
    const pollAnswer = headBytes(poll.inspect?.responseHead, 'short-poll answer head');
    const requestsSimilar = similar(upgrade, pollRequest);
    const answersSimilar = similar(switching, pollAnswer);
    const pollHeadersPerEvent = bytesPerEvent(poll.window)?.header ?? null;
    const wsFramingPerEvent = downFramingPerEvent(ws.window);
    const eventBytes = payloadPerEvent(ws.window);
    const after =
      pollHeadersPerEvent !== null && wsFramingPerEvent !== null
        ? `after it, WebSocket paid ${round(wsFramingPerEvent)} B of framing per event where short polling paid ${round(pollHeadersPerEvent)} B of heads per event`
        : 'after it, WebSocket frames carry no HTTP head at all';
    const rightChoice = requestsSimilar ? 'same' : upgrade > pollRequest ? 'upgrade' : 'poll';
    const both = requestsSimilar && answersSimilar;
    return {
      verdict: both ? 'holds-if' : 'does-not-hold',
      ...(both ? { condition: `it means the one opening handshake; ${after}` } : {}),
      rightChoice,
      measured: {
        upgradeRequestBytes: upgrade,
        pollRequestBytes: pollRequest,
        switchingProtocolsBytes: switching,
        pollAnswerHeadBytes: pollAnswer,
        pollHeaderBytesPerEvent: pollHeadersPerEvent === null ? null : round(pollHeadersPerEvent),
        websocketFramingBytesPerEvent: wsFramingPerEvent === null ? null : round(wsFramingPerEvent, 2),
      },
      theory: {
        headerSet: 'Chrome 156 on Linux (load/browser-headers.ts)',
        websocketFramingBytesPerEvent: eventBytes === null ? null : webSocketFrameHeaderBytes(eventBytes),
      },
      sentence:
        `The upgrade request was ${upgrade} B against ${pollRequest} B for a poll request, ` +
        `the 101 answer ${switching} B against ${pollAnswer} B for a poll answer's head; ${after}.`,
    };
  },
  tryIt:
    "curl -s 'localhost:3000/api/inspect?client=me' after a poll and a WebSocket with ?client=me: compare transports.websocket.requestHead with transports['short-poll'].requestHead",
} satisfies Lesson;
