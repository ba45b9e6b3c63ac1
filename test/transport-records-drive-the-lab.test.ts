/**
 * What the lab derives from each transport's record (protocol/transport-records.ts)
 * holds for every transport, looped over the records so a fifth one is covered
 * without an edit: its endpoint answers, a CORS preflight is answered exactly
 * where the record asks for one, HTTP upstream is accepted exactly for the
 * transports whose upstream is `http` and is counted under them, the not-found
 * hint names every endpoint, and the inspector's parts of a stream's event are
 * the very bytes the socket carried.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import type { InspectResponse } from '../protocol/wire-sample.ts';
import { type RunningLab, startLab, waitFor } from './support/lab-server.ts';
import { headEnd, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;

beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain request with the lab's own Origin, as the dashboard's page on the lab's port makes it. */
function request(method: string, path: string, body?: string): Promise<Answer> {
  const headers: Record<string, string> = { origin: lab.url };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: lab.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function metricsOf(client: string): Promise<MetricsSnapshot> {
  return JSON.parse((await request('GET', `/api/metrics?client=${client}`)).body) as MetricsSnapshot;
}

describe.each(TRANSPORT_NAMES)('the record of %s', (name) => {
  const record = TRANSPORT_RECORDS[name];

  it(`gets a preflight answer at its path exactly when the record says it needs one (${record.corsPreflight})`, async () => {
    const answer = await request('OPTIONS', `${record.path}?client=pre-${name}`);
    if (record.corsPreflight) {
      expect(answer.status).toBe(204);
      expect(answer.headers['access-control-allow-methods']).toBe('GET, POST');
    } else {
      expect(answer.status).toBe(404);
      expect(answer.headers['access-control-allow-methods']).toBeUndefined();
    }
  });

  it(`takes HTTP upstream exactly when its upstream is http (${record.upstream}), counted under it`, async () => {
    const client = `up-${name}`;
    const answer = await request(
      'POST',
      `/api/feed/publish?client=${client}&transport=${name}`,
      JSON.stringify({ id: '1', data: 'hi' }),
    );
    const counted = (await metricsOf(client)).transports[name].requests;
    if (record.upstream === 'http') {
      expect(answer.status).toBe(200);
      expect(counted).toBe(1);
    } else {
      expect(answer.status).toBe(400);
      const error = JSON.parse(answer.body) as { code: string; message: string };
      expect(error.code).toBe('LAB_ERR_BAD_QUERY');
      // The refusal names every transport that does take HTTP upstream.
      for (const other of TRANSPORT_NAMES.filter((n) => TRANSPORT_RECORDS[n].upstream === 'http'))
        expect(error.message).toContain(other);
      expect(counted).toBe(0);
    }
  });

  it('is named by the not-found hint', async () => {
    const answer = await request('GET', '/api/feed/nowhere');
    expect(answer.status).toBe(404);
    const error = JSON.parse(answer.body) as { code: string; hint: string };
    expect(error.code).toBe('LAB_ERR_NOT_FOUND');
    expect(error.hint).toContain(name);
  });
});

describe('the inspector splits a stream’s event into the bytes its socket carried', () => {
  it('sse: the parts, joined, are the chunk on the wire (size line to closing CRLF)', async () => {
    const raw = await rawConnect(lab.port);
    try {
      raw.send(`GET ${TRANSPORT_RECORDS.sse.path}?client=split-sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      await raw.until((bytes) => bytes.includes('event: hello'));
      lab.app.feed.publish({ topic: 't', data: { text: 'ünïcode and more' } });
      const bytes = await raw.until((b) => b.includes('data: {"epoch"') && b.toString().endsWith('\n\n\r\n'));
      const samples = JSON.parse((await request('GET', '/api/inspect?client=split-sse')).body) as InspectResponse;
      const parts = samples.transports.sse?.event;
      expect(parts).toBeTruthy();
      const joined = (parts ?? []).map((part) => part.text ?? '').join('');
      const body = bytes.subarray(headEnd(bytes)).toString();
      // The event's chunk is the last thing on the wire: the split must be exactly it.
      expect(body.endsWith(joined)).toBe(true);
      expect((parts ?? []).reduce((sum, part) => sum + part.bytes, 0)).toBe(Buffer.byteLength(joined));
      expect(joined).toMatch(/^[0-9a-f]+\r\nid: \d+\ndata: \{.*\}\n\n\r\n$/s);
    } finally {
      raw.close();
    }
  });

  it('websocket: the frame header in hex is the first bytes of the frame, its length the payload’s', async () => {
    const raw = await rawConnect(lab.port);
    try {
      raw.send(
        `GET ${TRANSPORT_RECORDS.websocket.path}?client=split-ws HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      await raw.until((bytes) => bytes.includes('"type":"hello"'));
      const before = raw.received().length;
      const stored = lab.app.feed.publish({ topic: 't', data: { text: 'x'.repeat(200) } });
      await raw.until((bytes) => bytes.length >= before + stored.json.length + 4);
      await waitFor(() => lab.app.inspector.samples('split-ws').websocket?.event !== null, 2000, 'the inspector');
      const parts = lab.app.inspector.samples('split-ws').websocket?.event ?? [];
      const [header, payload] = parts;
      const frame = raw.received().subarray(before);
      const headerBytes = Buffer.from((header?.hex ?? '').split(' ').map((h) => Number.parseInt(h, 16)));
      expect(frame.subarray(0, headerBytes.length).equals(headerBytes)).toBe(true);
      expect(header?.bytes).toBe(4); // 200+ bytes: the 16-bit extended length
      expect(payload?.bytes).toBe(stored.json.length);
      expect(frame.length).toBe(headerBytes.length + stored.json.length);
    } finally {
      raw.close();
    }
  });
});
