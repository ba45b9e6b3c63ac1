/**
 * `npm run load -- --http2`: the virtual clients reach a lab of its own over
 * TLS, the HTTP transports on HTTP/2 and WebSocket on HTTP/1.1, and the bytes
 * both ends of every TCP socket saw agree to the byte, the TLS part included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { LoadReport } from '../protocol/load-report.ts';
import { byteTotal } from '../protocol/metrics.ts';
import { runScript } from './support/script-process.ts';

const out = mkdtempSync(join(tmpdir(), 'load-over-http2-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('--http2: every transport loses nothing, the meter and the clients agree on the wire, and each speaks its version', async () => {
  const json = join(out, 'load.json');
  const result = await runScript(
    'load/load-cli.ts',
    ['--http2', '--clients', '2', '--duration', '3', '--interval', '200', '--workers', '1', '--json', json],
    120_000,
  );
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
  for (const [name, t] of Object.entries(report.transports)) {
    expect(t.messages, name).toBeGreaterThan(0);
    expect([t.gaps, t.duplicates, t.lost, t.errors], name).toEqual([0, 0, 0, 0]);
    const up = t.bytes?.up ?? { header: 0, framing: 0, payload: 0, tls: 0 };
    const down = t.bytes?.down ?? { header: 0, framing: 0, payload: 0, tls: 0 };
    expect(up.tls, name).toBeGreaterThan(0);
    expect(down.tls, name).toBeGreaterThan(0);
    expect(t.clientWire.up, name).toBe(byteTotal(up));
    expect(t.clientWire.down, name).toBe(byteTotal(down));
    const spoken = name === 'websocket' ? 'http/1.1' : 'h2';
    expect(t.meter?.protocols[spoken], name).toBe(t.meter?.connections);
  }
}, 150_000);
