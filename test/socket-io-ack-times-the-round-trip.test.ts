/**
 * Socket.IO acknowledgements: `publish` with an ack id is answered
 * `43/feed,<id>[{"type":"ack","epoch","seq"}]` once the event is in the feed
 * — after the event's own broadcast, on the same connection — and the client
 * times the round trip by the ack (`ackRoundTripMs`, summarised by
 * protocol/figures.ts `ackRoundTrip`). A refused message is answered in
 * its ack with the code; nothing else stops.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeEnv } from '../clients/node-env.ts';
import { SocketIoClient } from '../clients/socket-io-client.ts';
import { ackRoundTrip } from '../protocol/figures.ts';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { answerBody, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
const clients: SocketIoClient[] = [];

beforeAll(async () => {
  lab = await startLab();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
});
afterAll(async () => {
  await lab.close();
});

describe('an acknowledged publish on the wire', () => {
  it('the event comes first, then 43/feed,<id>[{"type":"ack","epoch","seq"}] naming it', async () => {
    const raw = await rawConnect(lab.port);
    const query = 'EIO=4&transport=polling&client=raw-ack';
    const open = await answerBody(raw, `GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const post = (body: string) =>
      answerBody(
        raw,
        `POST /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    const get = () => answerBody(raw, `GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await post('40/feed,');
    await get(); // the connect answer and hello
    await sleep(50);

    expect(await post('42/feed,12["publish",{"id":"m1","data":"hi"}]')).toBe('ok');
    const [event, ack, ...rest] = (await get()).split('\x1e');
    const seq = lab.app.feed.newestSeq;
    expect(rest).toEqual([]);
    expect(event).toMatch(
      new RegExp(
        `^42/feed,\\["feed",\\{"epoch":"[\\w-]+","seq":${seq},.*"origin":\\{"client":"raw-ack","id":"m1"\\},"data":"hi"\\},"[\\w.-]+"\\]$`,
      ),
    );
    expect(ack).toBe(`43/feed,12[{"type":"ack","epoch":"${lab.app.feed.epoch}","seq":${seq}}]`);

    // A refusal is the ack's answer, with the code; the session goes on.
    expect(await post('42/feed,13["publish",{"nodata":true}]')).toBe('ok');
    const refusal = await get();
    expect(JSON.parse(refusal.replace(/^43\/feed,13\[/, '').slice(0, -1))).toMatchObject({
      type: 'error',
      code: 'LAB_ERR_BAD_BODY',
    });
    raw.close();
  });
});

describe('the client times the round trip by the ack', () => {
  it('each publish adds one ack round trip, no shorter than the echo of its own event', async () => {
    const echoes: number[] = [];
    const client = new SocketIoClient({
      baseUrl: lab.url,
      clientId: 'acked',
      env: nodeEnv(),
      onRoundTrip: (_id, ms) => echoes.push(ms),
    });
    clients.push(client);
    client.start();
    await waitFor(() => client.state === 'open', 5000, 'the client');
    await sleep(50);
    for (let i = 0; i < 3; i++) await client.publish({ text: `hello ${i}` });
    await waitFor(() => echoes.length === 3, 5000, 'the echoes');
    const acks = client.ackRoundTripMs;
    expect(acks).toHaveLength(3);
    // The ack is written after the event's broadcast, on the same connection: it cannot arrive first.
    for (let i = 0; i < 3; i++) expect(acks[i]).toBeGreaterThanOrEqual(echoes[i] ?? Number.POSITIVE_INFINITY);
    const sorted = [...acks].sort((a, b) => a - b);
    expect(ackRoundTrip(acks)).toEqual({ count: 3, p50: sorted[1], p99: sorted[2] });
    expect(client.stats().errors).toBe(0);
  });

  it('a refused publish rejects with the code from the ack and counts one error', async () => {
    const client = new SocketIoClient({ baseUrl: lab.url, clientId: 'acked-refused', env: nodeEnv() });
    clients.push(client);
    client.start();
    await waitFor(() => client.state === 'open', 5000, 'the client');
    await expect(client.publish({ text: 'x' }, 'has spaces')).rejects.toMatchObject({ code: 'LAB_ERR_BAD_BODY' });
    expect(client.stats().errors).toBe(1);
    expect(client.ackRoundTripMs).toEqual([]);
  });
});
