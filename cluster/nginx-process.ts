/**
 * An nginx of the lab's own in front of the lab instances: the machine's
 * `nginx` with `-p <temporary prefix>` and a config written there (pid, error
 * log and temp paths of its own, `daemon off` so it is our child), listening
 * on a free loopback port; never the default config, never systemd.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabErrors } from '../server/errors.ts';
import { freeLoopbackPort } from './free-port.ts';
import { type LoadBalancerConfigName, loadBalancerConfigPath } from './load-balancer-configs.ts';
import { findNginx } from './service-binaries.ts';
import { serviceStopper } from './service-child.ts';

export interface NginxProcess {
  /** e.g. `http://127.0.0.1:40321` (no trailing slash) */
  url: string;
  port: number;
  /** The configuration nginx runs now (changed by `switchConfig`). */
  readonly config: LoadBalancerConfigName;
  /** nginx's prefix folder: its config, pid, error log and temp paths (`proxy/` holds buffered answers). */
  prefix: string;
  /** The site config as written (the file with its upstream ports filled in). */
  siteConfig(): string;
  /**
   * Rewrites the site config and reloads nginx (SIGHUP to its master): new workers take the new config, the old
   * ones close their connections within `worker_shutdown_timeout` (1 s), so every client meets the new config.
   * Resolves once every old worker has exited; the labs are not touched.
   * @param timeoutMs=10000 ms to wait for the old workers
   */
  switchConfig(config: LoadBalancerConfigName, timeoutMs?: number): Promise<void>;
  /** SIGTERM (nginx's fast shutdown), SIGKILL after 3 s; removes the prefix folder. */
  stop(): Promise<void>;
}

/** The main config: everything nginx writes goes under the prefix; the site file is one of nginx-configs/. */
function mainConfig(prefix: string, workers: number): string {
  return `daemon off;
worker_processes ${workers};
# Each client holds two descriptors in nginx (its own and the lab's): 10,000 clients need 20,000,
# which one worker cannot have where the hard limit is 20,000 (as here): use two workers then.
worker_rlimit_nofile 65536;
pid ${prefix}/nginx.pid;
# On a reload (the page's config switch), old workers close what they still hold after 1 s: long-lived
# streams would otherwise stay on the old config for hours, and the switch would show nothing.
worker_shutdown_timeout 1s;
error_log ${prefix}/error.log notice;
events { worker_connections 32768; }
http {
  access_log off;
  client_body_temp_path ${prefix}/client-body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  include ${prefix}/site.conf;
}
`;
}

/** One of nginx-configs/ with `{{PORT}}` and `{{SERVERS}}` filled in. */
export function siteConfigFor(config: LoadBalancerConfigName, port: number, upstreamPorts: number[]): string {
  const servers = upstreamPorts.map((each) => `server 127.0.0.1:${each};`).join('\n  ');
  return readFileSync(loadBalancerConfigPath(config), 'utf8')
    .replaceAll('{{PORT}}', String(port))
    .replaceAll('{{SERVERS}}', servers);
}

/**
 * @param upstreamPorts the lab instances' ports (on 127.0.0.1)
 * @param listenPort=0 nginx's port on 127.0.0.1 (0: a free one)
 * @param workers=1 nginx worker processes; with one, a failed instance is out of rotation for everyone at once
 *   (each worker keeps its own max_fails count)
 * @param readyTimeoutMs=10000 ms to wait for nginx to accept connections
 */
export async function startNginx(
  config: LoadBalancerConfigName,
  upstreamPorts: number[],
  listenPort = 0,
  workers = 1,
  readyTimeoutMs = 10_000,
): Promise<NginxProcess> {
  const binary = findNginx();
  if (!binary) throw LabErrors.SERVICE_MISSING('nginx');
  const prefix = mkdtempSync(join(tmpdir(), 'lab-nginx-'));
  // Workers run as an unprivileged user when nginx starts as root: they must reach the temp paths.
  chmodSync(prefix, 0o755);
  const port = listenPort === 0 ? await freeLoopbackPort() : listenPort;
  const site = siteConfigFor(config, port, upstreamPorts);
  writeFileSync(join(prefix, 'site.conf'), site);
  writeFileSync(join(prefix, 'nginx.conf'), mainConfig(prefix, workers));
  const args = ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-4000);
  });
  const stop = serviceStopper(child, prefix);
  try {
    await waitForPort(port, child, readyTimeoutMs);
  } catch (error) {
    const log = readLog(join(prefix, 'error.log'));
    await stop();
    throw new Error(`${(error as Error).message}; nginx said: ${stderr.trim()} ${log}`);
  }
  let current = config;
  let currentSite = site;
  const switchConfig = async (next: LoadBalancerConfigName, timeoutMs = 10_000): Promise<void> => {
    const master = child.pid;
    if (master === undefined || child.exitCode !== null) throw new Error('nginx is not running');
    const oldWorkers = childPids(master);
    currentSite = siteConfigFor(next, port, upstreamPorts);
    writeFileSync(join(prefix, 'site.conf'), currentSite);
    child.kill('SIGHUP');
    const deadline = Date.now() + timeoutMs;
    // Done when the old workers are gone and new ones run (a config nginx refused leaves the old ones running).
    while (oldWorkers.some((pid) => childPids(master).includes(pid)) || childPids(master).length === 0) {
      if (Date.now() > deadline) {
        throw new Error(`nginx did not reload within ${timeoutMs} ms: ${readLog(join(prefix, 'error.log'))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    current = next;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get config() {
      return current;
    },
    prefix,
    siteConfig: () => currentSite,
    switchConfig,
    stop,
  };
}

/** The pids whose parent is `parent` (nginx's workers, with its cache helpers if any), from /proc. */
function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

/** Resolves once 127.0.0.1:port accepts a connection; rejects when the child exits first or time runs out. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}) before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port} within ${timeoutMs} ms`);
}
