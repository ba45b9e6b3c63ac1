/**
 * The command lines a user types: `npm start` flags and `npm run compare`,
 * run as real processes. Bad flags exit 2 with a coded message; a comparison
 * prints only JSON on stdout with --json.
 */
import { describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import { runScript, startLabProcess } from './support/script-process.ts';

// Every test starts a tsx process: 1–2 s alone, several on a machine busy with other suites.
vi.setConfig({ testTimeout: 20_000 });

describe('npm start flags', () => {
  it.each([
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--port'], /'--port <value>' argument missing/i],
    [['--bogus'], /unknown option '--bogus'/i],
    [['--scenario', 'no-such-scenario'], /no-such-scenario/],
    [['--rate', 'fast'], /--rate must be a number/],
    [['--history', '0'], /--history must be a whole number/],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const result = await runScript('server/main.ts', args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error LAB_ERR_(BAD_FLAG|SCENARIO): /);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('hint: ');
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await runScript('server/main.ts', ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm start');
  });
});

describe('npm start runs and stops cleanly', () => {
  it('serves the feed at the printed URL; Ctrl-C closes WebSockets with 1001, ends streams and exits 0', async () => {
    const { child, url, exited } = await startLabProcess(['--port', '0']);
    try {
      const first = (await (await fetch(`${url}/api/feed/short-poll`)).json()) as { next: number };
      expect(first.next).toBeGreaterThanOrEqual(0);

      const socket = new WebSocket(`${url.replace('http', 'ws')}/api/feed/websocket`);
      const closeCode = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
      await new Promise((resolve) => socket.once('open', resolve));
      const sse = await fetch(`${url}/api/feed/sse`);
      const sseEnded = sse.text().then(
        () => 'ended',
        () => 'ended',
      );
      const heldPoll = fetch(`${url}/api/feed/long-poll?since=${first.next + 1000}`).then(
        (r) => r.status,
        () => 0,
      );
      const heldFresh = fetch(`${url}/api/feed/long-poll?since=0&timeoutMs=60000`).then(
        (r) => r.status,
        () => 0,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));

      const stoppedAt = Date.now();
      child.kill('SIGINT');
      expect(await closeCode).toBe(1001);
      expect(await sseEnded).toBe('ended');
      expect(await heldPoll).toBe(200);
      expect(await heldFresh).toBe(200);
      expect(await exited).toBe(0);
      expect(Date.now() - stoppedAt).toBeLessThan(2000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('npm start --history', () => {
  it('keeps that many events for resume: an older position gets a too-old reset', async () => {
    const { child, url, exited } = await startLabProcess(['--port', '0', '--rate', '500', '--history', '20']);
    try {
      let status = { epoch: '', seq: 0 };
      while (status.seq < 100) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await (await fetch(`${url}/api/feed/status`)).json()) as typeof status;
      }
      // Paused, so the 20 kept events (40 ms at 500/s) stay put while the test asks.
      await fetch(`${url}/api/feed/settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ running: false }),
      });
      status = (await (await fetch(`${url}/api/feed/status`)).json()) as typeof status;
      const from = async (since: number): Promise<{ reset?: string; events: unknown[] }> =>
        (await (await fetch(`${url}/api/feed/short-poll?since=${since}&epoch=${status.epoch}`)).json()) as {
          reset?: string;
          events: unknown[];
        };
      expect((await from(1)).reset).toBe('too-old');
      const recent = await from(status.seq - 5);
      expect(recent.reset).toBeUndefined();
      expect(recent.events.length).toBeGreaterThanOrEqual(5);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  });
});

describe('npm run compare', () => {
  it('--json prints one JSON document with every transport and the promised fields', async () => {
    const result = await runScript('cli/compare.ts', [
      '--scenario',
      'multiplayer-game',
      '--duration',
      '2',
      '--interval',
      '100',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      scenario: string;
      durationS: number;
      transports: Record<
        string,
        {
          latencyMs: Record<string, number>;
          messages: number;
          gaps: number;
          duplicates: number;
          requests: number;
          emptyResponses: number;
          bytesPerMessage: { header: number; framing: number; payload: number; total: number };
        }
      >;
    };
    expect(report.scenario).toBe('multiplayer-game');
    expect(report.durationS).toBe(2);
    expect(Object.keys(report.transports)).toEqual([...TRANSPORT_NAMES]);
    for (const [name, t] of Object.entries(report.transports)) {
      expect(Object.keys(t.latencyMs).sort(), name).toEqual(['max', 'p50', 'p95', 'p99']);
      expect(t.messages, name).toBeGreaterThan(20);
      expect(t.gaps, name).toBe(0);
      expect(t.duplicates, name).toBe(0);
      const { header, framing, payload, total } = t.bytesPerMessage;
      expect(header + framing + payload, name).toBeCloseTo(total, 0);
    }
    // The streams pay their headers once; long polling pays them per answer.
    expect(report.transports.sse?.requests).toBe(1);
    expect(report.transports.websocket?.requests).toBe(1);
    expect(report.transports['long-poll']?.bytesPerMessage.header).toBeGreaterThan(
      report.transports.websocket?.bytesPerMessage.header ?? 0,
    );
  });

  it.each([
    [['--duration', '0'], '--duration must be a whole number'],
    [['--transports', 'pigeon'], 'unknown transport'],
    [['--url', 'ftp://x'], '--url must start with http'],
  ])('%j exits 2 with a clear message', async (args, message) => {
    const result = await runScript('cli/compare.ts', args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('an unreachable --url exits 2 and says so', async () => {
    const result = await runScript('cli/compare.ts', ['--url', 'http://127.0.0.1:9', '--duration', '1']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cannot reach a lab at http://127.0.0.1:9');
  });
});

describe('npm run bench:slow-consumer', () => {
  it.each([
    [['--seconds', '2'], 'LAB_ERR_BAD_FLAG: --seconds must be a whole number from 5 to 600'],
    [['--rate', 'fast'], 'LAB_ERR_BAD_FLAG: --rate must be a whole number'],
  ])('%j exits 2 with a coded message, before starting any lab', async (args, message) => {
    const result = await runScript('load/slow-consumer-cli.ts', args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('measuring');
  });
});
