/**
 * The one place where traffic that arrived on another listener (the HTTPS
 * ports) enters the lab: an HTTP/1.1 connection is given to the plain
 * server as if it had accepted it, and an HTTP/2 request is emitted as one of
 * its requests. So every listener of the plain server — Fastify's router, its
 * upgrade handling (WebSocket), the meter, the guards, and any dispatcher put
 * in front of them later — serves the HTTPS ports exactly as the plain port,
 * with no transport named here.
 */
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';

export interface LabHandOff {
  /** A connection speaking HTTP/1.1 (a TLS socket whose handshake is done). */
  connection(socket: Duplex): void;
  /** One HTTP/2 request. */
  request(request: Http2ServerRequest, response: Http2ServerResponse): void;
}

export function labHandOff(app: FastifyInstance): LabHandOff {
  return {
    connection: (socket) => app.server.emit('connection', socket),
    // Node's compatibility API gives an HTTP/2 request the shape of an HTTP/1.1 one, which Fastify routes.
    request: (request, response) => app.server.emit('request', request, response),
  };
}
