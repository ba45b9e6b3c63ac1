/**
 * A process's CPU time and RSS read from outside it, through Linux's /proc:
 * the same measure for the lab and for a baseline server that has no
 * `/api/process`, so the benchmark compares like with like.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcSample {
  /** When it was read, epoch ms. */
  at: number;
  /** User + system CPU time since the process started, ms. */
  cpuMs: number;
  rssBytes: number;
}

let ticksPerSecond: number | null = null;

/** Clock ticks per second of /proc's CPU times (USER_HZ, almost always 100). */
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** null where there is no /proc (not Linux) or the process is gone. */
export function sampleProcess(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
    if (!Number.isFinite(utime) || !Number.isFinite(stime) || !Number.isFinite(rssKb)) return null;
    return { at: Date.now(), cpuMs: ((utime + stime) * 1000) / clockTicks(), rssBytes: rssKb * 1024 };
  } catch {
    return null;
  }
}

/** CPU use between two samples, % of one core (200% = two cores busy). */
export function cpuPercent(from: ProcSample, to: ProcSample): number {
  const wallMs = to.at - from.at;
  return wallMs > 0 ? ((to.cpuMs - from.cpuMs) / wallMs) * 100 : 0;
}
