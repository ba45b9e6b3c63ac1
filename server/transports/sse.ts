/**
 * Server-Sent Events: one long HTTP response, one chunk per event. The lab
 * writes the response itself (after `reply.hijack()`) so it knows every byte:
 * the head, each chunk's size line, the `id:`/`data:` fields and newlines.
 * Over HTTP/2 the same messages go without the chunk lines (sse-output.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ControlMessage } from '../../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import type { WirePart } from '../../protocol/wire-sample.ts';
import { corsHeadLines } from '../conditioner/cors-for-lab-origins.ts';
import { ownedBuffer, type StoredEvent } from '../feed/stored-event.ts';
import { requestHeadOf, WireInspector } from '../meter/wire-inspector.ts';
import { payloadPart, textPart } from '../meter/wire-parts.ts';
import { optionalString, parseFeedQuery } from './feed-query.ts';
import { h2SseOutput, http1SseOutput } from './sse-output.ts';
import { startStreamSession } from './stream-session.ts';
import type { TransportContext } from './transport-context.ts';

/** One HTTP/1.1 chunk: size in hex, CRLF, data, CRLF. */
export function chunk(body: string | Buffer): Buffer {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
}

/** The chunk for an event, built once per event and shared by every SSE client. */
export function sseEventChunk(stored: StoredEvent): Buffer {
  let encoded = stored.encoded.sse;
  if (!encoded) {
    // Kept with the event in the ring: its own allocation, not a slice of a shared pool slab.
    encoded = ownedBuffer(
      chunk(Buffer.concat([Buffer.from(`id: ${stored.seq}\ndata: `), stored.json, Buffer.from('\n\n')])),
    );
    stored.encoded.sse = encoded;
  }
  return encoded;
}

const CRLF = Buffer.from('\r\n');

/**
 * How the inspector shows an SSE event: the very chunk every SSE client was sent
 * (`sseEventChunk`), cut at its fields — size line, `id:`, `data: `, the JSON, blank line, CRLF.
 */
export function splitSseEvent(event: StoredEvent): WirePart[] {
  const bytes = sseEventChunk(event);
  const sizeLineEnd = bytes.indexOf(CRLF) + CRLF.length;
  const idLineEnd = bytes.indexOf('\n', sizeLineEnd) + 1;
  const dataStart = idLineEnd + 'data: '.length;
  const dataEnd = dataStart + event.json.length;
  const text = (from: number, to: number): string => bytes.subarray(from, to).toString();
  return [
    textPart('framing', 'chunk size in hex + CRLF (chunked transfer encoding)', text(0, sizeLineEnd)),
    textPart('framing', 'id field: lets the browser resume with Last-Event-ID', text(sizeLineEnd, idLineEnd)),
    textPart('framing', 'data field name', text(idLineEnd, dataStart)),
    payloadPart(event),
    textPart('framing', 'blank line: end of the event', text(dataEnd, bytes.length - CRLF.length)),
    textPart('framing', 'CRLF closing the chunk', text(bytes.length - CRLF.length, bytes.length)),
  ];
}

/**
 * A control message as a named event. hello and reset also carry `id:` so the
 * EventSource knows its position from the start: a drop before the first event
 * then still resumes losslessly.
 */
function controlChunk(message: ControlMessage, retryMs?: number): Buffer {
  const retry = retryMs === undefined ? '' : `retry: ${retryMs}\n`;
  const id = message.type === 'error' ? '' : `id: ${message.next}\n`;
  return chunk(`${retry}${id}event: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`);
}

export async function sseTransport(app: FastifyInstance, context: TransportContext): Promise<void> {
  const { meter, inspector, options } = context;

  app.get(TRANSPORT_RECORDS.sse.path, { config: { meter: 'sse' } }, (request, reply) => {
    // Resume position, first match wins: the header a reconnecting EventSource sends, then the query forms.
    const header = request.headers['last-event-id'];
    const lastEventId = typeof header === 'string' && header !== '' ? header : undefined;
    const query = parseFeedQuery(
      request.query,
      lastEventId ?? optionalString(request.query as Record<string, unknown>, 'lastEventId'),
    );
    const requestMeter = request.meter;
    if (requestMeter) requestMeter.selfMetered = true;
    // The head is written by hand, so the CORS lines a hook put on the reply must be copied into it.
    const cors = corsHeadLines(reply);
    const output =
      request.raw.httpVersionMajor === 2
        ? h2SseOutput(request, reply, corsHeaders(cors))
        : http1SseOutput(request, reply, meter, cors);
    const send = (bytes: Buffer, payload: number, messages: number): void => {
      if (!output.isOpen()) return;
      output.write(bytes, payload);
      lastWrite = Date.now();
      if (requestMeter && messages > 0) meter.count(requestMeter.target, 'messages', messages);
    };
    const exchange = inspector.exchange('sse', query.client, requestHeadOf(request.raw), output.head, Date.now());
    const sendEvent = (stored: StoredEvent): void => {
      send(sseEventChunk(stored), stored.json.length, 1);
      WireInspector.sent(exchange, stored, Date.now());
      // A client that does not read must not make the lab buffer without end: cut it, it resumes by Last-Event-ID.
      if (output.queuedBytes() > options.maxQueuedBytes) output.destroy();
    };
    let lastWrite = Date.now();

    const close = startStreamSession(context, query, {
      isOpen: output.isOpen,
      queuedBytes: output.queuedBytes,
      whenDrained: output.whenDrained,
      sendEvent,
      // hello carries the reconnect delay the EventSource should use.
      sendHello: (epoch, next) => send(controlChunk({ type: 'hello', epoch, next }, options.sseRetryMs), 0, 0),
      sendReset: (epoch, next, reason) => send(controlChunk({ type: 'reset', epoch, next, reason }), 0, 0),
      // A comment line, only when nothing else was written for a while.
      heartbeat: () => {
        if (Date.now() - lastWrite >= options.sseHeartbeatMs) send(chunk(': hb\n\n'), 0, 0);
      },
      heartbeatEveryMs: Math.max(50, options.sseHeartbeatMs / 3),
      // A graceful end: the last chunk, then FIN. The EventSource will reconnect to a restarted lab.
      goAway: output.end,
      cork: output.cork,
      uncork: output.uncork,
    });
    output.onClose(close);
  });
}

/** The CORS lines as header fields, for HTTP/2's head. */
function corsHeaders(lines: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines.split('\r\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 2);
  }
  return headers;
}
