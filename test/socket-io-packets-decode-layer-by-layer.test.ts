/**
 * The page's Socket.IO decoder (web/src/socket-io-packet-decode.ts) on bytes
 * captured from a real lab with raw sockets, never invented ones: a polling
 * body with its `\x1e` separators (the connect answer and hello in one
 * answer), an event's answer over polling, and an event's WebSocket frame
 * after the upgrade — frame header, Engine.IO type, Socket.IO type,
 * namespace, event name and the event's own bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePollingBody, decodeWebSocketFrame } from '../web/src/socket-io-packet-decode.ts';
import { type RunningLab, sleep, startLab } from './support/lab-server.ts';
import { answerBytes, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab.close();
});

/** A client's masked text frame, as engine.io-client sends one. */
function maskedTextFrame(text: string): Buffer {
  const data = Buffer.from(text);
  const mask = Buffer.from([9, 8, 7, 6]);
  return Buffer.concat([Buffer.from([0x81, 0x80 | data.length]), mask, data.map((b, i) => b ^ (mask[i % 4] ?? 0))]);
}

describe('decoding Socket.IO from a real lab', () => {
  it('splits a polling body at its separators and reads each packet, and an event inside 42/feed,["feed",…]', async () => {
    const raw = await rawConnect(lab.port);
    const query = 'EIO=4&transport=polling&client=decode-poll';
    const get = (sid?: string) =>
      `GET /socket.io/?${query}${sid ? `&sid=${sid}` : ''} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    const open = decodePollingBody(await answerBytes(raw, get()));
    expect(open.separators).toBe(0);
    expect(open.packets[0]?.typeName).toBe('open');
    const sid = (JSON.parse(open.packets[0]?.data ?? '{}') as { sid: string }).sid;
    await answerBytes(
      raw,
      `POST /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 8\r\n\r\n40/feed,`,
    );

    const joinedBytes = await answerBytes(raw, get(sid));
    const joined = decodePollingBody(joinedBytes);
    expect(joined.separators).toBe(joinedBytes.filter((b) => b === 0x1e).length);
    expect(joined.separators).toBeGreaterThanOrEqual(1);
    const [connect, hello] = joined.packets;
    expect(connect?.typeName).toBe('message');
    expect(connect?.socketIo).toMatchObject({ typeName: 'CONNECT', namespace: '/feed', eventName: null });
    expect(connect?.socketIo?.data).toMatch(/^\{"sid":/);
    expect(hello?.socketIo).toMatchObject({ typeName: 'EVENT', namespace: '/feed', eventName: 'hello', ackId: null });
    expect(JSON.parse(hello?.socketIo?.args[0] ?? 'null')).toMatchObject({ type: 'hello', epoch: lab.app.feed.epoch });
    // Every byte of the body is a packet or a separator.
    expect(joined.packets.reduce((n, p) => n + p.bytes, 0) + joined.separators).toBe(joinedBytes.length);

    const stored = lab.app.feed.publish({ topic: 'test', data: { price: 101.25, name: 'Zoë' } });
    const eventBytes = await answerBytes(raw, get(sid));
    const event = decodePollingBody(eventBytes);
    const packet = event.packets[0];
    expect(packet?.type).toBe('4');
    expect(packet?.socketIo?.type).toBe('2');
    expect(packet?.socketIo?.namespace).toBe('/feed');
    expect(packet?.socketIo?.eventName).toBe('feed');
    // The first argument is the event's own bytes, exactly; the second the recovery offset.
    expect(packet?.socketIo?.args[0]).toBe(stored.json.toString('utf8'));
    expect(packet?.socketIo?.args).toHaveLength(2);
    expect(packet?.bytes).toBe(eventBytes.length);
    raw.close();
  });

  it('reads an event frame after the upgrade: header, Engine.IO message, Socket.IO EVENT on /feed named feed', async () => {
    const poll = await rawConnect(lab.port);
    const query = 'EIO=4&transport=polling&client=decode-ws';
    const get = (sid: string) => `GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    const open = decodePollingBody(
      await answerBytes(poll, `GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
    );
    const sid = (JSON.parse(open.packets[0]?.data ?? '{}') as { sid: string }).sid;
    await answerBytes(
      poll,
      `POST /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 8\r\n\r\n40/feed,`,
    );
    await answerBytes(poll, get(sid));
    const ws = await rawConnect(lab.port);
    ws.send(
      `GET /socket.io/?EIO=4&transport=websocket&sid=${sid}&client=decode-ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const head = await ws.until((bytes) => bytes.indexOf('\r\n\r\n') > 0);
    const afterHead = head.indexOf('\r\n\r\n') + 4;
    const pending = answerBytes(poll, get(sid));
    await sleep(50);
    ws.send(maskedTextFrame('2probe'));
    const probed = await ws.until((bytes) => bytes.length >= afterHead + 8);
    const probe = decodeWebSocketFrame(probed.subarray(afterHead, afterHead + 8));
    expect(probe?.packet).toMatchObject({ typeName: 'pong', data: 'probe', socketIo: null });
    expect(decodePollingBody(await pending).packets[0]?.typeName).toBe('noop');
    ws.send(maskedTextFrame('5'));
    await sleep(50);

    const stored = lab.app.feed.publish({ topic: 'test', data: { up: 1 } });
    const start = afterHead + 8;
    const bytes = await ws.until((b) => b.length >= start + 2 && b.length >= start + 2 + ((b[start + 1] ?? 0) & 0x7f));
    const frame = decodeWebSocketFrame(bytes.subarray(start));
    expect(frame?.header).toMatchObject({ fin: true, opcodeName: 'text', masked: false, headerBytes: 2 });
    expect(frame?.headerHex).toBe(`81 ${(bytes[start + 1] ?? 0).toString(16)}`);
    expect(frame?.packet?.typeName).toBe('message');
    expect(frame?.packet?.socketIo).toMatchObject({ typeName: 'EVENT', namespace: '/feed', eventName: 'feed' });
    expect(frame?.packet?.socketIo?.args[0]).toBe(stored.json.toString('utf8'));
    // The frame's payload is the whole Engine.IO packet: 27 B of envelope and offset around the event.
    expect((frame?.payloadBytes ?? 0) - stored.json.length).toBe(27);
    poll.close();
    ws.close();
  });
});
