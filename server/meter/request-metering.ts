/**
 * Meters every HTTP request of the lab's server: which bucket it belongs to
 * (a transport from its route's `config.meter`, `lab` otherwise), the request
 * count, connections, and at the end the bytes that crossed its socket.
 * Routes that write their own bytes (SSE, WebSocket) settle as they go and
 * mark themselves `selfMetered`; whatever is left at the end is framing.
 * An HTTP/2 request is counted frame by frame by its connection's meter
 * (h2-connection-meter.ts): here it is only told whose stream it is and how
 * many event bytes the answer carries.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clientIdOf } from '../../protocol/client-id.ts';
import { sendsUpstreamOverHttp } from '../../protocol/transport-records.ts';
import { H2ConnectionMeter } from './h2-connection-meter.ts';
import { H2StreamRecord } from './h2-stream-record.ts';
import type { EventPosition, Meter, MeterBucketName, MeterTarget } from './meter.ts';
import { WireTally } from './wire-tally.ts';

/** What a route can tell the meter about its request. */
export interface RequestMeter {
  target: MeterTarget;
  /** The connection's tally over HTTP/1.1; null over HTTP/2 (see `h2`). */
  tally: WireTally | null;
  /** Over HTTP/2: the connection's meter and this request's stream. */
  h2: { connection: H2ConnectionMeter; streamId: number } | null;
  /** Bytes of events in the response body (poll answers). */
  downPayload: number;
  /** The route wrote and settled its own response bytes. */
  selfMetered: boolean;
  /** Set by a poll answer: the oldest event it carried (null: none). */
  pollAnswer: { oldest: EventPosition | null } | null;
}

/** Route config: which bucket the route's requests are counted in. `publish` means "the one named by ?transport=". */
export interface MeterRouteConfig {
  meter?: MeterBucketName | 'publish';
}

declare module 'fastify' {
  interface FastifyRequest {
    meter: RequestMeter | null;
  }
  interface FastifyContextConfig extends MeterRouteConfig {}
}

const kUpgradeHeadLength = Symbol('transport-lab.upgrade-head-length');
type UpgradeRequest = IncomingMessage & { [kUpgradeHeadLength]?: number };

export function installRequestMetering(app: FastifyInstance, meter: Meter): void {
  app.decorateRequest('meter', null);

  app.server.on('connection', (socket) => WireTally.attach(socket, meter));
  // Bytes read past an upgrade request's head are WebSocket frames, not header.
  app.server.prependListener('upgrade', (request: UpgradeRequest, _socket, head: Buffer) => {
    request[kUpgradeHeadLength] = head.length;
  });

  app.addHook('onRequest', (request, reply, done) => {
    if (request.raw.httpVersionMajor === 2) return meterH2Request(meter, request, reply.raw, done);
    const tally = WireTally.of(request.raw.socket);
    if (!tally) return done(); // inject() requests have no real socket to count
    const target = meter.target(bucketOf(request), clientIdOf(request.query));
    tally.claim(target);
    meter.count(target, 'requests');
    const requestMeter: RequestMeter = {
      target,
      tally,
      h2: null,
      downPayload: 0,
      selfMetered: false,
      pollAnswer: null,
    };
    request.meter = requestMeter;

    const readAtStart = tally.takeRead() - ((request.raw as UpgradeRequest)[kUpgradeHeadLength] ?? 0);
    tally.giveBackRead((request.raw as UpgradeRequest)[kUpgradeHeadLength] ?? 0);
    const bodyLength = declaredBodyLength(request.raw);
    // Without a body, everything read so far is the head: count it now, so long-lived streams show it at once.
    if (bodyLength === 0) meter.addBytes(target, 'up', 'header', readAtStart);

    reply.raw.once('close', () => {
      if (bodyLength !== 0) settleUpWithBody(meter, requestMeter, readAtStart + tally.takeRead(), bodyLength);
      else tally.settleUp(target, 0);
      if (requestMeter.selfMetered) tally.settleDown(target, 0);
      else settleResponse(meter, requestMeter, reply.raw);
      if (requestMeter.pollAnswer) meter.answered(target, requestMeter.pollAnswer.oldest);
    });
    done();
  });
  // Over HTTP/2 the answer's event bytes must be known before its DATA frames pass the connection's meter.
  app.addHook('onSend', (request, _reply, payload, done) => {
    const h2 = request.meter?.h2;
    if (h2 && request.meter && !request.meter.selfMetered) {
      h2.connection.expectPayload(h2.streamId, request.meter.downPayload);
    }
    done(null, payload);
  });
}

