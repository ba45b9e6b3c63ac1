/**
 * Socket.IO's lanes on the command lines: `--socket-io-lane websocket` goes
 * straight to one WebSocket (one request: the upgrade), `polling` never
 * upgrades (a request per answer), the default polls and then upgrades — in
 * `npm run compare` and in `npm run load`, over real sockets to a lab of
 * their own; a lane that does not exist is a coded flag error.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLoadFlags } from '../load/load-flags.ts';
import { runScript } from './support/script-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'lanes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ComparedSocketIo {
  messages: number;
  requests: number;
  gaps: number;
}

async function compare(lane: string): Promise<ComparedSocketIo> {
  const result = await runScript('cli/compare.ts', [
    ...['--transports', 'socket-io', '--duration', '2', '--socket-io-lane', lane, '--json'],
  ]);
  expect(result.code, result.stderr).toBe(0);
  const report = JSON.parse(result.stdout) as { transports: Record<string, ComparedSocketIo> };
  const socketIo = report.transports['socket-io'];
  if (!socketIo) throw new Error('no socket-io in the report');
  return socketIo;
}

describe('npm run compare --socket-io-lane', () => {
  it.concurrent('websocket: one request (the upgrade); polling: a request per answer; both deliver', async () => {
    const [websocket, polling] = await Promise.all([compare('websocket'), compare('polling')]);
    expect(websocket.requests).toBe(1);
    expect(polling.requests).toBeGreaterThan(10);
    for (const lane of [websocket, polling]) {
      expect(lane.messages).toBeGreaterThan(10);
      expect(lane.gaps).toBe(0);
    }
  }, 60_000);
});

describe('npm run load --socket-io-lane', () => {
  it('polling only: every client keeps polling (no upgrade), nothing lost', async () => {
    const out = join(dir, 'load-polling.json');
    const result = await runScript(
      'load/load-cli.ts',
      [
        ...['--transports', 'socket-io', '--clients', '2', '--duration', '3', '--rate', '20'],
        ...['--socket-io-lane', 'polling', '--json', out],
      ],
      60_000,
    );
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      transports: Record<string, { clients: number; messages: number; requests: number; lost: number }>;
    };
    const socketIo = report.transports['socket-io'];
    expect(socketIo?.clients).toBe(2);
    expect(socketIo?.messages).toBeGreaterThan(40);
    expect(socketIo?.lost).toBe(0);
    // Polling: at least a request per client per answer; a WebSocket would have stopped at 5 per client.
    expect(socketIo?.requests).toBeGreaterThan(20);
  }, 60_000);

  it('a lane that does not exist is LAB_ERR_BAD_FLAG naming the lanes', () => {
    expect(parseLoadFlags(['--socket-io-lane', 'polling']).socketIoLane).toBe('polling');
    expect(parseLoadFlags([]).socketIoLane).toBe('default');
    expect(() => parseLoadFlags(['--socket-io-lane', 'carrier-pigeon'])).toThrow(/default, websocket, polling/);
  });
});
