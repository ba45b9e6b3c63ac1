/**
 * A load report as a short Markdown summary, to paste into an issue or a
 * lesson: one table row per transport, the lab's cost, and the checks
 * (lost / duplicated events) in words.
 */
import type { LoadReport, TransportReport } from '../protocol/load-report.ts';
import { ms, num, rate } from './result-table.ts';

export function formatLoadMarkdown(report: LoadReport): string {
  const entries = Object.entries(report.transports) as [string, TransportReport][];
  const rateText =
    report.ratePerSecond === null
      ? "the lab's rate"
      : `${num(report.ratePerSecond, report.ratePerSecond < 1 ? 3 : 1)} events/s`;
  const lines = [
    `### Load: ${report.scenario}, ${num(report.clients)} clients per transport`,
    '',
    `${rateText}, ${report.durationS} s (ramp ${report.rampS} s), headers \`${report.headers}\`, ` +
      `${report.machine.cores} cores (${report.machine.cpuModel}), Node ${report.machine.node}.`,
    '',
    '| transport | clients | msgs/s | p50 ms | p99 ms | p99.9 ms | max ms | req/s | down/s | header share | lost | dups | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [name, t] of entries) {
    const b = t.bytesPerSecond;
    const total = b ? b.down.total + b.up.total : 0;
    const header = b ? b.down.header + b.up.header : 0;
    lines.push(
      `| ${name} | ${num(t.clients)} | ${num(t.messagesPerSecond)} | ${ms(t.latencyMs.p50)} | ${ms(t.latencyMs.p99)} | ` +
        `${ms(t.latencyMs.p999)} | ${ms(t.latencyMs.max)} | ${num(t.requestsPerSecond, 1)} | ${b ? rate(b.down.total) : '–'} | ` +
        `${total > 0 ? `${num((header / total) * 100)} %` : '–'} | ${num(t.lost)} | ${num(t.duplicates)} | ${num(t.errors)} |`,
    );
  }
  const s = report.server;
  lines.push(
    '',
    s.source === null
      ? "The lab's cost: unknown (no `/api/process` and no /proc)."
      : `The lab's cost: CPU ${num(s.cpuPct, 1)} % of a core, event-loop utilisation ${num(s.eventLoopUtilization, 2)}, ` +
          `loop delay p99 ${num(s.eventLoopDelayP99Ms, 1)} ms, RSS ${num(s.rssMB, 1)} MB (${num(s.memoryPerConnectionKB, 1)} KB per connection); ` +
          `handing one event to every client took ${num(s.fanOutP50Ms, 2)} ms (p50, max ${num(s.fanOutMaxMs, 2)} ms).`,
  );
  const lost = entries.reduce((sum, [, t]) => sum + t.lost, 0);
  const duplicates = entries.reduce((sum, [, t]) => sum + t.duplicates, 0);
  const checked = entries.every(([, t]) => t.lostCheckedToEnd);
  lines.push(
    '',
    `Events lost: ${num(lost)}${checked ? '' : ' (seq jumps only: the feed was not paused at the end)'}; duplicated: ${num(duplicates)}.`,
    '',
  );
  return lines.join('\n');
}
