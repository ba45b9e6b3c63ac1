/**
 * CORS for the lab's own origins only. The dashboard page comes from the
 * lab's port, but its clients may go through the conditioner's port, which
 * is another origin; so the feed endpoints (`/api/feed/*`, with OPTIONS
 * preflights) and `/api/clock` answer `Access-Control-Allow-Origin` for
 * `http://<host>:<lab port>` and `http://<host>:<conditioner port>`, where
 * host is a name the lab is reached by (127.0.0.1, localhost, [::1], and the
 * bound address or, when bound to every interface, each interface address).
 * Any other Origin gets no CORS header at all, so a browser refuses it.
 * The header bytes are real: the meter counts them in the transport's header.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TRANSPORT_NAMES } from '../../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import type { MeterBucketName } from '../meter/meter.ts';

/** Seconds a browser may reuse a preflight's answer (Chrome caps it at 7200). */
const PREFLIGHT_MAX_AGE_S = 600;
/** Paths a preflight may ask about, and the meter bucket the preflight is counted in. */
const PREFLIGHT_PATHS: Record<string, MeterBucketName | 'publish'> = {
  ...Object.fromEntries(
    TRANSPORT_NAMES.filter((name) => TRANSPORT_RECORDS[name].corsPreflight).map((name) => [
      TRANSPORT_RECORDS[name].path,
      name,
    ]),
  ),
  // `publish` counts the preflight under the transport named by ?transport=, like the POST it announces.
  '/api/feed/publish': 'publish',
  '/api/clock': 'lab',
};

/**
 * Adds the CORS hook and the preflight routes to the lab (not encapsulated: it must see every feed route).
 * @param isLabOrigin whether an exact Origin value is one of the lab's own pages (`labOriginPredicate`),
 *   the same predicate the Origin guard uses to refuse foreign pages
 */
export function installLabOriginCors(app: FastifyInstance, isLabOrigin: (origin: string) => boolean): void {
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (typeof origin === 'string' && corsPath(request) && isLabOrigin(origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
    }
    done();
  });

  for (const [path, meter] of Object.entries(PREFLIGHT_PATHS)) {
    app.options(path, { config: { meter } }, (_request, reply) => {
      // Only an allowed origin (whose header the hook set) learns what it may send.
      if (reply.hasHeader('access-control-allow-origin')) {
        reply.header('access-control-allow-methods', 'GET, POST');
        reply.header('access-control-allow-headers', 'Content-Type, Last-Event-ID');
        reply.header('access-control-max-age', String(PREFLIGHT_MAX_AGE_S));
      }
      return reply.code(204).send();
    });
  }
}

/**
 * The CORS header lines a hook put on this reply, as raw head lines
 * (`Name: value\r\n` each, '' when none), for routes that write their
 * response head themselves after `reply.hijack()` (SSE).
 */
export function corsHeadLines(reply: FastifyReply): string {
  const origin = reply.getHeader('access-control-allow-origin');
  if (typeof origin !== 'string') return '';
  return `Access-Control-Allow-Origin: ${origin}\r\nVary: Origin\r\n`;
}

function corsPath(request: FastifyRequest): boolean {
  const path = request.url.split('?', 1)[0] ?? '';
  return path.startsWith('/api/feed/') || path === '/api/clock';
}
