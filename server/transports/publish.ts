/**
 * Upstream for the HTTP transports: one POST per message. Its bytes count
 * under the transport named by `?transport=` (the sender's), else under `lab`.
 */
import type { FastifyInstance } from 'fastify';
import { LabErrors } from '../errors.ts';
import { parseFeedQuery } from './feed-query.ts';
import type { TransportContext } from './transport-context.ts';
import { RateLimiter } from '../security/rate-limiter.ts';
import { parseUpstream } from './upstream-message.ts';

/** Senders remembered for rate limiting; the oldest are forgotten first. */
const MAX_SENDERS = 10_000;

export async function publishRoute(app: FastifyInstance, { feed }: TransportContext): Promise<void> {
  const limiters = new Map<string, RateLimiter>();
  const limiterFor = (sender: string): RateLimiter => {
    let limiter = limiters.get(sender);
    if (!limiter) {
      if (limiters.size >= MAX_SENDERS) limiters.delete(limiters.keys().next().value ?? '');
      limiter = new RateLimiter();
      limiters.set(sender, limiter);
    }
    return limiter;
  };

  app.post(
    '/api/feed/publish',
    {
      config: { meter: 'publish' },
      onRequest: (request, _reply, done) => {
        // Refused before the body is read: a chunked body's wire size could not be metered.
        if (request.headers['transfer-encoding'] !== undefined) return done(LabErrors.LENGTH_REQUIRED());
        const type = request.headers['content-type'] ?? '';
        if (!/^application\/json\s*(;|$)/i.test(type)) return done(LabErrors.UNSUPPORTED_MEDIA_TYPE(type));
        done();
      },
    },
    (request) => {
      const query = parseFeedQuery(request.query);
      const transport = (request.query as Record<string, unknown>).transport;
      if (transport !== undefined && transport !== 'short-poll' && transport !== 'long-poll' && transport !== 'sse') {
        throw LabErrors.BAD_QUERY(
          '"transport" must be short-poll, long-poll or sse (WebSocket sends upstream on its socket)',
        );
      }
      const limiter = limiterFor(query.client ?? request.ip);
      if (!limiter.take()) throw LabErrors.RATE_LIMITED(limiter.ratePerSecond);
      const upstream = parseUpstream(request.body, query.client);
      const stored = feed.publish(upstream.body, upstream.origin);
      return { epoch: feed.epoch, seq: stored.seq };
    },
  );
}
