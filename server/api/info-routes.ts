/**
 * Small lab endpoints: the clock for offset estimates, the scenarios with
 * their teaching texts, whether this caller may steer the lab, the URLs
 * students join on, the HTTPS ports, and an index
 * of the API for curl users.
 */
import type { HttpsPorts, LabAccess } from '../../protocol/lab-status.ts';
import type { FastifyInstance } from 'fastify';
import { listScenarios } from '../feed/scenario.ts';
import { lanUrls } from '../lan-addresses.ts';
import { tokenMatches } from '../security/teacher-token.ts';
import type { TransportContext } from '../transports/transport-context.ts';

export const API_INDEX = {
  feed: {
    'GET /api/feed/short-poll?since=SEQ&client=ID': 'answers at once with the events after SEQ',
    'GET /api/feed/long-poll?since=SEQ&client=ID&timeoutMs=25000': 'held until an event after SEQ exists',
    'GET /api/feed/sse?client=ID': 'text/event-stream; resumes from Last-Event-ID or ?lastEventId=',
    'GET /api/feed/websocket?client=ID&since=SEQ': 'WebSocket; one message per event',
    'POST /api/feed/publish?client=ID&transport=NAME': 'upstream: {"id","data"} becomes a feed event',
  },
  lab: {
    'GET /api/metrics?client=ID': 'the meter: requests, connections, messages, bytes per transport',
    'GET /api/metrics/stream?client=ID': 'the meter as SSE, four times a second',
    'GET /api/metrics/cluster':
      'every instance sharing this feed (--redis) and their sums; without --redis this lab alone',
    'GET /api/clock': 'server time for clock-offset estimates',
    'GET /api/scenarios': 'the scenarios and what to notice in each',
    'GET /api/access': 'whether the lab is in LAN mode and this caller may steer it (its Authorization header)',
    'GET /api/join': 'the URLs students open (LAN mode: this machine on every network; never the token)',
    'GET /api/https': 'the HTTPS ports (--https), and each HTTP/2 connection with its HPACK table sizes',
    'GET /api/feed/status': 'the running scenario, rate and newest seq',
    'PUT /api/feed/settings': '{"scenario","ratePerSecond","payloadBytes","running"} steer the feed',
    'POST /api/feed/restart': 'a new epoch: every client sees a reset',
    'GET /api/socket-io/settings?client=ID': "Socket.IO: the chat's broadcast choice, volatile emits, their drops",
    'PUT /api/socket-io/settings': '{"chatBroadcast","volatile"} Socket.IO settings (control action)',
    'GET /api/inspect?client=ID': "the last exchange's bytes per transport, annotated",
    'GET /api/process?reset=true': "the lab's own CPU, memory and event-loop figures",
    'GET /api/load': "the dashboard's load run: state, progress, result",
    'POST /api/load': '{"clientsPerTransport","durationS","transports"?} starts a load run (control action)',
    'DELETE /api/load': 'stops the load run',
    'POST /api/class/report': "a page's own figures, for the teacher's class view",
    'GET /api/class': 'how many browsers, and the class-wide spread per transport',
    'GET /api/class/round': "the class's prediction round: lesson, question, phase, votes per choice, the verdict",
    'POST /api/class/round': 'start a round for a lesson: its question and choices (control action)',
    'POST /api/class/round/vote': "a page's prediction, one per page, changeable while the round is asking",
    'POST /api/class/round/run': 'close the votes: the experiment runs (control action)',
    'POST /api/class/round/reveal': 'reveal the measured answer beside the votes (control action)',
    'DELETE /api/class/round': 'end the round (control action)',
    'GET /api/network': 'the network conditioner: port, profile, rttMs, jitterMs, downKbps, upKbps',
    'PUT /api/network': '{"profile":"fast-4g"} or {"profile":"custom","rttMs",…} shape the conditioner',
    'POST /api/network/faults': '{"action":"drop-all"|"stall"|"chaos"|"calm"}',
    'GET /api/network/profiles': 'the profiles and what to notice in each',
    'GET /api/network/connections': "the conditioner's open and recent connections with their bytes",
  },
  docs: 'README.md and docs/api.md in the repository',
};

export async function infoRoutes(app: FastifyInstance, { options }: TransportContext): Promise<void> {
  // A student's page asks first, so it can say "watching" instead of offering controls that end in 401.
  app.get('/api/access', (request, reply) => {
    const token = options.teacherToken;
    const access: LabAccess = {
      lan: options.lan,
      controlNeedsToken: token !== null,
      canControl: token === null || tokenMatches(token, request.headers.authorization),
    };
    return reply.header('cache-control', 'no-store').send(access);
  });
  // The teacher's "Show join code": what students open, on the port this request came in on. Never a token.
  app.get('/api/join', (request, reply) => {
    const urls = options.lan ? lanUrls(request.socket.localPort ?? 0) : [];
    return reply.header('cache-control', 'no-store').send({ urls });
  });
  // A page served over HTTPS lets its HTTP transports run on either version: it needs both ports.
  app.get('/api/https', async (_request, reply) => {
    const ports = await app.httpsReady().catch(() => null);
    const answer: HttpsPorts = {
      h2Port: ports?.h2Port ?? null,
      http1Port: ports?.http1Port ?? null,
      sessions: app.httpsSessions(),
    };
    return reply.header('cache-control', 'no-store').send(answer);
  });
  app.get('/api', () => API_INDEX);
  app.get('/api/clock', (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ t: performance.timeOrigin + performance.now() }),
  );
  app.get('/api/scenarios', () => listScenarios());
}
