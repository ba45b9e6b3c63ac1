/** WebSocket as the page explains and predicts it. */

import { webSocketFrameHeaderBytes } from '../theory.ts';
import { streamMeanLatency } from './stream-mean-latency.ts';
import type { WebTransport } from './web-transport.ts';

export const websocket = {
  wire: {
    oneLine: 'One upgraded connection; each event is one frame with a 2–10 byte header, both ways.',
    steps: [
      'The browser sends one HTTP request asking to upgrade; the server answers 101 Switching Protocols.',
      'From then on both sides send frames on the same TCP connection: a 2-byte header (4 or 10 for big messages) and the event.',
      'Frames from the browser also carry a 4-byte mask. Pings keep the connection alive when nothing else happens.',
    ],
    costs: 'The least overhead per event, and the upstream message travels on the connection that is already open.',
  },
  predictions: (c) => [
    streamMeanLatency(c, 'the connection is already open'),
    {
      key: 'framing-down',
      label: 'framing per event, server → client',
      formula: 'frame header: 2, 4 or 10 B',
      detail: `frame header for a ${Math.round(c.eventBytes)} B event: 2 B up to 125 B, 4 B up to 65,535 B, else 10 B`,
      theory: webSocketFrameHeaderBytes(c.eventBytes),
      measured: c.framingPerEvent,
      unit: 'B',
    },
  ],
  theoryNote: (c) => c.rttShort,
  clientSetting: null,
  timesRoundTrip: false,
  heads: { request: 'Upgrade request', response: '101 answer' },
  framed: true,
  reportsEngineTransport: false,
  firstEventBeside: null,
} satisfies WebTransport;
