/**
 * Generated input for the class round's routes — bodies of every shape, near
 * misses of a good one, foreign origins — always gets a coded answer (never a
 * 500), and the round that was asking keeps its votes and keeps asking.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ClassRoundView } from '../protocol/class-round.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

const TOKEN = 'fuzz-round-token';
let lab: RunningLab;

beforeAll(async () => {
  lab = await startLab({ teacherToken: TOKEN });
});
afterAll(async () => {
  await lab.close();
});

const GOOD_START = {
  lesson: 'sse-no-binary',
  claim: 'SSE has no binary message capability',
  question: 'How much larger is a binary sample in SSE?',
  choices: [
    { id: 'same', text: 'The same' },
    { id: 'double', text: 'Twice' },
  ],
};

async function send(method: string, path: string, body: string | undefined, headers: Record<string, string>) {
  const response = await fetch(`${lab.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: response.status, body: await response.text() };
}

it('every generated request gets a coded answer, and the round asking keeps its votes', async () => {
  const teacher = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  expect((await send('POST', '/api/class/round', JSON.stringify(GOOD_START), teacher)).status).toBe(200);
  const vote = await send('POST', '/api/class/round/vote', '{"page":"keeper","choice":"same"}', {
    'content-type': 'application/json',
  });
  expect(vote.status).toBe(200);

  const nearVote = fc
    .record(
      {
        page: fc.oneof(fc.string({ maxLength: 70 }), fc.constantFrom('p', '', 'a b', '__proto__'), fc.integer()),
        choice: fc.oneof(fc.string({ maxLength: 50 }), fc.constantFrom('same', 'double', 'SAME', ''), fc.boolean()),
        extra: fc.string({ maxLength: 5 }),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v));
  const nearVerdict = fc
    .record(
      {
        verdict: fc.oneof(fc.constantFrom('holds', 'holds-if', 'does-not-hold', null, 'maybe'), fc.integer()),
        rightChoice: fc.oneof(fc.constantFrom('same', 'double', null, 'other'), fc.string({ maxLength: 50 })),
        sentence: fc.oneof(fc.string({ maxLength: 700 }), fc.constant(null)),
        condition: fc.oneof(fc.string({ maxLength: 400 }), fc.integer()),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v));
  const route = fc.oneof(
    fc.tuple(fc.constant('POST'), fc.constant('/api/class/round/vote'), fc.oneof(nearVote, fc.json())),
    // Without the token: refused before the body is read, so the round stays.
    fc.tuple(fc.constant('POST'), fc.constant('/api/class/round'), fc.json()),
    fc.tuple(fc.constant('POST'), fc.constant('/api/class/round/reveal'), fc.oneof(nearVerdict, fc.json())),
    fc.tuple(fc.constant('DELETE'), fc.constant('/api/class/round'), fc.constant(undefined)),
    fc.tuple(
      fc.constant('GET'),
      fc.string({ maxLength: 80 }).map((q) => `/api/class/round?page=${encodeURIComponent(q)}`),
      fc.constant(undefined),
    ),
  );
  const origin = fc.constantFrom(undefined, 'null', 'http://evil.example');
  const type = fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-16');
  await fc.assert(
    fc.asyncProperty(route, origin, type, async ([method, path, body], o, t) => {
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = t;
      if (o !== undefined) headers.origin = o;
      const answer = await send(method, path, body, headers);
      expect(answer.status, answer.body).toBeLessThan(500);
      if (answer.status >= 400) {
        const error = JSON.parse(answer.body) as { code: string; hint: string };
        expect(error.code).toMatch(/^LAB_ERR_[A-Z_]+$/);
        expect(error.hint.length).toBeGreaterThan(0);
      }
      if (o !== undefined && method !== 'GET') expect(answer.status).toBe(403);
    }),
    { numRuns: 300 },
  );

  const round = (await (await fetch(`${lab.url}/api/class/round?page=keeper`)).json()) as ClassRoundView;
  expect(round.phase).toBe('asking');
  expect(round.yourVote).toBe('same');
  expect(round.votes.same).toBeGreaterThanOrEqual(1);
}, 60_000);
