/**
 * The meter, read out: `GET /api/metrics[?client=ID]` once, and
 * `GET /api/metrics/stream[?client=ID]` as SSE a few times a second for the
 * dashboard. Both are lab traffic, counted under `lab`. Every snapshot
 * carries `load` too: the load-run clients' part of `transports` (see meter.ts),
 * and the segment under way. When a segment begins, every stream at once gets
 * the reading of that instant, tagged with the new segment (segment-log.ts);
 * a client's first poll answer after it that still carries older events then
 * moves that transport's zero past it (`event: zero`, SegmentZero).
 */
import type { FastifyInstance } from 'fastify';
import { isTransportName } from '../../protocol/feed-event.ts';
import type { MetricsSnapshot, SegmentZero } from '../../protocol/metrics.ts';
import type { SegmentInfo } from '../../protocol/segment.ts';
import { eventInSegment } from '../../protocol/segment.ts';
import { parseFeedQuery } from '../transports/feed-query.ts';
import type { TransportContext } from '../transports/transport-context.ts';

export async function metricsRoutes(app: FastifyInstance, context: TransportContext): Promise<void> {
  const { feed, meter, inspector, options, closers, segments } = context;
  const now = (): number => performance.timeOrigin + performance.now();
  const reading = (client: string | null) => meter.snapshot(feed.epoch, feed.newestSeq, now(), client ?? undefined);
  const snapshot = (client: string | null, segment: SegmentInfo = segments.current): MetricsSnapshot => ({
    ...reading(client),
    segment,
  });

  app.get('/api/metrics', (request, reply) => {
    const { client } = parseFeedQuery(request.query);
    return reply.header('cache-control', 'no-store').send(snapshot(client));
  });

  app.get('/api/inspect', (request, reply) => {
    const { client } = parseFeedQuery(request.query);
    return reply.header('cache-control', 'no-store').send({ transports: inspector.samples(client) });
  });

  app.get('/api/metrics/stream', (request, reply) => {
    const { client } = parseFeedQuery(request.query);
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' });
    const send = (data: MetricsSnapshot): void => {
      response.write(`data: ${JSON.stringify(data)}\n\n`);
    };
    const push = (): void => send(snapshot(client));
    push();
    const timer = setInterval(push, options.metricsIntervalMs);
    // Read just before a change, sent just after: the new segment's zero.
    let awaitingAnswer = new Set<string>();
    const unwatch = segments.watch(() => {
      const before = reading(client);
      return (segment) => {
        send({ ...before, segment });
        awaitingAnswer = new Set(Object.keys(before.transports));
      };
    });
    // The first poll answer of each transport after the change: if it still carried older events, it is the old segment's.
    const unwatchAnswers = meter.onAnswer((target, oldest) => {
      if (client === null || target.client !== client || !awaitingAnswer.delete(target.bucket)) return;
      const segment = segments.current;
      if (oldest === null || eventInSegment(oldest, segment) || !isTransportName(target.bucket)) return;
      const zero: SegmentZero = {
        segment: segment.id,
        transport: target.bucket,
        metrics: reading(client).transports[target.bucket],
      };
      response.write(`event: zero\ndata: ${JSON.stringify(zero)}\n\n`);
    });
    const end = (): void => {
      response.end();
    };
    closers.add(end);
    response.once('close', () => {
      clearInterval(timer);
      unwatch();
      unwatchAnswers();
      closers.delete(end);
    });
  });
}
