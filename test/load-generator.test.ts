import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFeedClient } from '../clients/client-registry.ts';
import { BASELINES } from '../load/baselines/baseline-registry.ts';
import { LatencyHistogram } from '../load/latency-histogram.ts';
import { createLoadEnv } from '../load/load-client-env.ts';
import { isLoopbackHost } from '../load/loopback-url.ts';
import { checkSerializeOnce } from '../load/serialize-once-check.ts';
import { startServerProcess } from '../load/server-process.ts';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import type { LoadReport } from '../protocol/load-report.ts';
import { byteTotal } from '../protocol/metrics.ts';
import { runScript } from './support/script-process.ts';

const out = mkdtempSync(join(tmpdir(), 'load-generator-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.concurrent('npm run load and npm run bench, as processes', () => {
  it('agrees with the lab meter on messages and bytes per transport, and loses or duplicates nothing', async () => {
    const json = join(out, 'load.json');
    const csv = join(out, 'load.csv');
    const result = await runScript('load/load-cli.ts', [
      '--scenario',
      'multiplayer-game',
      '--clients',
      '3',
      '--duration',
      '3',
      '--interval',
      '100',
      '--upstream',
      '2',
      '--headers',
      'browser',
      '--workers',
      '2',
      '--json',
      json,
      '--csv',
      csv,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as LoadReport;
    expect(report.scenario).toBe('multiplayer-game');
    expect(report.clients).toBe(3);
    expect(report.ownLab).toBe(true);
    expect(Object.keys(report.transports)).toEqual([...TRANSPORT_NAMES]);
    for (const [name, t] of Object.entries(report.transports)) {
      expect(t.clients, name).toBe(3);
      expect(t.messages, name).toBeGreaterThan(100);
      expect(t.published, name).toBeGreaterThan(0);
      // The clients' count and the meter's, and the bytes both ends of the sockets saw, to the unit.
      expect(t.messages, name).toBe(t.meter?.messages);
      expect(t.clientWire.up, name).toBe(byteTotal(t.bytes?.up ?? { header: 0, framing: 0, payload: 0, tls: 0 }));
      expect(t.clientWire.down, name).toBe(byteTotal(t.bytes?.down ?? { header: 0, framing: 0, payload: 0, tls: 0 }));
      expect(t.clientWire.connections, name).toBe(t.meter?.connections);
      expect([t.gaps, t.duplicates, t.lost, t.unpositioned, t.errors, t.reconnects], name).toEqual([0, 0, 0, 0, 0, 0]);
      expect(t.lostCheckedToEnd, name).toBe(true);
      expect(t.latencyMs.samples, name).toBeGreaterThan(0);
      expect(t.latencyMs.p50, name).toBeLessThanOrEqual(t.latencyMs.p99);
      expect(t.latencyMs.p99, name).toBeLessThanOrEqual(t.latencyMs.max);
      // A browser's request head is ~500 bytes: every request pays it.
      expect((t.bytes?.up.header ?? 0) / (t.requests ?? 1), name).toBeGreaterThan(450);
    }
    // The streams pay their headers once; polls pay them on every request.
    expect(report.transports.sse?.requests).toBeLessThan(report.transports['long-poll']?.requests ?? 0);
    expect(report.server.source).not.toBeNull();
    expect(report.server.rssMB).toBeGreaterThan(10);
    // Each event went to the streams and held polls in one loop of the lab's: timed, and no longer than its slowest.
    expect(report.server.fanOutP50Ms).toBeGreaterThan(0);
    expect(report.server.fanOutMaxMs).toBeGreaterThanOrEqual(report.server.fanOutP50Ms ?? 0);
    expect(result.stdout).toMatch(/handing one event to every client took [\d.]+ ms/);
    expect(result.stdout).toContain('Delivery (latency and rates');
    expect(result.stdout).toContain('| transport | clients |');
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(TRANSPORT_NAMES.length + 1);
  }, 60_000);

  it('bench: lab and baseline under the same load, with the ratios and the serialize-once count', async () => {
    const json = join(out, 'bench.json');
    const args = ['--transports', 'websocket', '--clients', '2', '--duration', '2', '--ramp', '0', '--json', json];
    const result = await runScript('load/bench-cli.ts', args, 90_000);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      machine: { cores: number; cpuModel: string; node: string };
      results: Record<
        string,
        {
          clients: number;
          throughputRatio: number;
          p99Ratio: number;
          lab: { messagesPerSecond: number; lost: number; errors: number };
          baseline: { messagesPerSecond: number; lost: number; errors: number };
        }
      >;
      serializeOnce: { stringifyCalls: number; events: number };
    };
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(Object.keys(report.results)).toEqual(['websocket']);
    for (const [name, r] of Object.entries(report.results)) {
      expect(r.baseline.messagesPerSecond, name).toBeGreaterThan(0);
      expect(r.lab.messagesPerSecond, name).toBeGreaterThan(0);
      expect([r.lab.lost, r.lab.errors, r.baseline.lost, r.baseline.errors], name).toEqual([0, 0, 0, 0]);
      expect(r.throughputRatio, name).toBeGreaterThan(0);
      expect(r.p99Ratio, name).toBeGreaterThan(0);
    }
    expect(report.serializeOnce.stringifyCalls).toBe(report.serializeOnce.events);
    expect(result.stdout).toContain('lab msgs/s');
  }, 90_000);
});

// Five tsx processes start at once (Socket.IO's the heaviest to load): under a busy machine that alone passed 5 s.
describe.concurrent('every baseline server speaks the protocol the FeedClients expect', { timeout: 20_000 }, () => {
  it.each(Object.entries(BASELINES))('%s: %s', async (transport, script) => {
    const server = await startServerProcess(script, ['--port', '0', '--rate', '50', '--bytes', '150']);
    try {
      const name = transport as TransportName;
      const env = createLoadEnv(name, 'node', server.url);
      const client = createFeedClient(name, {
        baseUrl: server.url,
        clientId: `baseline-${name}`,
        env: env.env,
        shortPollIntervalMs: 50,
      });
      client.start();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      client.stop();
      await env.close();
      const stats = client.stats();
      expect(stats.messages, transport).toBeGreaterThan(20);
      expect([stats.gaps, stats.duplicates, stats.errors], transport).toEqual([0, 0, 0]);
    } finally {
      await server.stop();
    }
  });
});

// Six tsx processes start at once beside the other suites: each may take seconds just to load.
describe.concurrent('npm run load refuses what it must not do', { timeout: 20_000 }, () => {
  it.each([
    [['--clients', '0'], 'LAB_ERR_BAD_FLAG', '--clients must be a whole number'],
    [['--headers', 'chrome'], 'LAB_ERR_BAD_FLAG', '--headers must be one of node, browser, browser-cookies'],
    [['--ramp', '5', '--duration', '3'], 'LAB_ERR_BAD_FLAG', '--ramp (5 s) must be shorter than --duration'],
    [['--url', 'http://example.com:3000'], 'LAB_ERR_BAD_FLAG', '--url must point at this machine'],
    [['--url', 'http://127.0.0.1:9'], 'LAB_ERR_UNREACHABLE', 'cannot reach a lab at http://127.0.0.1:9'],
    [['--scenario', 'no-such-scenario'], 'LAB_ERR_SCENARIO', 'no-such-scenario'],
  ])('%j exits 2: %s', async (args, code, message) => {
    const result = await runScript('load/load-cli.ts', args);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^error ${code}: `, 'm'));
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('hint: ');
  });
});

describe('the pieces the numbers rest on', () => {
  it('the latency histogram reports every percentile within 0.5% and merges exactly', () => {
    const all = new LatencyHistogram();
    const parts = [new LatencyHistogram(), new LatencyHistogram()];
    for (let us = 1; us <= 100_000; us++) {
      all.record(us);
      parts[us % 2]?.record(us);
    }
    const merged = new LatencyHistogram();
    for (const part of parts) merged.merge(part.snapshot());
    for (const p of [50, 90, 99, 99.9]) {
      const exact = Math.ceil((p / 100) * 100_000);
      expect(Math.abs(all.percentile(p) - exact) / exact, `p${p}`).toBeLessThanOrEqual(0.005);
      expect(merged.percentile(p), `p${p} merged`).toBe(all.percentile(p));
    }
    expect(all.max).toBe(100_000);
    expect(merged.count).toBe(100_000);
  });

  it('only loopback hosts count as this machine', () => {
    for (const host of ['localhost', '127.0.0.1', '127.8.9.10', '[::1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['example.com', '10.0.0.1', '128.0.0.1', '[::2]', 'localhost.example.com', '0.0.0.0']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('the lab serializes each event once, however many clients receive it', async () => {
    const result = await checkSerializeOnce(50, 10);
    expect(result.deliveries).toBe(50 * 2 * 10);
    expect(result.stringifyCalls).toBe(10);
  });
});
