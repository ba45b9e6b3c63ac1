/** Server-Sent Events as the page explains and predicts them. */

import { sseEventFramingBytes } from '../theory.ts';
import { streamMeanLatency } from './stream-mean-latency.ts';
import type { WebTransport } from './web-transport.ts';

export const sse = {
  wire: {
    oneLine: 'One HTTP response that never ends: each event is a few text lines in it.',
    steps: [
      'The browser (EventSource) sends one request; the server answers with text/event-stream and keeps the response open.',
      'Each event is written as "id: N", "data: {…}" and a blank line, inside one HTTP chunk with its size line.',
      'If the connection drops, EventSource reconnects by itself and sends Last-Event-ID so nothing is lost.',
    ],
    costs:
      'Headers once per connection; a few dozen bytes of text framing per event. Server → client only: upstream is a separate POST.',
  },
  predictions: (c) => [
    streamMeanLatency(c, 'the response is already open'),
    {
      key: 'framing-down',
      label: 'framing per event, server → client',
      formula: 'id: + data: + 2 newlines + chunk size',
      detail:
        '"id: N\\n" + "data: " + "\\n\\n" around the event, plus the chunk size line (hex + CRLF) and the CRLF that ends the chunk',
      theory: sseEventFramingBytes(c.seq, Math.round(c.eventBytes)),
      measured: c.framingPerEvent,
      unit: 'B',
    },
  ],
  theoryNote: (c) => c.rttShort,
  clientSetting: null,
  timesRoundTrip: false,
  heads: { request: 'Request head', response: 'Response head' },
  framed: false,
  reportsEngineTransport: false,
  firstEventBeside: null,
} satisfies WebTransport;
