/**
 * The wire inspector keeps each client id's last request heads — but bounded
 * in bytes across all ids, the least recently seen forgotten first. One client
 * inventing 5,000 ids, each sending 15 KB heads on all four transports, leaves
 * the inspector under its byte budget and the heap less than 64 MiB bigger
 * (before the budget it pinned ~300 MB). The newest ids stay inspectable.
 */
import http from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { INSPECTOR_MAX_BYTES } from '../server/meter/wire-inspector.ts';
import { publishMany, type RunningLab, startLab } from './support/lab-server.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const IDS = 5000;
const LANES = 8;
const FILLER = 'f'.repeat(15_000);
let lab: RunningLab;
let agent: http.Agent;

beforeAll(async () => {
  lab = await startLab();
  publishMany(lab.app, 3); // so a long poll from since=0 answers at once
  agent = new http.Agent({ keepAlive: true, maxSockets: LANES });
});
afterAll(async () => {
  agent.destroy();
  await lab.close();
});

/** One request with a 15 KB head; SSE and WebSocket are let go as soon as their answer's head is in. */
function exchange(transport: string, client: string): Promise<number> {
  const query = transport === 'long-poll' ? `client=${client}&since=0` : `client=${client}`;
  const upgrade = transport === 'websocket';
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: lab.port,
      path: `/api/feed/${transport}?${query}`,
      agent: transport === 'short-poll' || transport === 'long-poll' ? agent : false,
      headers: {
        'x-filler': FILLER,
        ...(upgrade
          ? {
              connection: 'Upgrade',
              upgrade: 'websocket',
              'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
              'sec-websocket-version': '13',
            }
          : {}),
      },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      if (transport === 'sse') {
        req.destroy();
        return resolve(res.statusCode ?? 0);
      }
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

it('5,000 ids × 4 transports × 15 KB heads: kept bytes under the budget, heap growth under 64 MiB', async () => {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const statuses = new Map<number, number>();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < IDS) {
      const id = `invented-${next++}`;
      for (const transport of ['short-poll', 'long-poll', 'sse', 'websocket']) {
        const status = await exchange(transport, id);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: LANES }, lane));
  expect(Object.fromEntries(statuses)).toEqual({ 200: IDS * 3, 101: IDS });

  const inspector = lab.app.inspector;
  expect(inspector.keptBytes).toBeGreaterThan(INSPECTOR_MAX_BYTES / 2);
  expect(inspector.keptBytes).toBeLessThanOrEqual(INSPECTOR_MAX_BYTES);
  await new Promise((resolve) => setTimeout(resolve, 200)); // the last sockets' close
  gc();
  const growth = process.memoryUsage().heapUsed - heapBefore;
  console.log(
    `inspector after ${IDS} ids × 4 transports × 15 KB heads: kept ${(inspector.keptBytes / 1024 / 1024).toFixed(2)} MiB ` +
      `for ${inspector.clientCount} ids; heap growth ${(growth / 1024 / 1024).toFixed(1)} MiB`,
  );
  expect(growth).toBeLessThan(64 * 1024 * 1024);

  // The newest ids are still inspectable, heads and all; the oldest were forgotten.
  type Inspected = { transports: Record<string, { requestHead: string } | null> };
  const inspect = async (client: string): Promise<Inspected['transports']> =>
    ((await (await fetch(`${lab.url}/api/inspect?client=${client}`)).json()) as Inspected).transports;
  const newest = await inspect(`invented-${IDS - 1}`);
  for (const transport of ['short-poll', 'long-poll', 'sse', 'websocket']) {
    expect(newest[transport]?.requestHead, transport).toContain(FILLER);
  }
  expect((await inspect('invented-0'))['short-poll']).toBeNull();
}, 120_000);
