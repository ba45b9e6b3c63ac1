/** `npm run cluster` flags, checked in one place (LAB_ERR_BAD_FLAG, exit code 2). */
import { LabErrors } from '../server/errors.ts';
import { decimalFlag, parseFlags, str, wholeNumberFlag } from '../server/flag-values.ts';
import {
  isLoadBalancerConfigName,
  LOAD_BALANCER_CONFIGS,
  type LoadBalancerConfigName,
} from './load-balancer-configs.ts';

export interface ClusterFlags {
  help: boolean;
  /** Lab processes behind nginx (1–16, default 2). */
  instances: number;
  /** An existing Redis; undefined = start the machine's redis-server on a free loopback port. */
  redis: string | undefined;
  /** nginx's port on 127.0.0.1 (default 0: a free one). */
  port: number;
  /** Which of cluster/nginx-configs/ nginx runs (default `correct`). */
  config: LoadBalancerConfigName;
  /** The generator's event rate (events/s), passed to every lab. */
  rate: number | undefined;
  /** nginx worker processes (1–16, default 1). */
  nginxWorkers: number;
  /** No instance generates (`--no-generator`): events come only from publishes. */
  noGenerator: boolean;
}

export const CLUSTER_USAGE = `Usage: npm run cluster -- [options]

Starts several labs sharing one feed through Redis Streams, with nginx in
front, and prints the one URL to open. Ctrl-C stops everything it started.

Options:
  --instances <n>   lab processes (1-16, default 2)
  --redis <url>     use this Redis (default: start the machine's redis-server
                    on a free loopback port, without persistence)
  --port <n>        nginx's port on 127.0.0.1 (default: a free one)
  --config <name>   nginx configuration from cluster/nginx-configs/:
                    ${Object.keys(LOAD_BALANCER_CONFIGS).join(', ')} (default correct)
  --rate <events/s> the generator's event rate (instance lab-1 generates)
  --no-generator    no instance generates; events come only from publishes
  --nginx-workers <n> nginx worker processes (default 1; each client takes two
                    descriptors in nginx, so 10,000 clients need two workers
                    where a process may hold 20,000)
  -h, --help        show this help`;

export function parseClusterFlags(argv: string[]): ClusterFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    instances: { type: 'string' },
    redis: { type: 'string' },
    port: { type: 'string' },
    config: { type: 'string' },
    rate: { type: 'string' },
    'no-generator': { type: 'boolean' },
    'nginx-workers': { type: 'string' },
  });
  const config = str(values, 'config') ?? 'correct';
  if (!isLoadBalancerConfigName(config)) {
    throw LabErrors.BAD_FLAG(
      `--config must be one of ${Object.keys(LOAD_BALANCER_CONFIGS).join(', ')} (got ${JSON.stringify(config)})`,
    );
  }
  const redis = str(values, 'redis');
  if (redis !== undefined && !/^rediss?:\/\/\S+$/.test(redis)) {
    throw LabErrors.BAD_FLAG(
      `--redis must be a redis:// URL such as redis://127.0.0.1:6379 (got ${JSON.stringify(redis)})`,
    );
  }
  const rate = str(values, 'rate');
  return {
    help: values.help === true,
    instances: wholeNumberFlag('--instances', str(values, 'instances'), 1, 16, 2),
    redis,
    port: wholeNumberFlag('--port', str(values, 'port'), 0, 65_535, 0),
    config,
    rate: rate === undefined ? undefined : decimalFlag('--rate', rate, 0.001, 1000),
    noGenerator: values['no-generator'] === true,
    nginxWorkers: wholeNumberFlag('--nginx-workers', str(values, 'nginx-workers'), 1, 16, 1),
  };
}
