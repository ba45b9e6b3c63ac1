/**
 * The cluster's controller: the one process that may rewrite nginx's config
 * (`npm run cluster` runs it beside nginx). It listens on a free loopback port
 * and answers only requests carrying its token, which the labs get in their
 * environment (`LAB_CLUSTER_TOKEN`), never on a command line. The page talks
 * to its lab (`/api/cluster/load-balancer`, with the lab's Origin and teacher
 * checks); the lab forwards here. After nginx has reloaded, the controller
 * announces the switch on Redis, so every lab starts a new segment at once.
 *
 *   GET /load-balancer  → { current, switchedAt, switching, error, configs }
 *   PUT /load-balancer  {"config":"no-upgrade"} → 202 and the same, the switch under way
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import type { LoadBalancerControllerState, LoadBalancerSwitch } from '../protocol/load-balancer.ts';
import {
  isLoadBalancerConfigName,
  type LoadBalancerConfigName,
  loadBalancerConfigViews,
} from './load-balancer-configs.ts';
import type { NginxProcess } from './nginx-process.ts';

export interface ClusterController {
  /** e.g. `http://127.0.0.1:40500` */
  url: string;
  /** What a lab sends as `Authorization: Bearer <token>`. */
  token: string;
  close(): Promise<void>;
}

export interface ClusterControllerOptions {
  /** The cluster's nginx; null until it runs (the labs, which need the controller's URL, start first). */
  nginx: () => NginxProcess | null;
  /** The labs' Redis, where switches are announced. */
  redisUrl: string;
  /** The Redis channel the labs listen on (`loadBalancerChannel(keyPrefix)`). */
  channel: string;
}

/** Bytes of a switch request's body: `{"config":"short-read-timeout"}` is 33. */
const MAX_BODY_BYTES = 1024;

export async function startClusterController(options: ClusterControllerOptions): Promise<ClusterController> {
  const token = randomBytes(24).toString('base64url');
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {}); // a publish that fails is reported to the request that asked
  let switchedAt: number | null = null;
  let switching: string | null = null;
  let error: string | null = null;
  const configs = loadBalancerConfigViews();
  const state = (nginx: NginxProcess): LoadBalancerControllerState => ({
    current: nginx.config,
    switchedAt,
    switching,
    error,
    configs,
  });
  // One switch at a time: a second waits for the first (each reload waits for the old workers).
  let queue: Promise<void> = Promise.resolve();

  const switchTo = (nginx: NginxProcess, config: LoadBalancerConfigName): void => {
    switching = config;
    queue = queue.then(async () => {
      try {
        await nginx.switchConfig(config);
        switchedAt = Date.now();
        error = null;
        const announced: LoadBalancerSwitch = { current: config, switchedAt, switching: null, error };
        await redis.publish(options.channel, JSON.stringify(announced));
      } catch (failure) {
        error = (failure as Error).message;
      }
      if (switching === config) switching = null;
    });
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!authorized(request.headers.authorization, token)) return send(response, 401, { error: 'token' });
    if (request.url !== '/load-balancer') return send(response, 404, { error: 'not found' });
    const nginx = options.nginx();
    if (!nginx) return send(response, 503, { error: 'nginx is not running yet' });
    if (request.method === 'GET') return send(response, 200, state(nginx));
    if (request.method !== 'PUT') return send(response, 405, { error: 'GET or PUT' });
    const body = await readBody(request);
    const config = (body as { config?: unknown } | null)?.config;
    if (typeof config !== 'string' || !isLoadBalancerConfigName(config)) {
      const names = configs.map((each) => each.name).join(', ');
      return send(response, 400, { error: `"config" must be one of ${names} (got ${JSON.stringify(config)})` });
    }
    // Answered at once: this request came through nginx, whose old workers close their connections on reload.
    switchTo(nginx, config);
    send(response, 202, state(nginx));
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer /, '') ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > MAX_BODY_BYTES) return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
