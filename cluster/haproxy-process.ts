/**
 * HAProxy of the lab's own in front of the lab instances, for the HAProxy side
 * of the load-balancer lesson: the machine's `haproxy` in the foreground
 * (`-db`, so it is our child) with one of haproxy-configs/ written to a
 * temporary folder, listening on a free loopback port; never the system's
 * config, never systemd. Debian: `apt-get install haproxy`.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabErrors } from '../server/errors.ts';
import { freeLoopbackPort } from './free-port.ts';
import { findHaproxy } from './service-binaries.ts';
import { serviceStopper } from './service-child.ts';

/** What each HAProxy config does to the lab's transports, and the line that fixes it (README). */
export const HAPROXY_CONFIGS = {
  correct: { breaks: 'nothing: every transport works, each browser keeps its instance (cookie)', fix: '' },
  'short-server-timeout': {
    breaks: 'long poll: 504 at 2 s; idle WebSocket: closed at 2 s (no `timeout tunnel`, so `timeout server` applies)',
    fix: 'timeout server 60s; timeout tunnel 1h;',
  },
  'no-cookie': {
    breaks: "a client's requests move between instances (session-based transports fail; the lab's resume by seq)",
    fix: 'cookie LABSRV insert indirect nocache',
  },
} as const;

export type HaproxyConfigName = keyof typeof HAPROXY_CONFIGS;

export interface HaproxyProcess {
  /** e.g. `http://127.0.0.1:40321` (no trailing slash) */
  url: string;
  port: number;
  config: HaproxyConfigName;
  /** SIGTERM, SIGKILL after 3 s; removes the temporary folder. */
  stop(): Promise<void>;
}

/** One of haproxy-configs/ with `{{PORT}}` and `{{SERVERS}}` (`server lab-1 127.0.0.1:… cookie lab-1`) filled in. */
export function haproxyConfigFor(config: HaproxyConfigName, port: number, upstreamPorts: number[]): string {
  const path = fileURLToPath(new URL(`./haproxy-configs/${config}.cfg`, import.meta.url));
  const servers = upstreamPorts
    .map((each, i) => `server lab-${i + 1} 127.0.0.1:${each} cookie lab-${i + 1}`)
    .join('\n  ');
  return readFileSync(path, 'utf8').replaceAll('{{PORT}}', String(port)).replaceAll('{{SERVERS}}', servers);
}

/**
 * @param upstreamPorts the lab instances' ports (on 127.0.0.1)
 * @param readyTimeoutMs=10000 ms to wait for HAProxy to accept connections
 */
export async function startHaproxy(
  config: HaproxyConfigName,
  upstreamPorts: number[],
  readyTimeoutMs = 10_000,
): Promise<HaproxyProcess> {
  const binary = findHaproxy();
  if (!binary) throw LabErrors.SERVICE_MISSING('haproxy');
  const dir = mkdtempSync(join(tmpdir(), 'lab-haproxy-'));
  chmodSync(dir, 0o755);
  const port = await freeLoopbackPort();
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfigFor(config, port, upstreamPorts));
  const child = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-4000);
  });
  const stop = serviceStopper(child, dir);
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`haproxy exited (${child.exitCode}) before listening: ${stderr.trim()}`);
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`haproxy did not listen on ${port} within ${readyTimeoutMs} ms: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `http://127.0.0.1:${port}`, port, config, stop };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
