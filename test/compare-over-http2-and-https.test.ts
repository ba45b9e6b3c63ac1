/**
 * `npm run compare -- --https --http2`: both versions over TLS side by side in
 * one run, in the same JSON shape plus the protocol each client's connections
 * spoke (by the lab's meter) and its tls bytes per message.
 */
import { describe, expect, it } from 'vitest';
import type { Comparison } from '../cli/comparison-table.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import { nodeClientSpeaksH2 } from './support/node-speaks-h2.ts';
import { runScript } from './support/script-process.ts';

describe('npm run compare over TLS', () => {
  it('--https --http2 --json: HTTP/1.1 and HTTP/2 runs, WebSocket on HTTP/1.1 in both, TLS bytes counted', async () => {
    const result = await runScript(
      'cli/compare.ts',
      ['--https', '--http2', '--duration', '2', '--interval', '100', '--json'],
      60_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Comparison;
    expect(report.over).toEqual(['https', 'h2']);
    expect(report.runs.map((run) => run.over)).toEqual(['https', 'h2']);
    expect(report.transports).toEqual(report.runs[0]?.transports);
    for (const run of report.runs) {
      for (const [name, t] of Object.entries(run.transports)) {
        const expected = run.over === 'h2' && nodeClientSpeaksH2(name as TransportName) ? 'h2' : 'http/1.1';
        expect(t.protocol, `${name} over ${run.over}`).toBe(expected);
        expect(t.messages, name).toBeGreaterThan(0);
        expect(t.bytesPerMessage.tls, `${name} over ${run.over}`).toBeGreaterThan(0);
        const { header, framing, payload, tls, total } = t.bytesPerMessage;
        expect(Math.abs(header + framing + payload + tls - total), name).toBeLessThan(0.05);
      }
    }
    // HPACK: a repeated poll head costs far less over HTTP/2 than over HTTP/1.1.
    const h1 = report.runs[0]?.transports['short-poll']?.bytesPerMessage.header ?? 0;
    const h2 = report.runs[1]?.transports['short-poll']?.bytesPerMessage.header ?? Number.POSITIVE_INFINITY;
    expect(h2).toBeLessThan(h1 / 2);
  }, 90_000);
});
