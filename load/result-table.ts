/**
 * A load report as fixed-width text tables for the terminal: delivery per
 * transport, the wire per transport, and the lab's cost.
 */
import type { LoadReport, TransportReport } from '../protocol/load-report.ts';

/** Right-aligned columns with a header row and a rule. */
export function textTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** 12345.6 → "12,346"; null → "–". */
export function num(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  return num(value, value < 10 ? 2 : value < 100 ? 1 : 0);
}

/** Bytes per second, human-sized. */
export function rate(bytesPerSecond: number): string {
  if (bytesPerSecond >= 1e6) return `${num(bytesPerSecond / 1e6, 2)} MB`;
  if (bytesPerSecond >= 1e3) return `${num(bytesPerSecond / 1e3, 1)} kB`;
  return `${num(bytesPerSecond)} B`;
}

export function formatLoadTable(report: LoadReport): string {
  const entries = Object.entries(report.transports) as [string, TransportReport][];
  const delivery = textTable(
    [
      'transport',
      'clients',
      'msgs/s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'p99.9 ms',
      'max ms',
      'gaps',
      'dups',
      'lost',
      'errors',
      'reconn',
    ],
    entries.map(([name, t]) => [
      name,
      num(t.clients),
      num(t.messagesPerSecond),
      ms(t.latencyMs.p50),
      ms(t.latencyMs.p90),
      ms(t.latencyMs.p99),
      ms(t.latencyMs.p999),
      ms(t.latencyMs.max),
      num(t.gaps),
      num(t.duplicates),
      t.lostCheckedToEnd ? num(t.lost) : `≥${num(t.lost)}`,
      num(t.errors),
      num(t.reconnects),
    ]),
  );
  const wire = textTable(
    [
      'transport',
      'req/s',
      'down/s',
      'header',
      'framing',
      'payload',
      'tls',
      'up/s',
      'header',
      'framing',
      'payload',
      'tls',
    ],
    entries.map(([name, t]) => {
      const b = t.bytesPerSecond;
      return [
        name,
        num(t.requestsPerSecond, 1),
        b ? rate(b.down.total) : '–',
        b ? rate(b.down.header) : '–',
        b ? rate(b.down.framing) : '–',
        b ? rate(b.down.payload) : '–',
        b ? rate(b.down.tls) : '–',
        b ? rate(b.up.total) : '–',
        b ? rate(b.up.header) : '–',
        b ? rate(b.up.framing) : '–',
        b ? rate(b.up.payload) : '–',
        b ? rate(b.up.tls) : '–',
      ];
    }),
  );
  const s = report.server;
  const server = textTable(
    [
      'lab process',
      'CPU %',
      'of it kernel %',
      'ELU',
      'loop delay p99 ms',
      'RSS MB',
      'heap MB',
      'KB / connection',
      'connections',
    ],
    [
      [
        s.source ?? 'unknown',
        num(s.cpuPct, 1),
        num(s.cpuSystemPct, 1),
        num(s.eventLoopUtilization, 2),
        num(s.eventLoopDelayP99Ms, 1),
        num(s.rssMB, 1),
        num(s.heapMB, 1),
        num(s.memoryPerConnectionKB, 1),
        num(s.connections),
      ],
    ],
  );
  const rateText =
    report.ratePerSecond === null ? '' : `, ${num(report.ratePerSecond, report.ratePerSecond < 1 ? 3 : 1)} events/s`;
  const generator = `Load generator (this process, ${report.generator.workers} workers): CPU ${num(report.generator.cpuPct, 1)} % of a core`;
  const title =
    `Load: ${report.scenario}${rateText}, ${num(report.clients)} clients per transport, ` +
    `${report.durationS} s (ramp ${report.rampS} s, steady ${num(report.steadyS, 1)} s), headers ${report.headers}, ${report.workers} workers`;
  return [
    title,
    '',
    'Delivery (latency and rates: steady window; counts: whole run)',
    delivery,
    '',
    "Wire per second, steady window (from the lab's meter)",
    wire,
    '',
    "The lab's cost (steady window; memory per connection = RSS growth / open connections)",
    server,
    generator,
    '',
  ].join('\n');
}
