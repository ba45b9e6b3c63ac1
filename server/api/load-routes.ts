/**
 * Load runs from the dashboard: `GET /api/load` (the run as it goes),
 * `POST /api/load` (start one), `DELETE /api/load` (stop it). Starting and
 * stopping are control actions (the teacher token in LAN mode); the run is
 * the load generator in a process of its own, aimed at this lab's loopback
 * address. Lab traffic.
 */
import type { FastifyInstance } from 'fastify';
import { parseLoadRunRequest } from '../load-control/load-run-request.ts';
import { LoadRunner } from '../load-control/load-runner.ts';
import { loadTargetUrl } from '../load-control/load-target.ts';
import type { TransportContext } from '../transports/transport-context.ts';

export async function loadRoutes(app: FastifyInstance, { feed, upstream }: TransportContext): Promise<void> {
  const runner = new LoadRunner(upstream);
  // A run must not outlive the lab it loads.
  app.addHook('onClose', () => runner.stop());

  app.get('/api/load', (_request, reply) => reply.header('cache-control', 'no-store').send(runner.view()));

  app.post('/api/load', { config: { control: true } }, (request, reply) => {
    const settings = parseLoadRunRequest(request.body);
    runner.checkIdle();
    const baseUrl = loadTargetUrl(app.server.address());
    // The rate is the feed's, for everyone: as the rate control would set it (this is a control action too).
    if (settings.ratePerSecond !== null)
      feed.configure({ ...feed.currentSettings, ratePerSecond: settings.ratePerSecond });
    runner.start(settings, baseUrl);
    return reply.code(202).header('cache-control', 'no-store').send(runner.view());
  });

  app.delete('/api/load', { config: { control: true } }, async (_request, reply) => {
    await runner.stop();
    return reply.header('cache-control', 'no-store').send(runner.view());
  });
}
