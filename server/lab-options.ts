/**
 * The lab's options: one defaults object, merged once, validated once.
 */

import { stripUndefined } from '../protocol/strip-undefined.ts';
import { applyNetworkRequest, type NetworkRequest, profileSettings } from './conditioner/network-settings.ts';
import { LabErrors } from './errors.ts';
import type { RedisFeedOptions } from './feed/redis-feed.ts';
import type { HttpsOptions } from './tls/tls-listeners.ts';
import { DEFAULT_SCENARIO_ID, loadScenario, type Scenario } from './feed/scenario.ts';
import { SLOW_HEAD_LIMITS, type SlowHeadLimits } from './security/slow-heads.ts';
import { UPSTREAM_LIMITS, type UpstreamLimits } from './security/upstream-budget.ts';

export interface LabOptions {
  /** The scenario the feed plays (default `stock-ticker`). */
  scenario: Scenario;
  /** Generator seed; the same seed replays the same events. Default: random, printed at start. */
  seed: number;
  /** Overrides the scenario's event rate (events/s). */
  ratePerSecond: number | undefined;
  /** Overrides the scenario's payload size (bytes). */
  payloadBytes: number | undefined;
  /** Start publishing as soon as the server is ready (tests turn it off and publish by hand). */
  autostart: boolean;
  /** @default 100000 events kept for resume (100 s at 1,000 events/s: a laptop frozen that long still resumes losslessly) */
  bufferSize: number;
  /** @default 25000 ms a long poll is held when nothing happens */
  longPollTimeoutMs: number;
  /** @default 15000 ms of silence before an SSE heartbeat comment */
  sseHeartbeatMs: number;
  /** @default 2000 ms, the `retry:` an EventSource is told */
  sseRetryMs: number;
  /** @default 25000 ms between WebSocket pings */
  wsPingMs: number;
  /**
   * @default false. engine.io's `httpCompression` for Socket.IO's polling answers: it applies only
   * when the request sends Accept-Encoding (browsers do, the Node client does not), so off keeps
   * the comparison like for like; on shows its effect.
   */
  socketIoHttpCompression: boolean;
  /** @default 65536 bytes, largest publish body and WebSocket message */
  maxMessageBytes: number;
  /**
   * @default 4 MiB. A stream whose unsent bytes pass this is a slow consumer: it
   * is cut (WebSocket close 4008) so memory stays bounded; the client resumes by seq.
   */
  maxQueuedBytes: number;
  /** @default 250 ms between snapshots on the metrics stream */
  metricsIntervalMs: number;
  /** Folder of the built dashboard; the lab serves a small placeholder page when it is missing. */
  webRoot: string | null;
  /** Fastify's logger (off by default: the lab prints its own start line). */
  logger: boolean;
  /**
   * Port of the network conditioner, a shaping TCP proxy in front of the lab, started when the lab listens.
   * @default null (no conditioner); 0 = any free port
   */
  conditionerPort: number | null;
  /** LAN mode: control actions need `teacherToken`, and one address may hold only so many connections. */
  lan: boolean;
  /** Required (as `Authorization: Bearer`) on control actions when not null. @default null */
  teacherToken: string | null;
  /** @default 64 connections per remote address in LAN mode (loopback exempt) */
  maxConnectionsPerAddress: number;
  /**
   * Addresses exempt from the per-address limits (connections, class-view pages).
   * @default loopback, where the teacher and the load generator are (tests use it to exercise the limits over loopback)
   */
  perAddressExempt: ((address: string) => boolean) | undefined;
  /** The conditioner's initial network: a profile name or a custom setting (see `PUT /api/network`). @default 'none' */
  network: NetworkRequest;
  /**
   * When the conditioner's port is taken, take any free port instead (and say so) rather than fail.
   * `npm start` sets it for the default port (the lab's + 1), not for an explicit `--conditioner-port`. @default false
   */
  conditionerPortFallback: boolean;
  /** @default 10000 ms a request head may take to arrive, in every mode (Node's `headersTimeout`) */
  headersTimeoutMs: number;
  /** @default 30000 ms a whole request, head and body, may take to arrive (Node's `requestTimeout`) */
  requestTimeoutMs: number;
  /** @default 16384 bytes, the largest request head (request line 8192: longer is 414) */
  maxHeaderBytes: number;
  /** Connections still sending their head: how many may be slow, per address and in total (see slow-heads.ts). */
  slowHeads: SlowHeadLimits;
  /** Upstream messages per address and from everyone together (see upstream-budget.ts). */
  upstreamLimits: UpstreamLimits;
  /**
   * Share the feed with other labs through Redis Streams (see feed/redis-feed.ts).
   * @default null (the embedded in-process feed)
   */
  redis: RedisFeedOptions | null;
  /**
   * Origins of a proxy in front of the lab (`http://127.0.0.1:8080`): its pages are the lab's own too
   * (WebSocket, controls). `npm run cluster` passes nginx's. @default []
   */
  publicOrigins: string[];
  /** This lab's name among the cluster's instances (`/api/metrics/cluster`). @default 'pid-<process id>' */
  instanceName: string;
  /**
   * The cluster's controller (`npm run cluster` passes it): where the page's switch of nginx's config is
   * forwarded, with the token it asks for. Needs `redis` (switches are announced there). @default null
   */
  clusterControl: { url: string; token: string } | null;
  /**
   * The HTTPS ports (HTTP/2 and HTTP/1.1 only), started when the lab listens, on its address.
   * @default null (plain HTTP only)
   */
  https: HttpsOptions | null;
}

