/**
 * Where an SSE stream's bytes go, per HTTP version. Over HTTP/1.1 the lab
 * writes the whole response itself on the socket (its head, then one chunk per
 * message), so it knows every byte. Over HTTP/2 there is no chunked encoding:
 * each message is written as is on the request's stream, and the connection's
 * meter counts its frames (DATA frame headers are the framing HTTP/2 adds).
 */
import type { ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Meter } from '../meter/meter.ts';

/** The response head both versions send (HTTP/1.1 adds Connection and Transfer-Encoding). */
export const SSE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Accel-Buffering': 'no',
};

export interface SseOutput {
  /** The response head as sent (HTTP/2: the header fields, as the inspector shows them). */
  head: string;
  /** Writes one message: `chunked` is its HTTP/1.1 chunk, of which `payload` bytes are an event. */
  write(chunked: Buffer, payload: number): void;
  isOpen(): boolean;
  queuedBytes(): number;
  whenDrained(next: () => void): void;
  /** Ends the response gracefully (the last chunk, then FIN; or END_STREAM). */
  end(): void;
  /** Cut at once (a consumer too slow). */
  destroy(): void;
  cork(): void;
  uncork(): void;
  onClose(listener: () => void): void;
}

const LAST_CHUNK = Buffer.from('0\r\n\r\n');
const CRLF_BYTES = 2;

/** HTTP/1.1: the head and every chunk written on the socket, each send counted by the connection's tally. */
export function http1SseOutput(request: FastifyRequest, reply: FastifyReply, meter: Meter, cors: string): SseOutput {
  const lines = Object.entries(SSE_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`);
  lines.splice(2, 0, 'Connection: keep-alive\r\n');
  const head = `HTTP/1.1 200 OK\r\n${lines.join('')}Transfer-Encoding: chunked\r\n${cors}\r\n`;
  reply.hijack();
  const socket: Socket = request.raw.socket;
  const requestMeter = request.meter;
  const tally = requestMeter?.tally ?? null;
  socket.setNoDelay(true);
  socket.write(head);
  if (requestMeter && tally) meter.addBytes(requestMeter.target, 'down', 'header', tally.takeWritten());
  return {
    head,
    write: (chunked, payload) => {
      if (socket.destroyed) return;
      socket.write(chunked);
      if (requestMeter && tally) tally.noteDown(requestMeter.target, payload);
    },
    isOpen: () => !socket.destroyed,
    queuedBytes: () => socket.writableLength,
    whenDrained: (next) => socket.once('drain', next),
    end: () => {
      if (socket.destroyed) return;
      socket.write(LAST_CHUNK);
      if (requestMeter && tally) tally.noteDown(requestMeter.target, 0);
      socket.end();
    },
    destroy: () => socket.destroy(),
    cork: () => socket.cork(),
    uncork: () => socket.uncork(),
    onClose: (listener) => socket.once('close', listener),
  };
}

/** HTTP/2: the head as header fields, each message as DATA on the request's stream. */
export function h2SseOutput(request: FastifyRequest, reply: FastifyReply, cors: Record<string, string>): SseOutput {
  reply.hijack();
  const stream = (reply.raw as unknown as { stream: ServerHttp2Stream }).stream;
  const h2 = request.meter?.h2 ?? null;
  const headers = { ...SSE_HEADERS, ...cors };
  // A stream the client has already reset takes no head: the session then ends at once.
  if (!stream.destroyed && !stream.closed) reply.raw.writeHead(200, headers);
  const head = `:status: 200\r\n${Object.entries(headers)
    .map(([name, value]) => `${name.toLowerCase()}: ${value}\r\n`)
    .join('')}\r\n`;
  return {
    head,
    write: (chunked, payload) => {
      if (stream.destroyed || stream.closed) return;
      // The message without its HTTP/1.1 chunk size line and closing CRLF.
      const sizeLine = chunked.indexOf('\r\n') + CRLF_BYTES;
      h2?.connection.expectPayload(h2.streamId, payload);
      stream.write(chunked.subarray(sizeLine, chunked.length - CRLF_BYTES));
    },
    isOpen: () => !stream.destroyed && !stream.closed,
    queuedBytes: () => stream.writableLength,
    whenDrained: (next) => stream.once('drain', next),
    end: () => {
      if (!stream.destroyed) stream.end();
    },
    destroy: () => stream.close(),
    cork: () => stream.cork(),
    uncork: () => stream.uncork(),
    onClose: (listener) => stream.once('close', listener),
  };
}
