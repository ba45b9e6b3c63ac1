/**
 * When a client's last exchange on a transport was over HTTP/2, the wire
 * inspector carries that request's stream: its frames as their headers say,
 * and its request's and answer's HPACK bytes with the table each was encoded
 * against. Checked against the test's own record of its plaintext, cut by the
 * test's own frame parser: the hex, the frames and the fields decoded from the
 * sample alone equal what the test reads from the whole connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHeaders } from '../load/browser-headers.ts';
import type { H2StreamSample } from '../protocol/h2-stream-sample.ts';
import { decodeHeaderBlock, emptyHpackTable, type HpackRepresentation } from '../protocol/hpack-decode.ts';
import type { InspectResponse } from '../protocol/wire-sample.ts';
import { createSelfSignedCertificate } from '../server/tls/self-signed-certificate.ts';
import { type Frame, headerBlock, parseFrames } from './support/h2-frames.ts';
import { publishMany, type RunningLab, sleep, startLab } from './support/lab-server.ts';
import { h2Get, tappedH2Session } from './support/tapped-tls-client.ts';

const HEADERS = 0x1;
let lab: RunningLab;
let h2Port: number;

beforeAll(async () => {
  lab = await startLab({ https: { h2Port: 0, http1Port: 0, certificate: createSelfSignedCertificate() } });
  h2Port = (await lab.app.httpsReady())?.h2Port ?? 0;
});
afterAll(async () => {
  await lab.close();
});

const fieldsOf = (representations: HpackRepresentation[]): string[] =>
  representations.flatMap((r) =>
    r.kind === 'indexed' ? [`${r.name}: ${r.value}`] : r.kind === 'literal' ? [`${r.name}: ${r.value.text}`] : [],
  );

/** Every header block of one direction, decoded in order as the connection's receiver would. */
function decodeAll(frames: Frame[]): Map<number, string[]> {
  let table = emptyHpackTable();
  const byStream = new Map<number, string[]>();
  for (const frame of frames.filter((f) => f.type === HEADERS)) {
    const decoded = decodeHeaderBlock(headerBlock(frame), table);
    table = decoded.table;
    if (!byStream.has(frame.streamId)) byStream.set(frame.streamId, fieldsOf(decoded.representations));
  }
  return byStream;
}

describe('the wire inspector over HTTP/2', () => {
  it('shows the last poll’s stream: its frames, and HPACK bytes that decode alone to what the connection carried', async () => {
    const client = 'inspect-h2';
    const connection = await tappedH2Session(h2Port);
    const headers = requestHeaders('browser', 'fetch-get', `https://127.0.0.1:${h2Port}`);
    let since = 0;
    for (let i = 0; i < 3; i++) {
      publishMany(lab.app, 1);
      const answer = await h2Get(connection.session, `/api/feed/short-poll?client=${client}&since=${since}`, headers);
      since = (JSON.parse(answer.body) as { next: number }).next;
    }
    await sleep(200);
    const inspect = (await (await fetch(`${lab.url}/api/inspect?client=${client}`)).json()) as InspectResponse;
    const sample = inspect.transports['short-poll']?.h2 as H2StreamSample;
    expect(sample).toBeDefined();

    const up = parseFrames(connection.sent(), true);
    const down = parseFrames(connection.received(), false);
    const lastStream = Math.max(...up.filter((f) => f.type === HEADERS).map((f) => f.streamId));
    expect(sample.streamId).toBe(lastStream);
    const streamFrames = [
      ...up.filter((f) => f.streamId === lastStream).map((f) => ({ direction: 'up', f })),
      ...down.filter((f) => f.streamId === lastStream).map((f) => ({ direction: 'down', f })),
    ];
    // The same frames (order between directions is the lab's, so compare as sets of descriptions).
    const describe = (d: { direction: string; type: number; flags: number; length: number }): string =>
      `${d.direction} type=${d.type} flags=${d.flags} length=${d.length}`;
    expect(sample.frames.map(describe).sort()).toEqual(
      streamFrames.map(({ direction, f }) => describe({ direction, ...f, length: f.payload.length })).sort(),
    );
    expect(sample.frames.every((f) => f.streamId === lastStream)).toBe(true);

    const requestBlock = up.find((f) => f.type === HEADERS && f.streamId === lastStream);
    const responseBlock = down.find((f) => f.type === HEADERS && f.streamId === lastStream);
    if (!requestBlock || !responseBlock || !sample.request?.tableBefore || !sample.response?.tableBefore) {
      throw new Error('both header blocks and their tables expected');
    }
    expect(sample.request.hex).toBe(headerBlock(requestBlock).toString('hex'));
    expect(sample.response.hex).toBe(headerBlock(responseBlock).toString('hex'));
    // The third request's head uses entries the first one inserted: decoding needs the table the sample carries.
    const alone = decodeHeaderBlock(Buffer.from(sample.request.hex, 'hex'), sample.request.tableBefore);
    expect(alone.representations.some((r) => r.kind === 'indexed' && r.table === 'dynamic')).toBe(true);
    expect(() => decodeHeaderBlock(Buffer.from(sample.request?.hex ?? '', 'hex'), emptyHpackTable())).toThrow();
    expect(fieldsOf(alone.representations)).toEqual(decodeAll(up).get(lastStream));
    const answer = decodeHeaderBlock(Buffer.from(sample.response.hex, 'hex'), sample.response.tableBefore);
    expect(fieldsOf(answer.representations)).toEqual(decodeAll(down).get(lastStream));
    expect(fieldsOf(answer.representations)).toContain(':status: 200');
    connection.session.close();
  });

  it('a client’s exchange over HTTP/1.1 carries no HTTP/2 part', async () => {
    await fetch(`${lab.url}/api/feed/short-poll?client=inspect-h1`);
    const inspect = (await (await fetch(`${lab.url}/api/inspect?client=inspect-h1`)).json()) as InspectResponse;
    expect(inspect.transports['short-poll']).not.toBeNull();
    expect(inspect.transports['short-poll']?.h2).toBeUndefined();
  });
});
