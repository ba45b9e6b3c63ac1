/**
 * Volatile feed emits (`PUT /api/socket-io/settings {"volatile":true}`):
 * socket.io drops an event for a socket whose transport is not writable —
 * over polling, every event published while no GET is waiting. The lab
 * counts each drop per client (`GET /api/socket-io/settings?client=ID`)
 * and announces them to the socket (`dropped`) just before its next event,
 * so the client counts them as dropped and sees no gap. A volatile event is
 * not kept for recovery, so it carries no offset: 17 B of envelope, not 27;
 * and a socket Socket.IO recovers after a cut is told of the volatile events
 * it missed while away, in its room too, where no seq jump would show them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodeEnv } from '../clients/node-env.ts';
import { SocketIoClient } from '../clients/socket-io-client.ts';
import type { SocketIoSettingsReading } from '../protocol/socket-io-features.ts';
import type { StoredEvent } from '../server/feed/stored-event.ts';
import { startCountingProxy } from './support/counting-proxy.ts';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { answerBody, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
const clients: SocketIoClient[] = [];

beforeAll(async () => {
  lab = await startLab();
  const answer = await fetch(`${lab.url}/api/socket-io/settings`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: '{"volatile":true}',
  });
  expect(answer.status).toBe(200);
});
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
});
afterAll(async () => {
  await lab.close();
});

async function droppedFor(client: string): Promise<number> {
  const reading = (await (
    await fetch(`${lab.url}/api/socket-io/settings?client=${client}`)
  ).json()) as SocketIoSettingsReading;
  return reading.volatileDropped;
}

function publish(count: number): StoredEvent[] {
  return Array.from({ length: count }, (_, i) => lab.app.feed.publish({ topic: 'ticker.ACME', data: { i } }));
}

describe('volatile emits over raw polling', () => {
  it('events published while no GET waits are dropped, counted, and announced just before the next event', async () => {
    const raw = await rawConnect(lab.port);
    const query = 'EIO=4&transport=polling&client=raw-volatile';
    const open = await answerBody(raw, `GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    const get = () => answerBody(raw, `GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await answerBody(
      raw,
      `POST /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 8\r\n\r\n40/feed,`,
    );
    await get(); // the connect answer and hello
    await sleep(50); // the backlog pass ends with the join

    // No GET waiting: all three are dropped.
    const dropped = publish(3);
    const epoch = lab.app.feed.epoch;
    expect(await droppedFor('raw-volatile')).toBe(3);

    // The next event, with a GET waiting: the notice answers it, the event itself follows in the next answer
    // (sent to this socket alone, so kept for recovery: with its offset).
    const waiting = get();
    await sleep(50);
    const [next] = publish(1);
    expect(await waiting).toMatch(
      new RegExp(
        `^42/feed,\\["dropped",\\{"type":"dropped","epoch":"${epoch}","last":${dropped[2]?.seq},"count":3\\},"[\\w.-]+"\\]$`,
      ),
    );
    expect(await get()).toMatch(
      new RegExp(`^42/feed,\\["feed",\\{"epoch":"${epoch}","seq":${next?.seq},.*\\},"[\\w.-]+"\\]$`),
    );

    // Nothing pending, a GET waiting: the volatile broadcast itself, without recovery's offset (not kept for it).
    const waitingAgain = get();
    await sleep(50);
    const [delivered] = publish(1);
    expect(await waitingAgain).toBe(`42/feed,["feed",${delivered?.json.toString('utf8')}]`);
    expect(await droppedFor('raw-volatile')).toBe(3);
    raw.close();
  });
});

describe('the client under volatile emits', () => {
  it('counts every drop the lab announced as dropped, never as a gap; the server counts the same', async () => {
    const seqs: number[] = [];
    const client = new SocketIoClient({
      baseUrl: lab.url,
      clientId: 'volatile-poller',
      env: nodeEnv(),
      socketIoTransports: ['polling'],
      onEvent: (event) => seqs.push(event.seq),
    });
    clients.push(client);
    client.start();
    await waitFor(() => client.state === 'open', 5000, 'the client');
    await sleep(200); // a GET is waiting
    // The first goes into the waiting GET's answer; the transport is then not writable: the other nine drop.
    const burst = publish(10);
    await sleep(100);
    // The next event brings the notice first.
    const [after] = publish(1);
    await waitFor(() => seqs.length === 2, 5000, 'the next event');
    expect(seqs).toEqual([burst[0]?.seq, after?.seq]);
    expect(client.stats()).toMatchObject({ messages: 2, dropped: 9, gaps: 0, missed: 0, duplicates: 0, errors: 0 });
    expect(await droppedFor('volatile-poller')).toBe(9);
  });
});

// Its waits add up past vitest's default 5 s on a busy machine: a slow run must fail on the wait that was slow.
describe('volatile emits and Socket.IO recovery', { timeout: 20_000 }, () => {
  it('a room client recovered after a cut is told of the volatile events of its topic it missed while away', async () => {
    const proxy = await startCountingProxy(lab.port);
    try {
      const seqs: number[] = [];
      const client = new SocketIoClient({
        baseUrl: proxy.url,
        clientId: 'volatile-recovered',
        env: nodeEnv(),
        socketIoTransports: ['websocket'],
        socketIoRoom: 'ticker.HOOLI',
        reconnectMinMs: 20,
        reconnectMaxMs: 100,
        onEvent: (event) => seqs.push(event.seq),
      });
      clients.push(client);
      client.start();
      await waitFor(() => client.state === 'open', 5000, 'the client');
      await sleep(50);
      const [first] = [lab.app.feed.publish({ topic: 'ticker.HOOLI', data: { first: true } })];
      await waitFor(() => seqs.length === 1, 5000, 'the first event');
      proxy.dropAll();
      await sleep(20);
      // While it is away: three of its topic, two of another; none is kept for recovery.
      for (const topic of ['ticker.HOOLI', 'ticker.ACME', 'ticker.HOOLI', 'ticker.ACME', 'ticker.HOOLI'])
        lab.app.feed.publish({ topic, data: { away: true } });
      await waitFor(() => client.recoveries === 1 && client.state === 'open', 5000, 'the recovery');
      await waitFor(() => client.stats().dropped === 3, 5000, 'the announced drops');
      await sleep(50);
      const after = lab.app.feed.publish({ topic: 'ticker.HOOLI', data: { after: true } });
      await waitFor(() => seqs.length === 2, 5000, 'the next event');
      expect(seqs).toEqual([first?.seq, after.seq]);
      expect(client.stats()).toMatchObject({ dropped: 3, gaps: 0, missed: 0, duplicates: 0, reconnects: 1 });
    } finally {
      await proxy.close();
    }
  });
});