export function labOptions(overrides: Partial<LabOptions> = {}): LabOptions {
  const options: LabOptions = {
    scenario: overrides.scenario ?? loadScenario(DEFAULT_SCENARIO_ID),
    seed: Math.floor(Math.random() * 2 ** 31),
    ratePerSecond: undefined,
    payloadBytes: undefined,
    autostart: true,
    bufferSize: 100_000,
    longPollTimeoutMs: 25_000,
    sseHeartbeatMs: 15_000,
    sseRetryMs: 2_000,
    wsPingMs: 25_000,
    socketIoHttpCompression: false,
    maxMessageBytes: 64 * 1024,
    maxQueuedBytes: 4 * 1024 * 1024,
    metricsIntervalMs: 250,
    webRoot: null,
    logger: false,
    conditionerPort: null,
    lan: false,
    teacherToken: null,
    maxConnectionsPerAddress: 64,
    perAddressExempt: undefined,
    network: 'none',
    conditionerPortFallback: false,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    maxHeaderBytes: 16 * 1024,
    slowHeads: SLOW_HEAD_LIMITS,
    upstreamLimits: UPSTREAM_LIMITS,
    redis: null,
    publicOrigins: [],
    instanceName: `pid-${process.pid}`,
    clusterControl: null,
    https: null,
    ...stripUndefined(overrides),
  };
  checkRange('seed', options.seed, 0, 2 ** 32 - 1);
  if (options.ratePerSecond !== undefined) checkRange('ratePerSecond', options.ratePerSecond, 0.001, 1000);
  if (options.payloadBytes !== undefined) checkRange('payloadBytes', options.payloadBytes, 1, 1_048_576);
  checkRange('bufferSize', options.bufferSize, 1, 1_000_000);
  checkRange('longPollTimeoutMs', options.longPollTimeoutMs, 100, 60_000);
  checkRange('sseHeartbeatMs', options.sseHeartbeatMs, 100, 600_000);
  checkRange('sseRetryMs', options.sseRetryMs, 0, 600_000);
  checkRange('wsPingMs', options.wsPingMs, 100, 600_000);
  checkRange('maxMessageBytes', options.maxMessageBytes, 1024, 16 * 1024 * 1024);
  checkRange('maxQueuedBytes', options.maxQueuedBytes, 16 * 1024, 1024 * 1024 * 1024);
  checkRange('metricsIntervalMs', options.metricsIntervalMs, 50, 60_000);
  checkRange('headersTimeoutMs', options.headersTimeoutMs, 100, 600_000, true);
  checkRange('requestTimeoutMs', options.requestTimeoutMs, options.headersTimeoutMs, 600_000, true);
  checkRange('maxHeaderBytes', options.maxHeaderBytes, 1024, 1024 * 1024, true);
  checkRange('maxConnectionsPerAddress', options.maxConnectionsPerAddress, 1, 100_000, true);
  if (options.lan && options.teacherToken === null) {
    throw LabErrors.BAD_FLAG('LAN mode needs a teacher token: anyone on the network could steer the lab otherwise');
  }
  if (options.conditionerPort !== null) checkRange('conditionerPort', options.conditionerPort, 0, 65_535, true);
  if (options.https !== null) {
    checkRange('https.h2Port', options.https.h2Port, 0, 65_535, true);
    checkRange('https.http1Port', options.https.http1Port, 0, 65_535, true);
  }
  for (const origin of options.publicOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw LabErrors.BAD_FLAG(`--public-origin must look like http://127.0.0.1:8080 (got ${JSON.stringify(origin)})`);
    }
  }
  if (options.redis !== null && !/^rediss?:\/\/[^\s]+$/.test(options.redis.url)) {
    throw LabErrors.BAD_REDIS(`--redis must be a redis:// URL (got ${JSON.stringify(options.redis.url)})`);
  }
  if (options.clusterControl !== null) {
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(options.clusterControl.url)) {
      throw LabErrors.BAD_FLAG(
        `--cluster-control must be the controller's loopback URL such as http://127.0.0.1:40500 (got ${JSON.stringify(options.clusterControl.url)})`,
      );
    }
    if (options.redis === null)
      throw LabErrors.BAD_FLAG('--cluster-control needs --redis (switches are announced there)');
  }
  applyNetworkRequest(profileSettings('none'), options.network); // throws LAB_ERR_BAD_NETWORK naming the field
  return options;
}

function checkRange(name: string, value: number, min: number, max: number, whole = false): void {
  if (!(typeof value === 'number' && value >= min && value <= max && (!whole || Number.isInteger(value)))) {
    const kind = whole ? 'a whole number' : 'a number';
    throw LabErrors.BAD_FLAG(`option "${name}" must be ${kind} from ${min} to ${max} (got ${String(value)})`);
  }
}
