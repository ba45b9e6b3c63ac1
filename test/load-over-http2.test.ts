/**
 * `npm run load -- --http2`: the virtual clients reach a lab of its own over
 * TLS, the HTTP transports on HTTP/2 and WebSocket on HTTP/1.1, and the bytes
 * both ends of every TCP socket saw agree to the byte, the TLS part included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { TransportName } from '../protocol/feed-event.ts';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import type { LoadReport } from '../protocol/load-report.ts';
import { byteTotal } from '../protocol/metrics.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { labCertificate } from '../server/tls/lab-certificate.ts';
import { startLab } from './support/lab-server.ts';
import { nodeClientSpeaksH2 } from './support/node-speaks-h2.ts';
import { runScript } from './support/script-process.ts';

const EXACT_OVER_TLS = TRANSPORT_NAMES.filter((t) => TRANSPORT_RECORDS[t].clientApi !== 'socket.io-client');

const out = mkdtempSync(join(tmpdir(), 'load-over-http2-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('--http2: every transport loses nothing, the meter and the clients agree on the wire, and each speaks its version', async () => {
  const json = join(out, 'load.json');
  const result = await runScript(
    'load/load-cli.ts',
    // Socket.IO over TLS is not yet metered to the byte (see tls-wire-bytes-match-a-counting-proxy.test.ts).
    [
      '--http2',
      '--transports',
      EXACT_OVER_TLS.join(','),
      '--clients',
      '2',
      '--duration',
      '3',
      '--interval',
      '200',
      '--workers',
      '1',
      '--json',
      json,
    ],
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
    const spoken = nodeClientSpeaksH2(name as TransportName) ? 'h2' : 'http/1.1';
    expect(t.meter?.protocols[spoken], name).toBe(t.meter?.connections);
  }
}, 150_000);

it('--http2 --url: against a running lab (its plain URL), the clients go to its HTTP/2 port and speak h2 there', async () => {
  // The running lab presents the certificate the tool trusts: the one kept in .lab-certs/.
  const lab = await startLab({
    https: { h2Port: 0, http1Port: 0, certificate: labCertificate({ cert: undefined, key: undefined }) },
  });
  try {
    lab.app.feed.start();
    const json = join(out, 'load-url.json');
    const result = await runScript(
      'load/load-cli.ts',
      [
        '--http2',
        '--url',
        lab.url,
        '--transports',
        'short-poll,sse',
        '--clients',
        '2',
        '--duration',
        '3',
        '--json',
        json,
      ],
      120_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    for (const name of ['short-poll', 'sse']) {
      const t = report.transports[name as TransportName];
      expect(t?.meter?.protocols.h2, name).toBeGreaterThan(0);
      expect(t?.meter?.protocols['http/1.1'], name).toBe(0);
      expect([t?.lost, t?.errors], name).toEqual([0, 0]);
    }
  } finally {
    await lab.close();
  }
}, 150_000);

it('--http2 --url with an https URL is a coded flag error that says which URL to give', async () => {
  const result = await runScript('load/load-cli.ts', ['--http2', '--url', 'https://127.0.0.1:3443'], 30_000);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/LAB_ERR_BAD_FLAG/);
  expect(result.stderr).toMatch(/plain URL \(e\.g\. http:\/\/127\.0\.0\.1:3000\)/);
});
