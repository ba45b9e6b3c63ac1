/**
 * A service the cluster starts (redis-server, nginx) as a child process with
 * a temp folder of its own: stopping it ends the child (SIGTERM, SIGKILL after
 * 3 s) and removes the folder, and whatever happens to this process, no such
 * child or folder outlives it.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const running = new Map<ChildProcess, string>();
process.once('exit', () => {
  for (const [child, dir] of running) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Tracks `child` and its folder `dir`; the function it returns stops both. */
export function serviceStopper(child: ChildProcess, dir: string): () => Promise<void> {
  running.set(child, dir);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    }
    running.delete(child);
    rmSync(dir, { recursive: true, force: true });
  };
}
