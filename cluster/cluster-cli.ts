/**
 * `npm run cluster -- --instances 3`: Redis (the machine's redis-server on a
 * free loopback port, or `--redis URL`), N labs sharing one feed through it,
 * nginx in front with one of cluster/nginx-configs/; prints the one URL and
 * stops everything it started on Ctrl-C / SIGTERM.
 */
import { HINTS, isLabError } from '../server/errors.ts';
import { loadBalancerChannel } from '../protocol/load-balancer.ts';
import { type ClusterController, startClusterController } from './cluster-controller.ts';
import { CLUSTER_USAGE, parseClusterFlags } from './cluster-flags.ts';
import { freeLoopbackPort } from './free-port.ts';
import { type LabInstance, startLabInstances } from './lab-instances.ts';
import { LOAD_BALANCER_CONFIGS } from './load-balancer-configs.ts';
import { type NginxProcess, startNginx } from './nginx-process.ts';
import { type RedisServerProcess, startRedisServer } from './redis-server-process.ts';

async function main(): Promise<void> {
  const flags = parseClusterFlags(process.argv.slice(2));
  if (flags.help) {
    console.log(CLUSTER_USAGE);
    return;
  }
  let redis: RedisServerProcess | null = null;
  let labs: LabInstance[] = [];
  let nginx: NginxProcess | null = null;
  let controller: ClusterController | null = null;
  let stopping: Promise<void> | null = null;
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      await controller?.close();
      await nginx?.stop();
      await Promise.all(labs.map((lab) => lab.stop()));
      await redis?.stop();
    })();
    return stopping;
  };
  const onSignal = (signal: string): void => {
    if (stopping) process.exit(130); // a second Ctrl-C means now (the exit hooks still kill the children)
    console.log(`\n${signal}: stopping nginx, ${labs.length} labs${redis ? ' and Redis' : ''}…`);
    void stopAll().then(() => process.exit(0));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  try {
    if (flags.redis === undefined) redis = await startRedisServer();
    const redisUrl = flags.redis ?? redis?.url ?? '';
    // nginx's port first: each lab must know nginx's origin as its own (the page's WebSocket, its controls).
    const port = flags.port === 0 ? await freeLoopbackPort() : flags.port;
    const origins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
    // The controller first: each lab is told where it is (the page's config switch goes through it).
    controller = await startClusterController({
      nginx: () => nginx,
      redisUrl,
      channel: loadBalancerChannel('transport-lab:'), // the key prefix server/main.ts gives the shared feed
    });
    // Inherited by the labs, never on their command line (where `ps` would show it).
    process.env.LAB_CLUSTER_TOKEN = controller.token;
    labs = await startLabInstances({
      instances: flags.instances,
      redisUrl,
      extraArgs: [
        ...origins.flatMap((origin) => ['--public-origin', origin]),
        '--cluster-control',
        controller.url,
        ...(flags.rate === undefined ? [] : ['--rate', String(flags.rate)]),
      ],
      generator: flags.noGenerator ? 'none' : 'first',
    });
    nginx = await startNginx(
      flags.config,
      labs.map((lab) => lab.port),
      port,
      flags.nginxWorkers,
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  console.log(`Transport Lab cluster is running at ${nginx.url}/`);
  console.log(`  nginx (${flags.config}: ${LOAD_BALANCER_CONFIGS[flags.config].breaks})`);
  for (const lab of labs) console.log(`  ${lab.name} at ${lab.url}/ (pid ${lab.pid})`);
  console.log(
    `  Redis at ${redisUrlShown(flags.redis ?? redis?.url ?? '')}${redis ? ` (pid ${redis.pid}, started here)` : ''}`,
  );
  console.log(`  the page switches nginx's config (the load-balancer lesson) through ${controller?.url ?? ''}`);
  console.log(`  the whole cluster's figures: ${nginx.url}/api/metrics/cluster; Ctrl-C stops it all`);
}

function redisUrlShown(url: string): string {
  return url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');
}

main().catch((error: unknown) => {
  if (isLabError(error)) {
    console.error(`error ${error.code}: ${error.message}\nhint: ${HINTS[error.code]}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
