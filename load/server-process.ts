/**
 * Starts a server (the lab, or a baseline) as a child process of its own, so
 * its CPU is its own and the load generator's never counts as server cost.
 * The child prints `… running at http://HOST:PORT/`; we wait for that line.
 * Its file-descriptor limit is raised to the hard limit first: every
 * connection is a descriptor, and many systems start at a soft limit of 1024.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isStale } from '../web/build-dashboard.ts';

/** The repository root: scripts are given relative to it. */
export const REPO_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface ServerProcess {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  url: string;
  pid: number;
  /** Ends the child (SIGTERM, then SIGKILL after `graceMs`) and resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** A child that failed before printing its URL; `code` is its LAB_ERR_… when it printed one. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

const running = new Set<ChildProcess>();
// Whatever happens to this process, its servers must not outlive it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * @param script path relative to the repository root, run with Node + tsx
 * @param args the script's flags (include `--port 0`)
 * @param timeoutMs=120000 how long to wait for the URL (the lab may build its dashboard first)
 */
export function startServerProcess(script: string, args: string[], timeoutMs = 120_000): Promise<ServerProcess> {
  // `exec` keeps one process: the pid we get is the server's own, for /proc and for kill.
  const shell = 'ulimit -Sn "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
  const child = spawn('/bin/sh', ['-c', shell, process.execPath, '--import', 'tsx', script, ...args], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '', HOST: '' },
  });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-4000);
  });

  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new ServerStartError(
          `${script} printed no URL within ${timeoutMs} ms; stderr: ${stderr.trim()}`,
          'LAB_ERR_LAB_START',
        ),
      );
    }, timeoutMs);
    child.stdout?.on('data', (data: Buffer) => {
      stdout = (stdout + data.toString()).slice(-4000);
      const match = /running at (https?:\/\/\S+?)\/?\s/.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      // Keep draining stdout so the child never blocks on a full pipe.
      const url = match[1];
      resolve({
        url,
        pid: child.pid ?? 0,
        stop: async (graceMs = 5000) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(killer);
        },
      });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const coded = /error (LAB_ERR_[A-Z_]+): ([^\n]*)/.exec(stderr);
      if (coded?.[1]) reject(new ServerStartError(coded[2] ?? stderr.trim(), coded[1]));
      else
        reject(
          new ServerStartError(
            `${script} exited (${signal ?? code}) before printing its URL; stderr: ${stderr.trim()}`,
            'LAB_ERR_LAB_START',
          ),
        );
    });
  });
}

/**
 * `server/main.ts` builds the dashboard first when `web/dist` is older than
 * its sources: seconds of CPU and a few hundred MB that would stay in the
 * lab's process and count as the lab's cost. So build it beforehand, in a
 * short-lived process of its own; a fresh `web/dist` makes the lab skip it.
 */
export async function prebuildDashboard(): Promise<void> {
  if (!isStale()) return;
  process.stderr.write('Building the dashboard first (web/dist is stale), so the lab does not build it itself…\n');
  const script = "const m = await import('./web/build-dashboard.ts'); await m.ensureDashboardBuilt();";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (data: Buffer) => {
    stderr = (stderr + data.toString()).slice(-2000);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  running.delete(child);
  // Not fatal: the lab serves its API without a dashboard, and builds it itself if it can.
  if (code !== 0) process.stderr.write(`warning: building the dashboard failed (${code}): ${stderr.trim()}\n`);
}
