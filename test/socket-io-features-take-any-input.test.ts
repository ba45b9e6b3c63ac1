/**
 * Generated input on the Socket.IO features' surfaces — the handshake's
 * `auth.room`, `chat` messages on `/chat` (with and without an ack),
 * `PUT /api/socket-io/settings` bodies and `?client=` values: the lab never
 * crashes, every refusal carries a LAB_ERR_ code, and a Socket.IO client in
 * a room and a plain WebSocket watcher meanwhile receive every event.
 */
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEnv } from '../clients/node-env.ts';
import { SocketIoClient } from '../clients/socket-io-client.ts';
import type { UpstreamLimits } from '../server/security/upstream-budget.ts';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';

const UNLIMITED: UpstreamLimits = {
  perAddressPerSecond: 1e9,
  perAddressBurst: 1e9,
  totalPerSecond: 1e9,
  totalBurst: 1e9,
  totalBytesPerSecond: 1e12,
  totalBytesBurst: 1e12,
};
const CODE = /^LAB_ERR_[A-Z_]+$/;

let lab: RunningLab;
let watcher: FeedWatcher;
let roomClient: SocketIoClient;
const roomSeqs: number[] = [];

beforeAll(async () => {
  lab = await startLab({ upstreamLimits: UNLIMITED });
  watcher = await watchFeed(lab.url, 'sio-fuzz-watcher', 0);
  roomClient = new SocketIoClient({
    baseUrl: lab.url,
    clientId: 'sio-fuzz-room',
    env: nodeEnv(),
    socketIoTransports: ['websocket'],
    socketIoRoom: 'ticker.ACME',
    onEvent: (event) => roomSeqs.push(event.seq),
  });
  roomClient.start();
  await waitFor(() => roomClient.state === 'open', 5000, 'the room client');
  await sleep(50);
});
afterAll(async () => {
  roomClient.stop();
  watcher.close();
  await lab.close();
});

/**
 * Connects one raw socket.io-client socket to `nsp` and resolves once it is connected or refused; its
 * `lab-error`s are collected from the start (the lab may send one right after the connect), and `settled`
 * resolves with its hello or its disconnect.
 */
function connect(
  nsp: string,
  auth: Record<string, unknown>,
): Promise<{ socket: Socket; labErrors: { code: string }[]; settled: Promise<void> }> {
  const socket = io(`${lab.url}${nsp}`, {
    path: '/socket.io/',
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    autoConnect: false,
    auth,
  });
  const labErrors: { code: string }[] = [];
  socket.on('lab-error', (message: { code: string }) => labErrors.push(message));
  const settled = new Promise<void>((resolve) => {
    socket.once('hello', () => resolve());
    socket.once('disconnect', () => resolve());
  });
  socket.connect();
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, labErrors, settled }));
    socket.once('connect_error', () => resolve({ socket, labErrors, settled }));
  });
}

describe('Socket.IO features under generated input', () => {
  it('auth.room: one of the topics or nothing joins; anything else is LAB_ERR_UNKNOWN_ROOM', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.string(), fc.constantFrom('ticker.ACME', '')), async (room) => {
        const { socket, labErrors: errors, settled } = await connect('/feed', { room });
        // The hello of a socket that joined, or the disconnect after a refusal.
        await settled;
        socket.disconnect();
        const joinable = room === undefined || room === null || room === 'ticker.ACME';
        if (joinable) expect(errors).toEqual([]);
        else expect(errors.map((e) => e.code)).toEqual(['LAB_ERR_UNKNOWN_ROOM']);
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('chat messages: acknowledged as ack or a coded error; without an ack, refusals come as lab-error', async () => {
    const { socket, labErrors } = await connect('/chat', {});
    expect(socket.connected).toBe(true);
    let withoutAck = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.anything(), fc.record({ id: fc.string(), text: fc.string({ maxLength: 600 }) })),
        fc.boolean(),
        async (message, acked) => {
          if (!acked) {
            socket.emit('chat', message);
            withoutAck++;
            return;
          }
          const answer = (await socket.timeout(3000).emitWithAck('chat', message)) as { type: string; code?: string };
          if (answer.type === 'error') expect(answer.code).toMatch(CODE);
          else expect(answer.type).toBe('ack');
        },
      ),
      { numRuns: 150 },
    );
    await sleep(200);
    for (const error of labErrors) expect(error.code).toMatch(CODE);
    expect(labErrors.length).toBeLessThanOrEqual(withoutAck);
    socket.disconnect();
  }, 60_000);

  it('settings bodies and ?client= values: 200 or a coded 400, and the settings stay valid', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything(),
          fc.record(
            {
              chatBroadcast: fc.oneof(fc.string(), fc.constantFrom('others', 'everyone')),
              volatile: fc.oneof(fc.boolean(), fc.anything()),
              extra: fc.string(),
            },
            { requiredKeys: [] },
          ),
        ),
        fc.string(),
        async (body, client) => {
          const put = await fetch(`${lab.url}/api/socket-io/settings`, {
            method: 'PUT',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body) ?? 'null',
          });
          if (put.status !== 200) {
            expect(put.status).toBe(400);
            expect(((await put.json()) as { code: string }).code).toMatch(CODE);
          } else await put.body?.cancel();
          const get = await fetch(`${lab.url}/api/socket-io/settings?client=${encodeURIComponent(client)}`);
          if (get.status === 200) {
            const reading = (await get.json()) as { chatBroadcast: string; volatile: unknown };
            expect(['others', 'everyone']).toContain(reading.chatBroadcast);
            expect(typeof reading.volatile).toBe('boolean');
          } else {
            expect(get.status).toBe(400);
            expect(((await get.json()) as { code: string }).code).toMatch(CODE);
          }
        },
      ),
      { numRuns: 100 },
    );
    // Back to reliable emits: the watchers below must get every event.
    await fetch(`${lab.url}/api/socket-io/settings`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"volatile":false}',
    });
  }, 60_000);

  it('meanwhile nobody else lost anything', async () => {
    const stored = ['ticker.ACME', 'ticker.GLOBEX', 'ticker.ACME'].map((topic) =>
      lab.app.feed.publish({ topic, data: { after: true } }),
    );
    const newest = lab.app.feed.newestSeq;
    await waitFor(() => watcher.seqs.at(-1) === newest, 5000, 'the watcher');
    expect(watcher.seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
    await waitFor(() => roomSeqs.length >= 2, 5000, 'the room client');
    expect(roomSeqs.slice(-2)).toEqual([stored[0]?.seq, stored[2]?.seq]);
    expect(roomClient.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });
  });
});
