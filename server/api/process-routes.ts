/**
 * The lab's own cost, read from inside the lab's process so a load generator's
 * CPU never counts: `GET /api/process[?reset=true]`. CPU times and event-loop
 * utilisation are cumulative (diff two reads); the event-loop delay and
 * fan-out histograms cover the time since the last `reset=true` (or since start).
 */
import { monitorEventLoopDelay, performance, type RecordableHistogram } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import type { FanOutFigures, ProcessFigures } from '../../protocol/lab-status.ts';
import type { TransportContext } from '../transports/transport-context.ts';

/** The sampling interval of the delay histogram; a timer is never on time by less than this. */
const RESOLUTION_MS = 10;

export async function processRoutes(app: FastifyInstance, { feed }: TransportContext): Promise<void> {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  app.addHook('onClose', async () => delay.disable());

  app.get('/api/process', async (request, reply) => {
    const connections = await new Promise<number>((resolve) =>
      app.server.getConnections((_error, n) => resolve(n ?? 0)),
    );
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const loop = performance.eventLoopUtilization();
    const figures: ProcessFigures = {
      t: performance.timeOrigin + performance.now(),
      cpuUserMs: cpu.user / 1000,
      cpuSystemMs: cpu.system / 1000,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
      eventLoop: { idleMs: loop.idle, activeMs: loop.active, utilization: loop.utilization },
      // The histogram records whole intervals (an idle loop reads ~10 ms): only the part beyond them is delay.
      eventLoopDelayP99Ms: delay.count > 0 ? Math.max(0, delay.percentile(99) / 1e6 - RESOLUTION_MS) : 0,
      eventLoopDelayMaxMs: delay.count > 0 ? Math.max(0, delay.max / 1e6 - RESOLUTION_MS) : 0,
      connections,
      fanOut: fanOutFigures(feed.fanOutTimes, feed.listenerCount),
    };
    if ((request.query as Record<string, unknown>).reset === 'true') {
      delay.reset();
      feed.fanOutTimes.reset();
    }
    return reply.header('cache-control', 'no-store').send(figures);
  });
}

/** The histogram holds µs. */
function fanOutFigures(times: RecordableHistogram, listeners: number): FanOutFigures {
  const ms = (us: number): number => (times.count > 0 ? us / 1000 : 0);
  return {
    events: times.count,
    listeners,
    p50Ms: ms(times.percentile(50)),
    p99Ms: ms(times.percentile(99)),
    maxMs: ms(times.max),
  };
}
