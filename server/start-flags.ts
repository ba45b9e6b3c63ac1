/**
 * `npm start` flags: parsed and checked in one place, each mistake reported
 * with the flag's name, what was expected and exit code 2.
 */
import {
  isNetworkProfileName,
  NETWORK_PROFILE_NAMES,
  type NetworkProfileName,
} from './conditioner/network-profiles.ts';
import { LabErrors } from './errors.ts';
import { decimalFlag, parseFlags, wholeNumberFlag } from './flag-values.ts';

export interface StartFlags {
  help: boolean;
  /** Classroom mode: bind every interface, print LAN URLs and a teacher token that control actions need. */
  lan: boolean;
  port: number;
  host: string;
  scenario: string | undefined;
  seed: number | undefined;
  rate: number | undefined;
  /** Events kept for resume (`--history`). */
  history: number | undefined;
  /** Port of the network conditioner; null = none (`--conditioner-port off`). */
  conditionerPort: number | null;
  /** No `--conditioner-port` was given: the default (the lab's port + 1) may be replaced by a free one when taken. */
  conditionerPortIsDefault: boolean;
  /** The conditioner's initial profile (`--network`). */
  network: NetworkProfileName | undefined;
  /** Share the feed through this Redis (`--redis redis://…`); undefined = the embedded feed. */
  redis: string | undefined;
  /** Origins of a proxy in front of this lab (`--public-origin`, repeatable). */
  publicOrigins: string[];
  /** This lab's name in the cluster's figures (`--instance-name`). */
  instanceName: string | undefined;
  /** Do not start the generator (`--no-generator`): in a cluster one instance generates, all serve. */
  noGenerator: boolean;
  /** The cluster's controller (`--cluster-control`, with its token in `LAB_CLUSTER_TOKEN`); set by npm run cluster. */
  clusterControl: { url: string; token: string } | undefined;
  /** The HTTPS ports (`--https`): HTTP/2 (with HTTP/1.1 for WebSocket) and HTTP/1.1 only; null = plain HTTP only. */
  https: { h2Port: number; http1Port: number; cert: string | undefined; key: string | undefined } | null;
}

export const START_USAGE = `Usage: npm start -- [options]

Runs Transport Lab: one live feed served by short polling, long polling,
Server-Sent Events and WebSocket, with a dashboard at the printed URL.

Options:
  --port <n>          port to listen on (default 3000, or $PORT)
  --host <address>    address to bind (default 127.0.0.1, or $HOST; 0.0.0.0 with --lan)
  --lan               classroom mode: students join over the LAN (URLs and a QR
                      code are printed); steering the lab needs the teacher's token
  --scenario <id|path> scenario id from scenarios/ or a path to a scenario file
                      (default stock-ticker)
  --seed <n>          generator seed: the same seed replays the same events
  --rate <events/s>   override the scenario's event rate
  --history <events>  events kept so a client can resume where it left off
                      (default 100000; at most 64 MiB of events either way)
  --conditioner-port <n|off>
                      port of the network conditioner, a shaping proxy in front
                      of the lab (default: the lab's port + 1, i.e. 3001, or
                      any free port when that one is taken; 0 when --port is 0;
                      off = none)
  --network <profile> the conditioner's starting profile: none, lan, fast-4g,
                      slow-4g, 3g, satellite (default none)
  --redis <url>       share the feed with other labs through Redis Streams,
                      e.g. redis://127.0.0.1:6379 (default: the embedded feed)
  --instance-name <s> this lab's name in GET /api/metrics/cluster (with --redis)
  --public-origin <url> the origin of a proxy in front of this lab (e.g.
                      http://127.0.0.1:8080), whose pages may then use the feed
                      and the controls; repeatable
  --no-generator      do not generate events (publish still works); with --redis
                      one instance generates for all
  --cluster-control <url> the cluster controller's loopback URL (npm run cluster
                      passes it, with its token in LAB_CLUSTER_TOKEN): the page
                      may then switch nginx's config
  --https             also serve the lab over TLS: HTTP/2 (and HTTP/1.1 for
                      WebSocket) on --https-port, HTTP/1.1 only on --https1-port;
                      a self-signed certificate for localhost is made in
                      .lab-certs/ unless --cert and --key are given
  --https-port <n>    the HTTP/2 port (default 3443; 0 when --port is 0)
  --https1-port <n>   the HTTP/1.1-only HTTPS port (default: --https-port + 1)
  --cert <file> --key <file>
                      your own PEM certificate and key (e.g. from mkcert)
  -h, --help          show this help`;

