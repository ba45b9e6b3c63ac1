/**
 * The load-balancer lesson's switch, for a lab under `npm run cluster`
 * (`clusterControl` set): the page asks its lab, the lab forwards to the
 * cluster's controller, which rewrites nginx's config and reloads it. The
 * controller then announces the switch on Redis, and every lab starts a new
 * segment (reason `load-balancer`, label the config's name), so the columns'
 * figures count from the moment nginx runs the new config.
 *
 *   GET /api/cluster/load-balancer   → LoadBalancerState (controlled: false outside a cluster)
 *   PUT /api/cluster/load-balancer   {"config":"no-upgrade"}  (a control action) → 202, nginx reloading
 */
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import {
  type LoadBalancerControllerState,
  type LoadBalancerState,
  type LoadBalancerSwitch,
  loadBalancerChannel,
} from '../../protocol/load-balancer.ts';
import { LabErrors } from '../errors.ts';
import type { TransportContext } from '../transports/transport-context.ts';

/** ms the controller may take to answer (it answers a switch as soon as nginx starts reloading). */
const CONTROLLER_TIMEOUT_MS = 5000;
/** A config's name as the files in cluster/nginx-configs/ are named; which ones exist, the controller knows. */
const CONFIG_NAME = /^[a-z0-9]+(?:-[a-z0-9]+){0,5}$/;

export async function loadBalancerRoutes(app: FastifyInstance, { options, segments }: TransportContext): Promise<void> {
  const control = options.clusterControl;
  if (!control || !options.redis) {
    app.get(
      '/api/cluster/load-balancer',
      (): LoadBalancerState => ({
        controlled: false,
        current: null,
        switchedAt: null,
        switching: null,
        error: null,
        configs: [],
      }),
    );
    app.put('/api/cluster/load-balancer', { config: { control: true } }, () => {
      throw LabErrors.NOT_A_CLUSTER();
    });
    return;
  }

  const ask = async (method: 'GET' | 'PUT', body?: unknown): Promise<LoadBalancerControllerState> => {
    let response: Response;
    try {
      response = await fetch(`${control.url}/load-balancer`, {
        method,
        headers: { authorization: `Bearer ${control.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(CONTROLLER_TIMEOUT_MS),
      });
    } catch (error) {
      throw LabErrors.CLUSTER_CONTROL((error as Error).message);
    }
    const answer = (await response.json().catch(() => ({}))) as LoadBalancerControllerState & { error?: string };
    if (response.status === 400) throw LabErrors.UNKNOWN_LB_CONFIG(answer.error ?? 'unknown config');
    if (!response.ok) throw LabErrors.CLUSTER_CONTROL(answer.error ?? `HTTP ${response.status}`);
    return answer;
  };
  const state = (now: LoadBalancerControllerState): LoadBalancerState => ({ controlled: true, ...now });

  app.get('/api/cluster/load-balancer', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send(state(await ask('GET'))),
  );
  app.put('/api/cluster/load-balancer', { config: { control: true } }, async (request, reply) => {
    const body = request.body as { config?: unknown } | null;
    const config = typeof body === 'object' && body !== null ? body.config : undefined;
    if (typeof config !== 'string' || !CONFIG_NAME.test(config)) {
      throw LabErrors.UNKNOWN_LB_CONFIG(
        `"config" must be a config's name such as "no-upgrade" (got ${JSON.stringify(config)})`,
      );
    }
    // 202: nginx is reloading; the switch is done when `current` is the config (and a segment begins).
    return reply.code(202).send(state(await ask('PUT', { config })));
  });

  // Every lab hears of the switch from Redis once nginx has reloaded, the one that forwarded it too.
  const subscriber = new Redis(options.redis.url, { maxRetriesPerRequest: 1 });
  subscriber.on('error', () => {}); // reconnects by itself; a switch missed meanwhile only misses its segment
  const channel = loadBalancerChannel(options.redis.keyPrefix);
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    const announced = parseSwitch(message);
    if (announced) segments.change('load-balancer', announced.current, () => {});
  });
  app.addHook('onReady', async () => {
    await subscriber.subscribe(channel);
  });
  app.addHook('onClose', async () => {
    subscriber.disconnect();
  });
}

function parseSwitch(message: string): { current: string } | null {
  try {
    const value = JSON.parse(message) as Partial<LoadBalancerSwitch>;
    return typeof value.current === 'string' && CONFIG_NAME.test(value.current) ? { current: value.current } : null;
  } catch {
    return null;
  }
}
