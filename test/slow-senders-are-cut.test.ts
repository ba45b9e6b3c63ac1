/**
 * Slow senders cannot hold the lab's sockets: a head must arrive within the
 * headers timeout and a whole request (a trickled body too) within the
 * request timeout, answered 408 in the lab's error shape; connections still
 * sending their head after a moment are capped per address and in total, the
 * oldest cut first; a publish refused before its body (411, 415) closes the
 * connection instead of reading a trickled body on. Meanwhile a watcher
 * misses nothing and an honest client is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { publishMany, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { type RawSocket, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
let watcher: FeedWatcher;

beforeAll(async () => {
  lab = await startLab({
    headersTimeoutMs: 1000,
    requestTimeoutMs: 1500,
    slowHeads: { slowAfterMs: 300, perAddress: 5, total: 12 },
    // Only 127.0.0.1 (the watcher) is exempt, so other loopback addresses play students.
    perAddressExempt: (address) => address === '127.0.0.1',
  });
  watcher = await watchFeed(lab.url, 'slow-watcher', 0);
});
afterAll(async () => {
  watcher.close();
  await lab.close();
});

const closed = (raw: RawSocket): Promise<void> =>
  raw.socket.destroyed ? Promise.resolve() : new Promise((resolve) => raw.socket.once('close', () => resolve()));

/** Sends one byte of `text` every `everyMs` until the socket closes or `text` runs out. */
function trickle(raw: RawSocket, text: string, everyMs: number): void {
  let at = 0;
  const timer = setInterval(() => {
    if (raw.socket.destroyed || at >= text.length) return clearInterval(timer);
    raw.send(text[at++] as string);
  }, everyMs);
  raw.socket.once('close', () => clearInterval(timer));
}

describe('timeouts', () => {
  it('a head trickled byte by byte is answered 408 LAB_ERR_REQUEST_TIMEOUT and closed', async () => {
    const raw = await rawConnect(lab.port);
    const started = performance.now();
    trickle(
      raw,
      'GET /api/feed/short-poll HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n',
      100,
    );
    await closed(raw);
    const answer = raw.received().toString();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"LAB_ERR_REQUEST_TIMEOUT"');
    // Cut by the 1 s headers timeout (checked each second), long before the head was complete (~8 s).
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a body trickled byte by byte is answered 408 and closed', async () => {
    const raw = await rawConnect(lab.port);
    raw.send(
      'POST /api/feed/publish?client=trickler HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"data":"',
    );
    trickle(raw, 'x'.repeat(190), 100);
    await closed(raw);
    expect(raw.received().toString()).toMatch(/^HTTP\/1\.1 408 /);
    expect(lab.app.feed.newestSeq).toBe(0); // nothing of it was published
  });

  it('a refused chunked publish (411) closes the connection while the client still trickles', async () => {
    const raw = await rawConnect(lab.port);
    raw.send(
      'POST /api/feed/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    trickle(raw, '5\r\n{"dat\r\n'.repeat(20), 100);
    await closed(raw);
    expect(raw.received().toString()).toMatch(/^HTTP\/1\.1 411 /);
    expect(raw.received().toString()).toMatch(/connection: close/i);
  });

  it('a publish refused for its content type (415) closes too, body unread', async () => {
    const raw = await rawConnect(lab.port);
    raw.send(
      'POST /api/feed/publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nabc',
    );
    await closed(raw);
    expect(raw.received().toString()).toMatch(/^HTTP\/1\.1 415 /);
  });
});

describe('slow heads are capped', () => {
  const openSlowHeads = async (from: (i: number) => string, count: number): Promise<RawSocket[]> => {
    const sockets: RawSocket[] = [];
    for (let i = 0; i < count; i++) {
      const raw = await rawConnect(lab.port, from(i));
      raw.send('GET /api/feed/short-poll HTTP/1.1\r\n'); // and nothing more
      sockets.push(raw);
    }
    return sockets;
  };

  it('per address: past 5 slow heads from one address, its oldest are cut first', async () => {
    const first = await openSlowHeads(() => '127.0.0.2', 8);
    await sleep(400); // all 8 are slow now
    const last = await openSlowHeads(() => '127.0.0.2', 1);
    await sleep(50);
    const open = [...first, ...last].map((raw) => !raw.socket.destroyed);
    // The 3 oldest went; the newest slow 5 and the young one stay.
    expect(open).toEqual([false, false, false, true, true, true, true, true, true]);
    for (const raw of [...first, ...last]) raw.close();
  });

  it('in total: past 12 slow heads from many addresses, the oldest are cut first', async () => {
    await sleep(100);
    const first = await openSlowHeads((i) => `127.0.4.${i + 1}`, 15);
    await sleep(400);
    const last = await openSlowHeads(() => '127.0.5.1', 1);
    await sleep(50);
    const open = [...first, ...last].map((raw) => !raw.socket.destroyed);
    expect(open).toEqual([...Array(3).fill(false), ...Array(13).fill(true)]);
    for (const raw of [...first, ...last]) raw.close();
  });

  it('an honest client is served at once meanwhile', async () => {
    const slow = await openSlowHeads((i) => `127.0.6.${i + 1}`, 20);
    const answer = await fetch(`${lab.url}/api/feed/short-poll?client=honest`);
    expect(answer.status).toBe(200);
    for (const raw of slow) raw.close();
  });
});

it('the watcher received every event, with no gap', async () => {
  publishMany(lab.app, 30);
  const newest = lab.app.feed.newestSeq;
  await waitFor(() => watcher.seqs.length === newest, 5000, 'the watcher');
  expect(watcher.seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
});
