/**
 * `npm run cluster` as a real process for tests: started, its printed URL,
 * labs and Redis read from its output, stopped with SIGTERM.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const TSX = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
const REPO = new URL('../..', import.meta.url).pathname;

export interface ClusterProcess {
  child: ChildProcess;
  /** nginx, e.g. http://127.0.0.1:40445 */
  url: string;
  labs: { name: string; url: string; pid: number }[];
  redisPid: number;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  output(): string;
}

/** @param timeoutMs=60000 ms to wait for the URL (the dashboard may be built first) */
export async function startClusterProcess(args: string[], timeoutMs = 60_000): Promise<ClusterProcess> {
  const child = spawn(TSX, ['cluster/cluster-cli.ts', ...args], { cwd: REPO, env: { ...process.env, PORT: '' } });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let out = '';
  child.stderr?.on('data', (d) => {
    out += d;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the cluster printed no URL within ${timeoutMs} ms: ${out}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (d) => {
      out += d;
      if (/figures: /.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`the cluster exited (${code}) before printing its URL: ${out}`)));
  });
  const url = /running at (http:\/\/127\.0\.0\.1:\d+)\//.exec(out)?.[1] ?? '';
  const labs = [...out.matchAll(/(lab-\d+) at (http:\/\/127\.0\.0\.1:\d+)\/ \(pid (\d+)\)/g)].map((match) => ({
    name: match[1] ?? '',
    url: match[2] ?? '',
    pid: Number(match[3]),
  }));
  const redisPid = Number(/Redis at \S+ \(pid (\d+)/.exec(out)?.[1] ?? 0);
  return { child, url, labs, redisPid, exited, output: () => out };
}

/** Whether a process with this pid still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
