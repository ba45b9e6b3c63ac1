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
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody, LabErrors } from '../errors.ts';
import { hostnameOfHostHeader, labHostnames, parseOrigin } from './lab-hosts.ts';
import { tokenMatches } from './teacher-token.ts';

export interface GuardOptions {
  lan: boolean;
  /** Required on control actions when not null. */
  teacherToken: string | null;
  /** The ports the lab's pages are served from (the lab's, the conditioner's), known once listening. */
  labPorts: () => number[];
  /** @default 64 connections per remote address in LAN mode */
  maxConnectionsPerAddress: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A control action: changes the lab for everyone (needs the teacher token in LAN mode). */
    control?: boolean;
  }
}

/** `npm run dev` serves the page from Vite's port and proxies the API to the lab. */
const DEV_SERVER_PORT = 5173;
const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

export function installRequestGuards(app: FastifyInstance, options: GuardOptions): void {
  const hostnames = labHostnames(options.lan);

  app.addHook('onRequest', (request, reply, done) => {
    const host = request.headers.host;
    if (host !== undefined) {
      const name = hostnameOfHostHeader(host);
      if (name === null || !hostnames.has(name)) {
        reply.code(421).send(errorBody(LabErrors.BAD_HOST(host.slice(0, 100))));
        return;
      }
    }
    if (isFeedRoute(request)) {
      const origin = request.headers.origin;
      if (origin !== undefined && !isLabOrigin(origin, hostnames, options.labPorts())) {
        reply.code(403).send(errorBody(LabErrors.FOREIGN_ORIGIN(origin.slice(0, 100))));
        return;
      }
    }
    if (request.routeOptions.config?.control && options.teacherToken !== null) {
      if (!tokenMatches(options.teacherToken, request.headers.authorization)) {
        reply.code(401).send(errorBody(LabErrors.UNAUTHORIZED()));
        return;
      }
    }
    done();
  });

  if (options.lan) limitConnectionsPerAddress(app, options.maxConnectionsPerAddress);
}

function isFeedRoute(request: FastifyRequest): boolean {
  const meter = request.routeOptions.config?.meter;
  return meter !== undefined && meter !== 'lab';
}

function isLabOrigin(origin: string, hostnames: Set<string>, ports: number[]): boolean {
  const parsed = parseOrigin(origin);
  return parsed !== null && hostnames.has(parsed.hostname) && (ports.includes(parsed.port) || parsed.port === DEV_SERVER_PORT);
}

/** A classroom laptop opens a dozen connections at most; thousands from one address is a tool, not a student. */
function limitConnectionsPerAddress(app: FastifyInstance, max: number): void {
  const open = new Map<string, number>();
  app.server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? '';
    if (LOOPBACK.test(address)) return;
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
