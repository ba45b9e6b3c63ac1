/**
 * The result of a comparison run, and its side-by-side text table.
 */
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import type { CompareOver } from './compare-flags.ts';

export interface TransportResult {
  /** The HTTP version the client's connections spoke, by the meter (`mixed`: both). */
  protocol: 'http/1.1' | 'h2' | 'mixed';
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  messages: number;
  gaps: number;
  duplicates: number;
  requests: number;
  emptyResponses: number;
  /** Of those, `304 Not Modified` answers (conditional short polling). */
  notModified: number;
  /** All bytes of this client, both directions, divided by its requests; null without requests (streams count 1). */
  bytesPerRequest: number | null;
  /** All bytes of this client, both directions, divided by the events it received. */
  bytesPerMessage: { header: number; framing: number; payload: number; tls: number; total: number };
  /** Median upstream round trip (ms), when the scenario sends upstream. */
  roundTripMsP50: number | null;
}

export interface Comparison {
  scenario: string;
  durationS: number;
  shortPollIntervalMs: number;
  /** Short polling asked conditionally (`--conditional`). */
  conditional: boolean;
  clockOffsetMs: number;
  clockErrorMs: number;
  /** How the clients reached the lab, one run each (`http`, `https`: HTTP/1.1 over TLS, `h2`: HTTP/2 over TLS). */
  over: CompareOver[];
  /** The first run's results (the only run's, without `--https` and `--http2` together). */
  transports: Partial<Record<TransportName, TransportResult>>;
  /** Every run, side by side, in the order of `over`. */
  runs: { over: CompareOver; transports: Partial<Record<TransportName, TransportResult>> }[];
}

const ROWS: [string, (r: TransportResult) => string][] = [
  ['protocol', (r) => r.protocol],
  ['latency p50 (ms)', (r) => fixed(r.latencyMs.p50)],
  ['latency p95 (ms)', (r) => fixed(r.latencyMs.p95)],
  ['latency p99 (ms)', (r) => fixed(r.latencyMs.p99)],
  ['latency max (ms)', (r) => fixed(r.latencyMs.max)],
  ['messages', (r) => String(r.messages)],
  ['gaps', (r) => String(r.gaps)],
  ['duplicates', (r) => String(r.duplicates)],
  ['requests', (r) => String(r.requests)],
  ['empty responses', (r) => String(r.emptyResponses)],
  ['304 Not Modified', (r) => String(r.notModified)],
  ['B/request', (r) => (r.bytesPerRequest === null ? '-' : fixed(r.bytesPerRequest))],
  ['header B/message', (r) => fixed(r.bytesPerMessage.header)],
  ['framing B/message', (r) => fixed(r.bytesPerMessage.framing)],
  ['payload B/message', (r) => fixed(r.bytesPerMessage.payload)],
  ['tls B/message', (r) => fixed(r.bytesPerMessage.tls)],
  ['total B/message', (r) => fixed(r.bytesPerMessage.total)],
  ['round trip p50 (ms)', (r) => (r.roundTripMsP50 === null ? '-' : fixed(r.roundTripMsP50))],
];

export function formatComparisonTable(comparison: Comparison): string {
  // One column per transport and run, the runs of a transport side by side.
  const columns = TRANSPORT_NAMES.flatMap((name) =>
    comparison.runs.flatMap((run) => {
      const result = run.transports[name];
      return result ? [{ name: comparison.runs.length > 1 ? `${name} ${run.over}` : name, result }] : [];
    }),
  );
  const header = ['', ...columns.map((column) => column.name)];
  const rows = ROWS.map(([label, cell]) => [label, ...columns.map((column) => cell(column.result))]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const title =
    `Scenario ${comparison.scenario}, ${comparison.durationS} s, short-poll interval ${comparison.shortPollIntervalMs} ms` +
    (comparison.conditional ? ' (conditional)' : '') +
    (comparison.clockErrorMs > 0 ? `, clock offset ${comparison.clockOffsetMs} ± ${comparison.clockErrorMs} ms` : '') +
    (comparison.over.includes('http')
      ? ''
      : `, over TLS: ${comparison.over.map((o) => (o === 'h2' ? 'HTTP/2' : 'HTTP/1.1')).join(' and ')}`);
  return `${title}\n\n${line(header)}\n${rows.map(line).join('\n')}\n`;
}

function fixed(n: number): string {
  return n.toFixed(1);
}
