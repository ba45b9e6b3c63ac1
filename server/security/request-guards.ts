/**
 * The checks every request passes before any data flows:
 * - `Host` must be one of the lab's names (against DNS rebinding): 421;
 * - on the feed (every transport, incl. WebSocket upgrades, and publish) a
 *   browser's `Origin` must be one of the lab's own pages: 403 — requests
 *   without `Origin` (curl, the load generator) are served;
 * - control actions need the teacher token when one is set (LAN mode): 401;
 * - in LAN mode, one address may hold at most `maxConnectionsPerAddress`
 *   connections (loopback, where the load generator runs, is exempt).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody, type LabErrorLike, LabErrors } from '../errors.ts';
import { hostnameOfHostHeader, labHostnames } from './lab-hosts.ts';
import { tokenMatches } from './teacher-token.ts';

export interface GuardOptions {
  lan: boolean;
  /** Required on control actions when not null. */
  teacherToken: string | null;
  /** Whether an exact Origin value is one of the lab's own pages (`labOriginPredicate`, shared with CORS). */
  isLabOrigin: (origin: string) => boolean;
  /** @default 64 connections per remote address in LAN mode */
  maxConnectionsPerAddress: number;
  /** Addresses the cap does not apply to (`isLoopbackAddress` in real use, where the load generator runs). */
  capExempt: (address: string) => boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A control action: changes the lab for everyone (needs the teacher token in LAN mode). */
    control?: boolean;
  }
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;
/** A remote address on this machine: the teacher's own page, the load generator. */
export const isLoopbackAddress = (address: string): boolean => LOOPBACK.test(address);
/** All of 127.0.0.0/8 is this machine (the load generator may spread over it). */
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export function installRequestGuards(app: FastifyInstance, options: GuardOptions): void {
  const hostnames = labHostnames(options.lan);

  app.addHook('onRequest', (request, reply, done) => {
    const host = request.headers.host;
    if (host !== undefined) {
      const name = hostnameOfHostHeader(host);
      if (name === null || !(hostnames.has(name) || LOOPBACK_V4.test(name))) {
        refuse(request, reply, LabErrors.BAD_HOST(host.slice(0, 100)));
        return;
      }
    }
    if (isFeedRoute(request)) {
      const origin = request.headers.origin;
      if (origin !== undefined && !options.isLabOrigin(origin)) {
        refuse(request, reply, LabErrors.FOREIGN_ORIGIN(origin.slice(0, 100)));
        return;
      }
    }
    if (request.routeOptions.config?.control && options.teacherToken !== null) {
      if (!tokenMatches(options.teacherToken, request.headers.authorization)) {
        refuse(request, reply, LabErrors.UNAUTHORIZED());
        return;
      }
    }
    done();
  });

  if (options.lan) limitConnectionsPerAddress(app, options.maxConnectionsPerAddress, options.capExempt);
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

/** A classroom laptop opens a dozen connections at most; thousands from one address is a tool, not a student. */
function limitConnectionsPerAddress(app: FastifyInstance, max: number, exempt: (address: string) => boolean): void {
  const open = new Map<string, number>();
  app.server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    if (exempt(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
