/**
 * The result of a comparison run, and its side-by-side text table.
 */
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';

export interface TransportResult {
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  messages: number;
  gaps: number;
  duplicates: number;
  requests: number;
  emptyResponses: number;
  /** All bytes of this client, both directions, divided by the events it received. */
  bytesPerMessage: { header: number; framing: number; payload: number; total: number };
  /** Median upstream round trip (ms), when the scenario sends upstream. */
  roundTripMsP50: number | null;
}

export interface Comparison {
  scenario: string;
  durationS: number;
  shortPollIntervalMs: number;
  clockOffsetMs: number;
  clockErrorMs: number;
  transports: Partial<Record<TransportName, TransportResult>>;
}

const ROWS: [string, (r: TransportResult) => string][] = [
  ['latency p50 (ms)', (r) => fixed(r.latencyMs.p50)],
  ['latency p95 (ms)', (r) => fixed(r.latencyMs.p95)],
  ['latency p99 (ms)', (r) => fixed(r.latencyMs.p99)],
  ['latency max (ms)', (r) => fixed(r.latencyMs.max)],
  ['messages', (r) => String(r.messages)],
  ['gaps', (r) => String(r.gaps)],
  ['duplicates', (r) => String(r.duplicates)],
  ['requests', (r) => String(r.requests)],
  ['empty responses', (r) => String(r.emptyResponses)],
  ['header B/message', (r) => fixed(r.bytesPerMessage.header)],
  ['framing B/message', (r) => fixed(r.bytesPerMessage.framing)],
  ['payload B/message', (r) => fixed(r.bytesPerMessage.payload)],
  ['total B/message', (r) => fixed(r.bytesPerMessage.total)],
  ['round trip p50 (ms)', (r) => (r.roundTripMsP50 === null ? '-' : fixed(r.roundTripMsP50))],
];

export function formatComparisonTable(comparison: Comparison): string {
  const names = TRANSPORT_NAMES.filter((name) => comparison.transports[name]);
  const header = ['', ...names];
  const rows = ROWS.map(([label, cell]) => [
    label,
    ...names.map((name) => cell(comparison.transports[name] as TransportResult)),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const title =
    `Scenario ${comparison.scenario}, ${comparison.durationS} s, short-poll interval ${comparison.shortPollIntervalMs} ms` +
    (comparison.clockErrorMs > 0 ? `, clock offset ${comparison.clockOffsetMs} ± ${comparison.clockErrorMs} ms` : '');
  return `${title}\n\n${line(header)}\n${rows.map(line).join('\n')}\n`;
}

function fixed(n: number): string {
  return n.toFixed(1);
}
