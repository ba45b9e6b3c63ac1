/**
 * Server-Sent Events: one long HTTP response, one chunk per event. The lab
 * writes the response itself (after `reply.hijack()`) so it knows every byte:
 * the head, each chunk's size line, the `id:`/`data:` fields and newlines.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ControlMessage } from '../../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import type { WirePart } from '../../protocol/wire-sample.ts';
import { corsHeadLines } from '../conditioner/cors-for-lab-origins.ts';
import { ownedBuffer, type StoredEvent } from '../feed/stored-event.ts';
import { requestHeadOf, WireInspector } from '../meter/wire-inspector.ts';
import { payloadPart, textPart } from '../meter/wire-parts.ts';
import { optionalString, parseFeedQuery } from './feed-query.ts';
import { startStreamSession } from './stream-session.ts';
import type { TransportContext } from './transport-context.ts';

const RESPONSE_HEAD = Buffer.from(
  'HTTP/1.1 200 OK\r\n' +
    'Content-Type: text/event-stream; charset=utf-8\r\n' +
    'Cache-Control: no-store\r\n' +
    'Connection: keep-alive\r\n' +
    'X-Accel-Buffering: no\r\n' +
    'Transfer-Encoding: chunked\r\n' +
    '\r\n',
);
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

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
    // The head is written by hand, so the CORS lines a hook put on the reply must be copied into it.
    const cors = corsHeadLines(reply);
    const head = cors ? Buffer.concat([RESPONSE_HEAD.subarray(0, -2), Buffer.from(`${cors}\r\n`)]) : RESPONSE_HEAD;

    reply.hijack();
    const socket: Socket = request.raw.socket;
    const requestMeter = request.meter;
    if (requestMeter) requestMeter.selfMetered = true;
    const send = (bytes: Buffer, payload: number, messages: number): void => {
      if (socket.destroyed) return;
      socket.write(bytes);
      lastWrite = Date.now();
      if (!requestMeter) return;
      requestMeter.tally.noteDown(requestMeter.target, payload);
      if (messages > 0) meter.count(requestMeter.target, 'messages', messages);
    };
    const exchange = inspector.exchange('sse', query.client, requestHeadOf(request.raw), head.toString(), Date.now());
    const sendEvent = (stored: StoredEvent): void => {
      send(sseEventChunk(stored), stored.json.length, 1);
      WireInspector.sent(exchange, stored, Date.now());
      // A client that does not read must not make the lab buffer without end: cut it, it resumes by Last-Event-ID.
      if (socket.writableLength > options.maxQueuedBytes) socket.destroy();
    };

    socket.setNoDelay(true);
    socket.write(head);
    if (requestMeter) meter.addBytes(requestMeter.target, 'down', 'header', requestMeter.tally.takeWritten());
    let lastWrite = Date.now();

    const close = startStreamSession(context, query, {
      isOpen: () => !socket.destroyed,
      queuedBytes: () => socket.writableLength,
      whenDrained: (next) => socket.once('drain', next),
      sendEvent,
      // hello carries the reconnect delay the EventSource should use.
      sendHello: (epoch, next) => send(controlChunk({ type: 'hello', epoch, next }, options.sseRetryMs), 0, 0),
      sendReset: (epoch, next, reason) => send(controlChunk({ type: 'reset', epoch, next, reason }), 0, 0),
      // A comment line, only when nothing else was written for a while.
      heartbeat: () => {
        if (Date.now() - lastWrite >= options.sseHeartbeatMs) send(chunk(': hb\n\n'), 0, 0);
      },
      heartbeatEveryMs: Math.max(50, options.sseHeartbeatMs / 3),
      goAway: () => {
        // A graceful end: the last chunk, then FIN. The EventSource will reconnect to a restarted lab.
        if (!socket.destroyed) {
          send(LAST_CHUNK, 0, 0);
          socket.end();
        }
      },
      cork: () => socket.cork(),
      uncork: () => socket.uncork(),
    });
    socket.once('close', close);
  });
}
