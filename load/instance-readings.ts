/**
 * `npm run bench -- --url` against a cluster: what each process did over the
 * steady window. Each lab instance is read past the balancer, at its own
 * address from `GET /api/metrics/cluster` (its fan-out, reset at the window's
 * start, and its CPU from `process.cpuUsage`); the front (nginx, or the lab
 * itself when the URL is one lab) is every process holding the URL's listening
 * socket, found through /proc (loopback only, so it is on this machine).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { ClusterMetrics } from '../protocol/cluster-metrics.ts';
import type { ProcessFigures } from '../protocol/lab-status.ts';
import { getJson, readProcess } from './lab-api.ts';
import { round } from './load-report.ts';
import { type ProcSample, sampleProcess } from './proc-sampler.ts';

/** One moment: each instance's /api/process and the front's processes. */
export interface InstanceReading {
  at: number;
  instances: { name: string; url: string; figures: ProcessFigures }[];
  front: { pid: number; command: string; sample: ProcSample }[];
}

/** Per process over the window. */
export interface ProcessWindow {
  /** `lab-1` …, or the front's command (`nginx`) with its pid. */
  name: string;
  /** % of one core over the window. */
  cpuPct: number;
  /** Lab instances only: the publish loop per event in the window, and the streams and held polls at its end. */
  fanOut?: { events: number; p50Ms: number; maxMs: number; listeners: number };
}

/** @param reset restart each instance's fan-out histogram (the window's start) */
export async function readInstances(baseUrl: string, reset: boolean): Promise<InstanceReading> {
  const cluster = await getJson<ClusterMetrics>(`${baseUrl}/api/metrics/cluster`).catch(() => null);
  const listed = (cluster?.instances ?? []).flatMap((each) => (each.url ? [{ name: each.name, url: each.url }] : []));
  const labPids = new Set((cluster?.instances ?? []).map((each) => each.pid));
  const instances = await Promise.all(
    listed.map(async (each) => ({ ...each, figures: await readProcess(each.url, reset) })),
  );
  const port = Number(new URL(baseUrl).port || 80);
  // A URL that is one lab: it is listed as an instance already.
  const front = listeningPids(port).flatMap((pid) => {
    if (labPids.has(pid)) return [];
    const sample = sampleProcess(pid);
    return sample ? [{ pid, command: commandOf(pid), sample }] : [];
  });
  return {
    at: Date.now(),
    instances: instances.flatMap((each) => (each.figures ? [{ ...each, figures: each.figures }] : [])),
    front,
  };
}

/** CPU and fan-out of every process read at both ends of the window. */
export function processWindows(start: InstanceReading, end: InstanceReading): ProcessWindow[] {
  const labs = end.instances.flatMap((last): ProcessWindow[] => {
    const first = start.instances.find((each) => each.name === last.name);
    if (!first) return [];
    const wallMs = last.figures.t - first.figures.t;
    const cpuMs =
      last.figures.cpuUserMs + last.figures.cpuSystemMs - (first.figures.cpuUserMs + first.figures.cpuSystemMs);
    return [
      {
        name: last.name,
        cpuPct: wallMs > 0 ? round((cpuMs / wallMs) * 100, 1) : 0,
        fanOut: {
          events: last.figures.fanOut.events,
          p50Ms: round(last.figures.fanOut.p50Ms, 1),
          maxMs: round(last.figures.fanOut.maxMs, 1),
          listeners: last.figures.fanOut.listeners,
        },
      },
    ];
  });
  const front = end.front.flatMap((last): ProcessWindow[] => {
    const first = start.front.find((each) => each.pid === last.pid);
    if (!first) return [];
    const wallMs = last.sample.at - first.sample.at;
    const cpuPct = wallMs > 0 ? ((last.sample.cpuMs - first.sample.cpuMs) / wallMs) * 100 : 0;
    return [{ name: `${last.command} ${last.pid}`, cpuPct: round(cpuPct, 1) }];
  });
  return [...labs, ...front];
}

/** The pids holding a TCP socket that listens on `port` (nginx's master and workers share one), from /proc. */
export function listeningPids(port: number): number[] {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the inode.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    const holds = fds.some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`))?.[1] ?? '');
      } catch {
        return false;
      }
    });
    if (holds) pids.push(Number(entry));
  }
  return pids;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'pid';
  }
}