export function parseStartFlags(argv: string[], env: NodeJS.ProcessEnv): StartFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    lan: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    scenario: { type: 'string' },
    seed: { type: 'string' },
    rate: { type: 'string' },
    history: { type: 'string' },
    'conditioner-port': { type: 'string' },
    network: { type: 'string' },
    redis: { type: 'string' },
    'instance-name': { type: 'string' },
    'public-origin': { type: 'string', multiple: true },
    'no-generator': { type: 'boolean' },
    'cluster-control': { type: 'string' },
    https: { type: 'boolean' },
    'https-port': { type: 'string' },
    'https1-port': { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
  });
  const clusterControlUrl = values['cluster-control'] as string | undefined;
  if (clusterControlUrl !== undefined && !env.LAB_CLUSTER_TOKEN) {
    throw LabErrors.BAD_FLAG("--cluster-control needs the controller's token in LAB_CLUSTER_TOKEN");
  }
  // An empty PORT/HOST (e.g. `PORT= npm start`) means unset, as shells and CI tools often leave them.
  const port = wholeNumberFlag('--port', (values.port as string | undefined) ?? (env.PORT || '3000'), 0, 65_535, 3000);
  const lan = values.lan === true;
  const host = (values.host as string | undefined) ?? (env.HOST || (lan ? '0.0.0.0' : '127.0.0.1'));
  if (host.trim() === '') throw LabErrors.BAD_FLAG('--host needs an address such as 127.0.0.1');
  const seedText = values.seed as string | undefined;
  const rateText = values.rate as string | undefined;
  const historyText = values.history as string | undefined;
  const conditionerText = values['conditioner-port'] as string | undefined;
  // Next to the lab's port by default, so one port number is all a user needs to remember.
  const conditionerDefault = port === 0 || port === 65_535 ? 0 : port + 1;
  const network = values.network as string | undefined;
  if (network !== undefined && !isNetworkProfileName(network)) {
    throw LabErrors.BAD_FLAG(
      `--network must be one of ${NETWORK_PROFILE_NAMES.join(', ')} (got ${JSON.stringify(network)})`,
    );
  }
  return {
    https: httpsFlags(values, port),
    help: values.help === true,
    lan,
    port,
    host,
    scenario: values.scenario as string | undefined,
    seed: seedText === undefined ? undefined : wholeNumberFlag('--seed', seedText, 0, 2 ** 32 - 1, 0),
    rate: rateText === undefined ? undefined : decimalFlag('--rate', rateText, 0.001, 1000),
    history: historyText === undefined ? undefined : wholeNumberFlag('--history', historyText, 1, 1_000_000, 0),
    conditionerPort:
      conditionerText === 'off'
        ? null
        : wholeNumberFlag('--conditioner-port', conditionerText, 0, 65_535, conditionerDefault),
    conditionerPortIsDefault: conditionerText === undefined,
    network,
    redis: values.redis as string | undefined,
    instanceName: values['instance-name'] as string | undefined,
    publicOrigins: (values['public-origin'] as unknown as string[] | undefined) ?? [],
    noGenerator: values['no-generator'] === true,
    clusterControl:
      clusterControlUrl === undefined ? undefined : { url: clusterControlUrl, token: env.LAB_CLUSTER_TOKEN ?? '' },
  };
}

/** `--https` and its ports and files; the TLS flags without `--https` are a mistake, not ignored. */
function httpsFlags(values: Record<string, unknown>, port: number): StartFlags['https'] {
  const cert = values.cert as string | undefined;
  const key = values.key as string | undefined;
  const h2Text = values['https-port'] as string | undefined;
  const http1Text = values['https1-port'] as string | undefined;
  if (values.https !== true) {
    const stray = [
      ['--https-port', h2Text],
      ['--https1-port', http1Text],
      ['--cert', cert],
      ['--key', key],
    ].find(([, value]) => value !== undefined);
    if (stray) throw LabErrors.BAD_FLAG(`${stray[0]} needs --https`);
    return null;
  }
  const h2Port = wholeNumberFlag('--https-port', h2Text, 0, 65_535, port === 0 ? 0 : 3443);
  const http1Default = h2Port === 0 || h2Port === 65_535 ? 0 : h2Port + 1;
  const http1Port = wholeNumberFlag('--https1-port', http1Text, 0, 65_535, http1Default);
  return { h2Port, http1Port, cert, key };
}
