/**
 * A WebSocket client that stops reading is closed with 4008 "slow consumer" —
 * and that close frame reaches it: the lab drops the client's queued backlog
 * and sends the close frame next, instead of queueing it behind megabytes the
 * client never reads and cutting the socket (a browser then saw 1006). A
 * client that starts reading again reads what its socket still held, then the
 * 4008. Everyone else misses nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { CLOSE_SLOW_CONSUMER } from '../server/transports/websocket.ts';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { headEnd, rawConnect } from './support/raw-socket.ts';

const LIMIT = 256 * 1024;
let lab: RunningLab;
let watcher: FeedWatcher;

beforeAll(async () => {
  lab = await startLab({ maxQueuedBytes: LIMIT });
  watcher = await watchFeed(lab.url, 'watcher', 0);
});
afterAll(async () => {
  watcher.close();
  await lab.close();
});

interface Frame {
  opcode: number;
  payload: Buffer;
}

/** Server frames (unmasked) in `bytes`, in order; stops at an incomplete one. */
function framesIn(bytes: Buffer): Frame[] {
  const frames: Frame[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] as number) & 0x0f;
    let length = (bytes[at + 1] as number) & 0x7f;
    let header = 2;
    if (length === 126) {
      if (at + 4 > bytes.length) break;
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      if (at + 10 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(at + 2));
      header = 10;
    }
    if (at + header + length > bytes.length) break;
    frames.push({ opcode, payload: bytes.subarray(at + header, at + header + length) });
    at += header + length;
  }
  return frames;
}

it('a frozen client that reads again gets the 4008 close frame after what its socket held', async () => {
  const others = new Set(lab.app.websocketServer.clients);
  const raw = await rawConnect(lab.port);
  raw.send(
    `GET /api/feed/websocket?client=frozen HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${Buffer.from('slow-consumer-ws').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await raw.until((bytes) => bytes.includes('"type":"hello"'));
  raw.socket.pause(); // frozen: nothing more is read
  const frozen = [...lab.app.websocketServer.clients].find((client) => !others.has(client)) as WebSocket;
  const big = 'x'.repeat(100_000);
  for (let i = 0; i < 600 && frozen.readyState === frozen.OPEN; i++) {
    lab.app.feed.publish({ topic: 'flood', data: big });
    if (i % 10 === 9) await sleep(5);
  }
  expect(frozen.readyState).not.toBe(frozen.OPEN);
  // The backlog was dropped, not kept in the socket: what is left there is less than the limit.
  const held = (frozen as unknown as { _socket: { writableLength: number } })._socket.writableLength;
  expect(held).toBeLessThan(LIMIT);

  await sleep(1500); // well past the 500 ms after which the lab used to cut the socket
  raw.socket.resume();
  await raw.until((bytes) => framesIn(bytes.subarray(headEnd(bytes))).some((frame) => frame.opcode === 0x8), 10_000);
  const frames = framesIn(raw.received().subarray(headEnd(raw.received())));
  const last = frames.at(-1) as Frame;
  expect(last.opcode).toBe(0x8);
  expect(last.payload.readUInt16BE(0)).toBe(CLOSE_SLOW_CONSUMER);
  expect(last.payload.subarray(2).toString()).toBe('slow consumer');
  // Every frame before it is whole: the dropped backlog left no half frame behind.
  expect(frames.slice(0, -1).every((frame) => frame.opcode === 0x1)).toBe(true);
  raw.close();
}, 30_000);

it('the watcher received every event, with no gap', async () => {
  const newest = lab.app.feed.newestSeq;
  expect(newest).toBeGreaterThan(0);
  await waitFor(() => watcher.seqs.length === newest, 10_000, 'the watcher');
  expect(watcher.seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
});
