/**
 * Cross-site request forgery in the default (non-LAN) mode: a foreign page's
 * bare POST — what `fetch(…, {mode: 'no-cors'})` or `sendBeacon` sends, with
 * the page's Origin and no body — must change nothing. Every state-changing
 * route refuses a foreign or `null` Origin with 403; curl (no Origin) and the
 * lab's own pages are served.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;

beforeAll(async () => {
  lab = await startLab({ conditionerPort: 0 });
  await lab.app.conditioner.ready();
});
afterAll(async () => {
  await lab.close();
});

function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: lab.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Every state-changing route, with a body that would be accepted. */
const ROUTES: [string, string, string | undefined][] = [
  ['POST', '/api/feed/restart', undefined],
  ['PUT', '/api/feed/settings', '{"ratePerSecond":5}'],
  ['PUT', '/api/network', '{"profile":"slow-4g"}'],
  ['POST', '/api/network/faults', '{"action":"drop-all"}'],
  ['POST', '/api/class/report', '{"page":"p1","transports":{}}'],
  ['DELETE', '/api/load', undefined],
  ['POST', '/api/feed/publish', '{"data":"forged"}'],
];

describe.each(['http://evil.example', 'null'])('Origin: %s', (origin) => {
  it.each(ROUTES)('%s %s → 403 LAB_ERR_FOREIGN_ORIGIN, and nothing changed', async (method, path, body) => {
    const before = { epoch: lab.app.feed.epoch, seq: lab.app.feed.newestSeq, network: lab.app.conditioner.settings };
    const headers: Record<string, string> = { origin };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const answer = await request(method, path, headers, body);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).code).toBe('LAB_ERR_FOREIGN_ORIGIN');
    expect(lab.app.feed.epoch).toBe(before.epoch);
    expect(lab.app.feed.newestSeq).toBe(before.seq);
    expect(lab.app.conditioner.settings).toEqual(before.network);
  });
});

it('a bare cross-site POST /api/feed/restart (no body, text/plain, as sendBeacon sends it) → 403, same epoch', async () => {
  const epoch = lab.app.feed.epoch;
  const answer = await request('POST', '/api/feed/restart', {
    origin: 'http://evil.example',
    'content-type': 'text/plain;charset=UTF-8',
    'sec-fetch-site': 'cross-site',
    'sec-fetch-mode': 'no-cors',
  });
  expect(answer.status).toBe(403);
  expect(lab.app.feed.epoch).toBe(epoch);
});

it("the lab's own pages (its port and the conditioner's) and curl (no Origin) may restart the feed", async () => {
  const senders: Record<string, string>[] = [
    { origin: lab.url },
    { origin: `http://localhost:${lab.app.conditioner.port}` },
    {},
  ];
  for (const headers of senders) {
    const epoch = lab.app.feed.epoch;
    const answer = await request('POST', '/api/feed/restart', headers);
    expect(answer.status, JSON.stringify(headers)).toBe(200);
    expect(lab.app.feed.epoch).not.toBe(epoch);
  }
});

it('reading stays open to any page (GET needs no Origin check)', async () => {
  expect((await request('GET', '/api/feed/status', { origin: 'http://evil.example' })).status).toBe(200);
});
