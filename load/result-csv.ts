/**
 * A load report as CSV: one row per transport, the run's settings and the
 * lab's cost repeated on every row, so rows from many runs can be appended
 * into one sheet and still be told apart.
 */
import type { LoadReport, TransportReport } from '../protocol/load-report.ts';

const COLUMNS: Array<[string, (report: LoadReport, name: string, t: TransportReport) => unknown]> = [
  ['run_id', (r) => r.runId],
  ['started_at', (r) => r.startedAt],
  ['scenario', (r) => r.scenario],
  ['rate_per_s', (r) => r.ratePerSecond],
  ['headers', (r) => r.headers],
  ['duration_s', (r) => r.durationS],
  ['steady_s', (r) => r.steadyS],
  ['transport', (_r, name) => name],
  ['clients', (_r, _n, t) => t.clients],
  ['messages', (_r, _n, t) => t.messages],
  ['messages_per_s', (_r, _n, t) => t.messagesPerSecond],
  ['latency_p50_ms', (_r, _n, t) => t.latencyMs.p50],
  ['latency_p90_ms', (_r, _n, t) => t.latencyMs.p90],
  ['latency_p99_ms', (_r, _n, t) => t.latencyMs.p99],
  ['latency_p999_ms', (_r, _n, t) => t.latencyMs.p999],
  ['latency_max_ms', (_r, _n, t) => t.latencyMs.max],
  ['gaps', (_r, _n, t) => t.gaps],
  ['duplicates', (_r, _n, t) => t.duplicates],
  ['lost', (_r, _n, t) => t.lost],
  ['errors', (_r, _n, t) => t.errors],
  ['reconnects', (_r, _n, t) => t.reconnects],
  ['requests', (_r, _n, t) => t.requests],
  ['requests_per_s', (_r, _n, t) => t.requestsPerSecond],
  ['up_header_bytes', (_r, _n, t) => t.bytes?.up.header],
  ['up_framing_bytes', (_r, _n, t) => t.bytes?.up.framing],
  ['up_payload_bytes', (_r, _n, t) => t.bytes?.up.payload],
  ['down_header_bytes', (_r, _n, t) => t.bytes?.down.header],
  ['down_framing_bytes', (_r, _n, t) => t.bytes?.down.framing],
  ['down_payload_bytes', (_r, _n, t) => t.bytes?.down.payload],
  ['up_tls_bytes', (_r, _n, t) => t.bytes?.up.tls],
  ['down_tls_bytes', (_r, _n, t) => t.bytes?.down.tls],
  ['up_bytes_per_s', (_r, _n, t) => t.bytesPerSecond?.up.total],
  ['down_bytes_per_s', (_r, _n, t) => t.bytesPerSecond?.down.total],
  ['server_cpu_pct', (r) => r.server.cpuPct],
  ['server_elu', (r) => r.server.eventLoopUtilization],
  ['server_loop_delay_p99_ms', (r) => r.server.eventLoopDelayP99Ms],
  ['server_rss_mb', (r) => r.server.rssMB],
  ['server_heap_mb', (r) => r.server.heapMB],
  ['server_kb_per_connection', (r) => r.server.memoryPerConnectionKB],
];

export function formatLoadCsv(report: LoadReport): string {
  const rows = [COLUMNS.map(([name]) => name).join(',')];
  for (const [name, t] of Object.entries(report.transports) as [string, TransportReport][]) {
    rows.push(COLUMNS.map(([, value]) => csvCell(value(report, name, t))).join(','));
  }
  return `${rows.join('\n')}\n`;
}

/** Empty for null/undefined; quoted when it holds a comma, quote or newline. */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
