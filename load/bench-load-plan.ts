/**
 * The part of a load plan every bench run shares, whatever it targets (a lab
 * or baseline it started, or a running cluster's URL): one transport, the
 * flags' clients, duration, ramp and headers, no upstream, its own run id, and
 * progress on the terminal.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import type { BenchFlags } from './bench-flags.ts';
import { newRunId } from './cli-support.ts';
import type { LoadPlan } from './load-run.ts';
import type { ProgressDisplay } from './progress-display.ts';

export function benchLoadPlan(
  flags: BenchFlags,
  transport: TransportName,
  display: ProgressDisplay,
): Omit<LoadPlan, 'baseUrl' | 'target' | 'serverPid'> {
  return {
    transports: [transport],
    clientsPerTransport: flags.clients,
    durationS: flags.durationS,
    rampS: flags.rampS,
    shortPollIntervalMs: flags.intervalMs,
    upstreamPerSecond: 0,
    headers: flags.headers,
    workers: flags.workers,
    runId: newRunId(),
    onProgress: (progress) => display.update(progress),
  };
}
