/**
 * "What happens on the wire", per transport, in plain words. `oneLine` sits
 * in the column; `steps` in the explanations section below the charts.
 */
import type { TransportName } from '../../protocol/feed-event.ts';

export interface WireExplanation {
  oneLine: string;
  steps: string[];
  costs: string;
}

export const WIRE_EXPLANATIONS: Record<TransportName, WireExplanation> = {
  'short-poll': {
    oneLine: 'Asks "anything new?" on a timer; the server answers at once, often with nothing.',
    steps: [
      'The browser sends a full HTTP request (about 500 bytes of headers) with the newest seq it has.',
      'The server answers at once: a small JSON envelope with every event after that seq, or an empty list.',
      'The browser waits the poll interval, then asks again. An event waits on average half a cycle before anyone asks for it.',
    ],
    costs: 'Latency grows with the interval; headers are paid on every request, even the empty ones.',
  },
  'long-poll': {
    oneLine: 'Asks and waits: the server holds the request until an event exists, then answers.',
    steps: [
      'The browser sends a request; the server keeps it open until an event after the given seq exists (or the timeout passes).',
      'The answer carries every event that exists by then, in the same JSON envelope as a short poll.',
      'The browser asks again at once. Events published while that new request travels ride in the next answer.',
    ],
    costs:
      'Latency is close to a streaming transport, but each batch of events costs a full request and response with headers.',
  },
  sse: {
    oneLine: 'One HTTP response that never ends: each event is a few text lines in it.',
    steps: [
      'The browser (EventSource) sends one request; the server answers with text/event-stream and keeps the response open.',
      'Each event is written as "id: N", "data: {…}" and a blank line, inside one HTTP chunk with its size line.',
      'If the connection drops, EventSource reconnects by itself and sends Last-Event-ID so nothing is lost.',
    ],
    costs:
      'Headers once per connection; a few dozen bytes of text framing per event. Server → client only: upstream is a separate POST.',
  },
  websocket: {
    oneLine: 'One upgraded connection; each event is one frame with a 2–10 byte header, both ways.',
    steps: [
      'The browser sends one HTTP request asking to upgrade; the server answers 101 Switching Protocols.',
      'From then on both sides send frames on the same TCP connection: a 2-byte header (4 or 10 for big messages) and the event.',
      'Frames from the browser also carry a 4-byte mask. Pings keep the connection alive when nothing else happens.',
    ],
    costs: 'The least overhead per event, and the upstream message travels on the connection that is already open.',
  },
};
