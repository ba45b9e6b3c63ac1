/**
 * "SSE is not truly bidirectional": an upstream message from an SSE page is a
 * separate HTTP request (a POST beside the stream), against one masked frame
 * on the WebSocket the events already come in on.
 */
import { byteTotal } from '../protocol/metrics.ts';
import { feedRun, type Lesson, MissingData, round, transportIn } from './lesson.ts';

const RTT_MS = 100;

export const sseNotBidirectional = {
  id: 'sse-not-bidirectional',
  claim: 'SSE is not truly bidirectional',
  does: `Sends 2 upstream messages a second for 5 s from an SSE client and from a WebSocket client over a ${RTT_MS} ms round trip, and counts each message's requests, bytes and round trip.`,
  prediction: {
    question: 'How does an SSE client send a message to the server?',
    choices: [
      { id: 'same-stream', text: 'On its event stream, like WebSocket' },
      { id: 'separate-request', text: 'As a separate HTTP request' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: `stock-ticker at 2 events/s, upstream 2/s, RTT ${RTT_MS} ms`,
      feed: { scenario: 'stock-ticker', ratePerSecond: 2 },
      network: { profile: 'custom', rttMs: RTT_MS },
      transports: ['sse', 'websocket'],
      client: { headers: 'browser' },
      upstream: { perSecond: 2, dataBytes: 20 },
      durationS: 5,
    },
  ],
  judge(measurements) {
    const run = feedRun(measurements, 0);
    const sse = transportIn(run, 'sse');
    const ws = transportIn(run, 'websocket');
    if (sse.upstreamSent === 0 || ws.upstreamSent === 0) throw new MissingData('no upstream message was sent');
    // The window starts after the stream opened: its requests and up bytes are the upstream messages' alone.
    const sseRequestsPerMessage = sse.window.requests / sse.upstreamSent;
    const sseUpBytes = byteTotal(sse.window.bytes.up) / sse.upstreamSent;
    const sseAnswerHeadBytes = sse.window.bytes.down.header / sse.upstreamSent;
    const wsUpBytes = byteTotal(ws.window.bytes.up) / ws.upstreamSent;
    const wsRequests = ws.window.requests;
    const separate = sseRequestsPerMessage >= 1;
    return {
      verdict: separate ? 'holds' : 'does-not-hold',
      rightChoice: separate ? 'separate-request' : 'same-stream',
      measured: {
        sseUpstreamMessages: sse.upstreamSent,
        sseRequestsPerMessage: round(sseRequestsPerMessage, 2),
        sseBytesUpPerMessage: round(sseUpBytes),
        sseAnswerHeadBytesPerMessage: round(sseAnswerHeadBytes),
        sseRoundTripP50Ms: sse.roundTripMs.p50 === null ? null : round(sse.roundTripMs.p50),
        websocketRequestsInWindow: wsRequests,
        websocketBytesUpPerMessage: round(wsUpBytes),
        websocketRoundTripP50Ms: ws.roundTripMs.p50 === null ? null : round(ws.roundTripMs.p50),
      },
      theory: { sseRequestsPerMessage: 1, websocketMaskedFrameHeaderBytes: 6, roundTripMs: run.rttMs },
      sentence:
        `Each SSE upstream message was ${round(sseRequestsPerMessage, 2)} HTTP request of its own: ${round(sseUpBytes)} B up plus a ${round(sseAnswerHeadBytes)} B answer head, ` +
        `round trip ${sse.roundTripMs.p50 === null ? 'unmeasured' : `${round(sse.roundTripMs.p50)} ms`}; over WebSocket one frame of ${round(wsUpBytes)} B on the open connection ` +
        `(${wsRequests} new requests), round trip ${ws.roundTripMs.p50 === null ? 'unmeasured' : `${round(ws.roundTripMs.p50)} ms`}.`,
    };
  },
  tryIt:
    'curl -s -X POST \'localhost:3000/api/feed/publish?client=me&transport=sse\' -H \'content-type: application/json\' -d \'{"id":"1","data":"hi"}\' while curl -sN \'localhost:3000/api/feed/sse?client=me\' runs: the message is a request of its own',
} satisfies Lesson;
