/**
 * A Redis of the lab's own: the machine's `redis-server` on a free loopback
 * port, no persistence, its files in a temporary folder; never the default
 * port, never systemd. `stop()` ends it and removes the folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabErrors } from '../server/errors.ts';
import { freeLoopbackPort } from './free-port.ts';
import { findRedisServer } from './service-binaries.ts';
import { serviceStopper } from './service-child.ts';

export interface RedisServerProcess {
  /** e.g. `redis://127.0.0.1:40123` */
  url: string;
  port: number;
  pid: number;
  /** SIGTERM, then SIGKILL after 3 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** @param readyTimeoutMs=10000 ms to wait for "Ready to accept connections" */
export async function startRedisServer(readyTimeoutMs = 10_000): Promise<RedisServerProcess> {
  const binary = findRedisServer();
  if (!binary) throw LabErrors.SERVICE_MISSING('redis-server');
  const dir = mkdtempSync(join(tmpdir(), 'lab-redis-'));
  const port = await freeLoopbackPort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = serviceStopper(child, dir);
  await waitForLine(child, /Ready to accept connections/, readyTimeoutMs).catch(async (error: Error) => {
    await stop();
    throw error;
  });
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid ?? 0, stop };
}

/** Resolves once `pattern` appears on the child's stdout; its output keeps being drained after. */
function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server was not ready within ${timeoutMs} ms: ${out}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (data: Buffer) => {
      out = (out + data.toString()).slice(-4000);
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (data: Buffer) => {
      out = (out + data.toString()).slice(-4000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready: ${out}`));
    });
  });
}
