/**
 * The wire facts the lab teaches, pinned with raw TCP sockets that write
 * and read every byte themselves, so the expected numbers come from the
 * bytes actually seen, never from the lab's own arithmetic.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransportName } from '../protocol/feed-event.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import type { StoredEvent } from '../server/feed/stored-event.ts';
import { clientMetrics, type RunningLab, startLab, waitFor } from './support/lab-server.ts';
import { completeResponse, headEnd, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
beforeEach(async () => {
  lab = await startLab();
});
afterEach(async () => {
  await lab.close();
});

const metricsOf = (client: string, transport: TransportName): Promise<TransportMetrics> =>
  clientMetrics(lab.url, client, transport);

/** Publishes events until one serializes to exactly `size` bytes (`t`'s digits vary); returns all it published. */
function publishOfSize(size: number): StoredEvent[] {
  const published: StoredEvent[] = [];
  let pad = 10;
  for (let attempt = 0; attempt < 10; attempt++) {
    const stored = lab.app.feed.publish({ topic: 'test', data: 'x'.repeat(pad) });
    published.push(stored);
    if (stored.json.length === size) return published;
    pad = Math.max(0, pad + size - stored.json.length);
  }
  throw new Error(`could not publish an event of exactly ${size} bytes`);
}

function requestHead(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\n\r\n`;
}

describe('short polling on the wire', () => {
  it('an empty answer is one request, one empty response and zero payload bytes', async () => {
    const raw = await rawConnect(lab.port);
    const request = requestHead('/api/feed/short-poll?client=sp1');
    raw.send(request);
    const bytes = await raw.until((b) => completeResponse(b) !== null);
    const { head, body } = completeResponse(bytes) ?? { head: 0, body: 0 };
    expect(JSON.parse(bytes.subarray(head).toString())).toEqual({ epoch: lab.app.feed.epoch, next: 0, events: [] });
    const m = await metricsOf('sp1', 'short-poll');
    expect(m).toMatchObject({ requests: 1, emptyResponses: 1, messages: 0, connections: 1 });
    expect(m.bytes.up).toEqual({ header: Buffer.byteLength(request), framing: 0, payload: 0, tls: 0 });
    expect(m.bytes.down).toEqual({ header: head, framing: body, payload: 0, tls: 0 });
    raw.close();
  });

  it('events inside the envelope are payload, the envelope is framing', async () => {
    lab.app.feed.publish({ topic: 'test', data: 'before' });
    const events = [
      lab.app.feed.publish({ topic: 'test', data: 'one' }),
      lab.app.feed.publish({ topic: 'test', data: 2 }),
    ];
    const raw = await rawConnect(lab.port);
    raw.send(requestHead('/api/feed/short-poll?client=sp2&since=1'));
    const bytes = await raw.until((b) => completeResponse(b) !== null);
    const { head, body } = completeResponse(bytes) ?? { head: 0, body: 0 };
    const payload = events.reduce((sum, e) => sum + e.json.length, 0);
    expect(bytes.subarray(head).toString()).toContain(events.map((e) => e.json.toString()).join(','));
    const m = await metricsOf('sp2', 'short-poll');
    expect(m.messages).toBe(2);
    expect(m.emptyResponses).toBe(0);
    expect(m.bytes.down).toEqual({ header: head, framing: body - payload, payload, tls: 0 });
    raw.close();
  });
});

describe('Server-Sent Events on the wire', () => {
  it('each event costs its chunk size line, id and data fields and newlines as framing', async () => {
    const raw = await rawConnect(lab.port);
    const request = requestHead('/api/feed/sse?client=sse1');
    raw.send(request);
    const opened = await raw.until((b) => b.includes('event: hello'));
    const responseHead = headEnd(opened);
    await waitFor(() => raw.received().includes('}\n\n\r\n'), 2000, 'the hello chunk');
    const before = await metricsOf('sse1', 'sse');
    const seen = raw.received().length;

    const stored = lab.app.feed.publish({ topic: 'test', data: { hello: 'world' } });
    const chunkText = `id: ${stored.seq}\ndata: ${stored.json.toString()}\n\n`;
    const expectedChunk = `${Buffer.byteLength(chunkText).toString(16)}\r\n${chunkText}\r\n`;
    const bytes = await raw.until((b) => b.length >= seen + Buffer.byteLength(expectedChunk));
    expect(bytes.subarray(seen).toString()).toBe(expectedChunk);

    const after = await metricsOf('sse1', 'sse');
    const framing = Buffer.byteLength(expectedChunk) - stored.json.length;
    const sizeLine = Buffer.byteLength(chunkText).toString(16);
    // "id: N\n" + "data: " + "\n\n", then the chunk's size line + CRLF and its closing CRLF
    expect(framing).toBe(`id: ${stored.seq}\n`.length + 'data: '.length + 2 + sizeLine.length + 2 + 2);
    expect(after.bytes.down.payload - before.bytes.down.payload).toBe(stored.json.length);
    expect(after.bytes.down.framing - before.bytes.down.framing).toBe(framing);
    expect(after.messages).toBe(1);
    expect(after.bytes.down.header).toBe(responseHead);
    expect(after.bytes.up.header).toBe(Buffer.byteLength(request));
    raw.close();
  });
});

describe('WebSocket on the wire', () => {
  const key = Buffer.from('transport-lab-ws').toString('base64');
  const upgrade = (client: string): string =>
    `GET /api/feed/websocket?client=${client} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;

  /** A masked client text frame (payload ≤ 125 bytes): 2 header bytes + 4 mask bytes + payload. */
  function clientTextFrame(text: string): Buffer {
    const payload = Buffer.from(text);
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
    return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
  }

  it('a 100-byte event costs exactly 2 bytes of framing server→client, and 6 client→server', async () => {
    const raw = await rawConnect(lab.port);
    raw.send(upgrade('ws1'));
    const answered = await raw.until((b) => b.includes('"type":"hello"'));
    const responseHead = headEnd(answered);
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    expect(answered.subarray(0, responseHead).toString()).toContain(`Sec-WebSocket-Accept: ${accept}`);
    const before = await metricsOf('ws1', 'websocket');
    expect(before.bytes.down.header).toBe(responseHead);
    expect(before.bytes.up.header).toBe(Buffer.byteLength(upgrade('ws1')));
    const seen = raw.received().length;

    const published = publishOfSize(100);
    const expectedLength = published.reduce((sum, e) => sum + 2 + e.json.length, 0);
    const bytes = await raw.until((b) => b.length >= seen + expectedLength);
    const last = published.at(-1) as StoredEvent;
    const lastFrame = bytes.subarray(seen + expectedLength - 102, seen + expectedLength);
    expect([...lastFrame.subarray(0, 2)]).toEqual([0x81, 100]); // FIN + text opcode, unmasked, length 100
    expect(lastFrame.subarray(2).toString()).toBe(last.json.toString());

    const afterDown = await metricsOf('ws1', 'websocket');
    expect(afterDown.bytes.down.framing - before.bytes.down.framing).toBe(2 * published.length);
    expect(afterDown.bytes.down.payload - before.bytes.down.payload).toBe(expectedLength - 2 * published.length);

    const message = JSON.stringify({ id: 'm1', data: 'y'.repeat(100 - JSON.stringify({ id: 'm1', data: '' }).length) });
    expect(Buffer.byteLength(message)).toBe(100);
    raw.send(clientTextFrame(message));
    await raw.until((b) => b.includes('"origin":{"client":"ws1","id":"m1"}'));
    const afterUp = await metricsOf('ws1', 'websocket');
    expect(afterUp.bytes.up.payload - before.bytes.up.payload).toBe(100);
    expect(afterUp.bytes.up.framing - before.bytes.up.framing).toBe(6);
    raw.close();
  });

  it.each([
    [200, [0x81, 126, 0, 200]], // 16-bit extended length
    [70_000, [0x81, 127, 0, 0, 0, 0, 0, 1, 0x11, 0x70]], // 64-bit extended length
  ])('a %d-byte event is one frame with a %j header, and that header is all its framing', async (size, header) => {
    const raw = await rawConnect(lab.port);
    raw.send(upgrade('ws-long'));
    await raw.until((b) => b.includes('"type":"hello"'));
    const before = await metricsOf('ws-long', 'websocket');
    const seen = raw.received().length;

    const published = publishOfSize(size);
    const sizes = published.map((e) => e.json.length);
    const headerBytes = (n: number): number => (n <= 125 ? 2 : n <= 0xffff ? 4 : 10);
    const expectedLength = sizes.reduce((sum, n) => sum + headerBytes(n) + n, 0);
    const bytes = await raw.until((b) => b.length >= seen + expectedLength);
    expect(bytes.length).toBe(seen + expectedLength);
    const lastFrame = bytes.subarray(seen + expectedLength - header.length - size);
    expect([...lastFrame.subarray(0, header.length)]).toEqual(header);
    expect(lastFrame.subarray(header.length).equals((published.at(-1) as StoredEvent).json)).toBe(true);

    const after = await metricsOf('ws-long', 'websocket');
    expect(after.bytes.down.framing - before.bytes.down.framing).toBe(
      sizes.reduce((sum, n) => sum + headerBytes(n), 0),
    );
    raw.close();
  });
});
