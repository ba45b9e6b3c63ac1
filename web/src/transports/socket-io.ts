/** Socket.IO as the page explains and predicts it. */

import { longPollRequestsPerSecond, socketIoPollingFramingPerEvent, webSocketFrameHeaderBytes } from '../theory.ts';
import { streamMeanLatency } from './stream-mean-latency.ts';
import type { Prediction, PredictionContext, WebTransport } from './web-transport.ts';

/**
 * Around each event: Engine.IO's `4`, then `2/feed,["feed",` … `]` (17 B), and the connection state
 * recovery's offset argument `,"<7-char id>"` (10 B).
 */
export const SOCKET_IO_ENVELOPE_BYTES = 17 + 10;
/** engine.io holds a polling GET until it has packets or its ping is due (the lab's pingInterval), ms. */
const POLL_HOLD_MS = 25_000;

/** Over websocket: one frame per event, its header and the envelope. */
function websocketFraming(c: PredictionContext): Prediction {
  return {
    key: 'framing-down',
    label: 'framing per event, server → client',
    formula: 'frame header + 27 B envelope',
    detail: `frame header (2, 4 or 10 B) + 17 B of Socket.IO envelope + 10 B recovery offset around a ${Math.round(c.eventBytes)} B event (2 B more for an event broadcast in the same millisecond as the one before: its offset gets .N)`,
    theory: webSocketFrameHeaderBytes(c.eventBytes + SOCKET_IO_ENVELOPE_BYTES) + SOCKET_IO_ENVELOPE_BYTES,
    measured: c.framingPerEvent,
    unit: 'B',
  };
}

/**
 * Over polling: a long poll's answers (longPollRequestsPerSecond) carry k events each, 27 B of envelope
 * apiece and a `\x1e` between them; no frame header, and the answers' HTTP heads count as header.
 */
function pollingFraming(c: PredictionContext): Prediction {
  const answers = longPollRequestsPerSecond(c.rate, c.rtt, POLL_HOLD_MS, c.pattern, c.burst);
  const perAnswer = answers > 0 ? Math.max(1, c.rate / answers) : 1;
  return {
    key: 'framing-down',
    label: 'framing per event, server → client (polling)',
    formula: '27 B envelope + (k − 1)/k B of \\x1e',
    detail: `17 B of Socket.IO envelope + 10 B recovery offset per event, and a \\x1e separator between the ${perAnswer.toFixed(1)} events of an answer (k, from the rate and ${c.rttText}); no frame header: every answer pays its HTTP heads instead (header, not framing)`,
    theory: socketIoPollingFramingPerEvent(SOCKET_IO_ENVELOPE_BYTES, perAnswer),
    measured: c.framingPerEvent,
    unit: 'B',
  };
}

export const socketIo = {
  wire: {
    oneLine:
      'Starts with HTTP long polling, then upgrades to a WebSocket; each event is a Socket.IO packet inside a frame.',
    steps: [
      'The client first asks over HTTP long polling (GET /socket.io/?EIO=4&transport=polling); the answer is the Engine.IO open packet with the session id, which names where the feed stood at this first request (the client resumes from it if it is cut before the hello).',
      'It joins the /feed namespace (a POST with `40/feed,`), then tries the upgrade: `2probe` over a new WebSocket, `3probe` back, and `5` once polling is paused.',
      'From then on each event is one frame: `42/feed,["feed",` + the event + the recovery offset + `]`. The server pings (`2`) every 25 s and the client answers `3`.',
      'If the WebSocket cannot open, the default client stays on polling and loses nothing; `transports: ["websocket"]` does not fall back.',
    ],
    costs:
      "WebSocket's frame plus the Socket.IO envelope per event, and a few more requests before the first event than a plain WebSocket.",
  },
  predictions: (c) => [
    streamMeanLatency(c, 'the connection is already open'),
    c.engineTransport === 'polling' ? pollingFraming(c) : websocketFraming(c),
  ],
  theoryNote: (c) => c.rttShort,
  clientSetting: 'socketIoLane',
  timesRoundTrip: false,
  heads: { request: 'First polling request', response: 'Its answer' },
  framed: false,
  reportsEngineTransport: true,
  firstEventBeside: 'websocket',
} satisfies WebTransport;
