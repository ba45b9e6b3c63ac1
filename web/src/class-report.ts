/**
 * What this page tells the class view every two seconds: per transport with
 * latencies measured, its percentiles over the last 60 s, events received
 * and gaps, and the page's own setting of the transport's client (its poll
 * interval, its long-poll timeout), so the teacher's spread can tell apart
 * students who changed theirs. A transport with no latency yet is left out,
 * so it does not pull the class's minimum down to zero.
 */
import type { LatencySummary } from '../../clients/latency-summary.ts';
import type { ClassReport } from '../../protocol/class-report.ts';
import type { TransportName } from '../../protocol/feed-event.ts';

export interface ReportedView {
  transport: TransportName;
  enabled: boolean;
  latency: LatencySummary;
  messages: number;
  gaps: number;
}

/** Latencies to 0.01 ms: finer digits only make the report longer. */
const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * @param settingOf this page's setting of a transport's client, ms; null for a transport without one (default: none)
 */
export function classReportFor(
  page: string,
  views: readonly ReportedView[],
  settingOf: (transport: TransportName) => number | null = () => null,
): ClassReport {
  const transports: ClassReport['transports'] = {};
  for (const view of views) {
    if (!view.enabled || view.latency.count === 0) continue;
    const p50 = round(view.latency.p50);
    const p95 = Math.max(p50, round(view.latency.p95));
    const p99 = Math.max(p95, round(view.latency.p99));
    const settingMs = settingOf(view.transport);
    transports[view.transport] = {
      p50,
      p95,
      p99,
      messages: view.messages,
      gaps: view.gaps,
      ...(settingMs === null ? {} : { settingMs: Math.round(settingMs) }),
    };
  }
  return { page, transports };
}
