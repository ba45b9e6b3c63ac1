/**
 * The checks every request passes before any data flows:
 * - exactly one `Host`, naming the lab (against DNS rebinding): 400 when it is
 *   missing or repeated, 421 when foreign; an absolute-form target
 *   (`GET http://host/…`) must name the lab too;
 * - a WebSocket upgrade only on a path a transport upgrades (routes declared
 *   `websocket: true`, so a new transport's path is allowed by registering it):
 *   anything else gets the lab's 404 before any 101;
 * - on the feed (every transport and publish) and on every state-changing
 *   request (any method but GET, HEAD, OPTIONS) a browser's `Origin` must be
 *   one of the lab's own pages: 403, `Origin: null` included — requests
 *   without `Origin` (curl, the load generator) are served;
 * - control actions need the teacher token when one is set (LAN mode): 401;
 * - in LAN mode, one client address may hold at most `maxConnectionsPerAddress`
 *   connections, counted at a connection's first request by its real address
 *   (`clientAddressOf`: the student behind the conditioner, not 127.0.0.1).
 */
import type { Http2ServerRequest } from 'node:http2';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_REQUEST_LINE_BYTES } from '../client-error-answer.ts';
import { errorBody, type LabErrorLike, LabErrors } from '../errors.ts';
import { ConnectionCap } from './connection-cap.ts';
import { isLabHost, labHostnames } from './lab-hosts.ts';
import { tokenMatches } from './teacher-token.ts';

export interface GuardOptions {
  lan: boolean;
  /** Required on control actions when not null. */
  teacherToken: string | null;
  /** Whether an exact Origin value is one of the lab's own pages (`labOriginPredicate`, shared with CORS). */
  isLabOrigin: (origin: string) => boolean;
  /** @default 64 connections per client address in LAN mode */
  maxConnectionsPerAddress: number;
  /** Addresses the cap does not apply to (`isLoopbackAddress` in real use, where the load generator runs). */
  capExempt: (address: string) => boolean;
  /** The real client of a lab socket (see client-addresses.ts). */
  clientAddressOf: (socket: Socket) => string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A control action: changes the lab for everyone (needs the teacher token in LAN mode). */
    control?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/**
 * @returns admitConnection: the per-address connection cap (LAN mode) for a
 *   transport that answers its own requests outside Fastify's hooks
 *   (Socket.IO's engine.io): false when the socket was over the cap and is cut.
 */
export function installRequestGuards(
  app: FastifyInstance,
  options: GuardOptions,
): { admitConnection: (socket: Socket) => boolean } {
  const hostnames = labHostnames(options.lan);
  // Collected as routes are added: this hook is installed before any transport registers.
  const upgradePaths = new Set<string>();
  app.addHook('onRoute', (route) => {
    if ((route as { websocket?: boolean }).websocket === true) upgradePaths.add(route.url);
  });
  const admitted = new WeakSet<Socket>();
  const cap = options.lan ? new ConnectionCap(options.maxConnectionsPerAddress, options.capExempt) : null;

  /** Counts a connection at its first request; an address over the cap has it cut (`cut`, by default the socket destroyed). */
  const admitConnection = (socket: Socket, cut: () => void = () => socket.destroy()): boolean => {
    if (!cap || admitted.has(socket)) return true;
    const release = cap.admit(options.clientAddressOf(socket));
    if (release === null) {
      cut();
      return false;
    }
    admitted.add(socket);
    socket.once('close', release);
    return true;
  };

  app.addHook('onRequest', (request, reply, done) => {
    const socket = request.raw.socket as Socket | null;
    // An HTTP/2 request's socket may not be touched (Node guards it): its session is the connection.
    const cut =
      request.raw.httpVersionMajor === 2
        ? () => (request.raw as unknown as Http2ServerRequest).stream.session?.destroy()
        : undefined;
    if (socket && !admitConnection(socket, cut)) return;
    if ((request.raw.url ?? '').length > MAX_REQUEST_LINE_BYTES) {
      return refuse(request, reply, LabErrors.URI_TOO_LONG(MAX_REQUEST_LINE_BYTES));
    }
    const hostProblem = checkHost(request, hostnames);
    if (hostProblem) return refuse(request, reply, hostProblem);
    if (request.headers.upgrade !== undefined) {
      const path = request.routeOptions.url;
      if (request.method !== 'GET' || path === undefined || !upgradePaths.has(path)) {
        return refuse(request, reply, LabErrors.NOT_FOUND(request.method, request.url.split('?')[0] ?? ''));
      }
    }
    if (isFeedRoute(request) || !SAFE_METHODS.has(request.method)) {
      const origin = request.headers.origin;
      if (origin !== undefined && !options.isLabOrigin(origin)) {
        return refuse(request, reply, LabErrors.FOREIGN_ORIGIN(origin.slice(0, 100)));
      }
    }
    if (request.routeOptions.config?.control && options.teacherToken !== null) {
      if (!tokenMatches(options.teacherToken, request.headers.authorization)) {
        return refuse(request, reply, LabErrors.UNAUTHORIZED());
      }
    }
    done();
  });
  return { admitConnection };
}

/**
 * Exactly one Host naming the lab, and an absolute-form target naming it too; null when all is well.
 * HTTP/2 names the host in its `:authority` field (RFC 9113 §8.3.1), which counts as the Host.
 */
function checkHost(request: FastifyRequest, hostnames: ReadonlySet<string>): LabErrorLike | null {
  const raw = request.raw.rawHeaders;
  const h2 = request.raw.httpVersionMajor === 2;
  let count = 0;
  let authority: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]?.toLowerCase();
    if (name === 'host') count++;
    if (h2 && name === ':authority') authority = raw[i + 1];
  }
  if (h2 && count === 0 && authority !== undefined) {
    return isLabHost(authority, hostnames) ? null : LabErrors.BAD_HOST(authority.slice(0, 100));
  }
  if (count === 0) return LabErrors.BAD_REQUEST('a request needs a Host header (HTTP/1.1 requires it)');
  if (count > 1) return LabErrors.BAD_REQUEST(`a request needs exactly one Host header (got ${count})`);
  const host = request.headers.host ?? '';
  if (!isLabHost(host, hostnames)) return LabErrors.BAD_HOST(host.slice(0, 100));
  const target = request.raw.url ?? '';
  if (ABSOLUTE_FORM.test(target)) {
    let targetHost: string;
    try {
      targetHost = new URL(target).host;
    } catch {
      return LabErrors.BAD_REQUEST('the request target is not a valid URL');
    }
    if (!isLabHost(targetHost, hostnames)) return LabErrors.BAD_HOST(targetHost.slice(0, 100));
  }
  return null;
}

/**
 * Answers with the coded error. A refused WebSocket upgrade's socket belongs to
 * nobody once answered (the http server let go of it, ws never took it), so it is closed here.
 */
function refuse(request: FastifyRequest, reply: FastifyReply, error: LabErrorLike): void {
  if (request.headers.upgrade !== undefined) reply.raw.once('finish', () => request.raw.socket.destroy());
  reply.code(error.statusCode).send(errorBody(error));
}

function isFeedRoute(request: FastifyRequest): boolean {
  const meter = request.routeOptions.config?.meter;
  return meter !== undefined && meter !== 'lab';
}
