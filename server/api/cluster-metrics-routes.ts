/**
 * `GET /api/metrics/cluster`, for labs sharing a feed through Redis: each
 * instance meters only its own sockets, so each writes its reading into Redis
 * every second (`<prefix>instances`, one field per instance) and any instance
 * answers with every live instance's reading and their sums. An instance that
 * has not reported for 3 s (killed, stopped) is left out. Without `--redis`
 * the lab answers as a cluster of one (`shared: false`).
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { ClusterMetrics, InstanceReport } from '../../protocol/cluster-metrics.ts';
import { TRANSPORT_NAMES, type TransportName } from '../../protocol/feed-event.ts';
import { metricsSum } from '../../protocol/figures.ts';
import { emptyTransportMetrics, type TransportMetrics } from '../../protocol/metrics.ts';
import { LabErrors } from '../errors.ts';
import type { TransportContext } from '../transports/transport-context.ts';

/** ms between an instance's reports. */
const REPORT_EVERY_MS = 1000;
/** ms after which an instance's last report no longer counts. */
const STALE_AFTER_MS = 3000;

export async function clusterMetricsRoutes(app: FastifyInstance, context: TransportContext): Promise<void> {
  const { feed, meter, options } = context;
  const name = options.instanceName;
  const now = (): number => performance.timeOrigin + performance.now();
  const ownReport = (): InstanceReport => ({
    name,
    t: now(),
    url: ownUrl(app),
    pid: process.pid,
    listeners: feed.listenerCount,
    transports: meter.snapshot(feed.epoch, feed.newestSeq, now()).transports,
  });
  const answer = (instances: InstanceReport[], shared: boolean): ClusterMetrics => ({
    shared,
    epoch: feed.epoch,
    seq: feed.newestSeq,
    answeredBy: name,
    instances,
    sums: { listeners: instances.reduce((sum, each) => sum + each.listeners, 0), transports: summed(instances) },
  });
  if (!options.redis) {
    // A lab on its own feed is a cluster of one (a 200, so the page can ask without a failed request).
    app.get('/api/metrics/cluster', (_request, reply) =>
      reply.header('cache-control', 'no-store').send(answer([ownReport()], false)),
    );
    return;
  }
  const key = `${options.redis.keyPrefix}instances`;
  const redis = new Redis(options.redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => REPORT_EVERY_MS });
  redis.on('error', () => {}); // a missed report only ages out; the answer says when Redis is away
  const report = (): void => {
    redis.hset(key, name, JSON.stringify(ownReport())).catch(() => {});
  };
  let timer: NodeJS.Timeout | null = null;
  app.addHook('onReady', async () => {
    report();
    timer = setInterval(report, REPORT_EVERY_MS);
  });
  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    // Gone at once rather than after STALE_AFTER_MS.
    await redis.hdel(key, name).catch(() => {});
    redis.disconnect();
  });

  app.get('/api/metrics/cluster', async (_request, reply) => {
    let stored: Record<string, string>;
    try {
      stored = await redis.hgetall(key);
    } catch (error) {
      throw LabErrors.FEED_UNAVAILABLE((error as Error).message);
    }
    const own = ownReport();
    const others = Object.entries(stored)
      .filter(([other]) => other !== name)
      .map(([, json]) => JSON.parse(json) as InstanceReport)
      .filter((other) => own.t - other.t < STALE_AFTER_MS);
    const body = answer(
      [own, ...others].sort((x, y) => x.name.localeCompare(y.name)),
      true,
    );
    return reply.header('cache-control', 'no-store').send(body);
  });
}

function summed(instances: InstanceReport[]): Record<TransportName, TransportMetrics> {
  const sums = Object.fromEntries(TRANSPORT_NAMES.map((name) => [name, emptyTransportMetrics()])) as Record<
    TransportName,
    TransportMetrics
  >;
  for (const instance of instances) {
    for (const name of TRANSPORT_NAMES) sums[name] = metricsSum(sums[name], instance.transports[name]);
  }
  return sums;
}

/** The lab's own loopback address as it listens (a wildcard bind is reached on 127.0.0.1); null before it does. */
function ownUrl(app: FastifyInstance): string | null {
  const address = app.server.address();
  if (!address || typeof address === 'string') return null;
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