function meterH2Request(meter: Meter, request: FastifyRequest, response: ServerResponse, done: () => void): void {
  const stream = (request.raw as unknown as Http2ServerRequest).stream;
  const connection = H2ConnectionMeter.ofSession(stream.session);
  if (!connection || stream.id === undefined) {
    done();
    return;
  }
  const target = meter.target(bucketOf(request), clientIdOf(request.query));
  const streamId = stream.id;
  connection.claimStream(streamId, target);
  H2StreamRecord.note(stream, connection.streamRecord(streamId));
  meter.count(target, 'requests');
  const requestMeter: RequestMeter = {
    target,
    tally: null,
    h2: { connection, streamId },
    downPayload: 0,
    selfMetered: false,
    pollAnswer: null,
  };
  request.meter = requestMeter;
  // Told once the stream's last frame has been counted, as a poll answer's listeners expect.
  response.once('close', () => {
    connection.afterLastSent(streamId, () => {
      if (requestMeter.pollAnswer) meter.answered(target, requestMeter.pollAnswer.oldest);
    });
  });
  done();
}

function bucketOf(request: FastifyRequest): MeterBucketName {
  const configured = request.routeOptions.config?.meter;
  if (configured !== 'publish') return configured ?? 'lab';
  const named = (request.query as Record<string, unknown> | undefined)?.transport;
  return sendsUpstreamOverHttp(named) ? named : 'lab';
}

/** The body length the client announced; null when it is chunked (length unknown until the end). */
export function declaredBodyLength(raw: IncomingMessage): number | null {
  if (raw.headers['transfer-encoding'] !== undefined) return null;
  const declared = Number(raw.headers['content-length'] ?? 0);
  return Number.isSafeInteger(declared) && declared >= 0 ? declared : 0;
}

function settleUpWithBody(meter: Meter, requestMeter: RequestMeter, wire: number, bodyLength: number | null): void {
  // A chunked body's wire size is not known here; the lab refuses chunked publishes, so only lab traffic lands here.
  const body = Math.min(bodyLength ?? 0, wire);
  meter.addBytes(requestMeter.target, 'up', 'header', wire - body);
  meter.addBytes(requestMeter.target, 'up', 'payload', body);
}

function settleResponse(meter: Meter, requestMeter: RequestMeter, response: ServerResponse): void {
  const wire = requestMeter.tally?.takeWritten() ?? 0;
  const header = Math.min(wire, responseHeadLength(response));
  const payload = Math.min(wire - header, requestMeter.downPayload);
  meter.addBytes(requestMeter.target, 'down', 'header', header);
  meter.addBytes(requestMeter.target, 'down', 'payload', payload);
  meter.addBytes(requestMeter.target, 'down', 'framing', wire - header - payload);
}

/**
 * Node keeps the exact status line + headers it wrote in `_header` (latin1);
 * it is undocumented but has been stable since Node 0.x and is what
 * `headersSent` is built on. Absent when nothing was written (aborted request).
 */
export function responseHeadLength(response: ServerResponse): number {
  const head = (response as ServerResponse & { _header?: string | null })._header;
  return typeof head === 'string' ? Buffer.byteLength(head, 'latin1') : 0;
}
