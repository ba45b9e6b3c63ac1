/**
 * The class predicts, over real HTTP: the teacher starts a round for a lesson,
 * pages vote (one vote per page, changeable until the run), students cannot
 * start, close, reveal or end a round (401 with the code), the run closes the
 * votes, and the reveal carries the verdict beside the votes. Bad input gets a
 * coded 400 with a hint and changes nothing; the votes are bounded like the
 * class view's pages, refusing a newcomer rather than pushing out a vote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LESSONS } from '../lessons/lesson-registry.ts';
import type { ClassRoundView, RoundStart } from '../protocol/class-round.ts';
import { ClassRoundState } from '../server/api/class-round-routes.ts';
import { CLASS_PAGES_PER_ADDRESS } from '../server/api/class-routes.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

const TOKEN = 'round-teacher-token';
const TEACHER = { authorization: `Bearer ${TOKEN}` };
const LESSON: RoundStart = {
  lesson: 'websocket-headers-once',
  claim: 'WebSocket sends headers only once',
  question: 'After the upgrade, how many bytes of HTTP headers does each WebSocket event carry?',
  choices: [
    { id: 'none', text: 'None: only a 2-byte frame header' },
    { id: 'some', text: 'A few dozen bytes' },
    { id: 'all', text: 'As many as a poll' },
  ],
};

let lab: RunningLab;

beforeAll(async () => {
  lab = await startLab({ teacherToken: TOKEN });
});
afterAll(async () => {
  await lab.close();
});

interface Answer {
  status: number;
  body: ClassRoundView & { code?: string; message?: string; hint?: string };
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  base = lab.url,
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const round = async (page?: string): Promise<ClassRoundView> => {
  const answer = await call('GET', `/api/class/round${page ? `?page=${page}` : ''}`);
  expect(answer.status).toBe(200);
  return answer.body;
};
const vote = (page: string, choice: string, base = lab.url): Promise<Answer> =>
  call('POST', '/api/class/round/vote', { page, choice }, {}, base);

function expectCoded(answer: Answer, status: number, code: string): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body.code).toBe(code);
  expect(answer.body.message?.length).toBeGreaterThan(0);
  expect(answer.body.hint?.length).toBeGreaterThan(0);
}

describe('a round, from question to verdict', () => {
  it('before any round: nothing is asked, and a vote is refused with LAB_ERR_ROUND_CLOSED', async () => {
    expect(await round()).toMatchObject({ round: 0, lesson: null, phase: null, answered: 0, verdict: null });
    expectCoded(await vote('p1', 'none'), 409, 'LAB_ERR_ROUND_CLOSED');
  });

  it('a student cannot start a round: 401 LAB_ERR_UNAUTHORIZED, and none starts', async () => {
    expectCoded(await call('POST', '/api/class/round', LESSON), 401, 'LAB_ERR_UNAUTHORIZED');
    expectCoded(
      await call('POST', '/api/class/round', LESSON, { authorization: 'Bearer wrong' }),
      401,
      'LAB_ERR_UNAUTHORIZED',
    );
    expect((await round()).phase).toBeNull();
  });

  it('the teacher starts one: the question and every choice at 0 votes', async () => {
    const started = await call('POST', '/api/class/round', LESSON, TEACHER);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({
      round: 1,
      lesson: LESSON.lesson,
      claim: LESSON.claim,
      question: LESSON.question,
      phase: 'asking',
      choices: LESSON.choices,
      votes: { none: 0, some: 0, all: 0 },
      answered: 0,
      verdict: null,
    });
    expect(started.body.startedAt).toBeGreaterThan(0);
  });

  it('counts one vote per page; a page may change its vote, and reads it back as its own', async () => {
    expect((await vote('p1', 'all')).body.yourVote).toBe('all');
    await vote('p2', 'none');
    await vote('p3', 'none');
    const changed = await vote('p1', 'some');
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ votes: { none: 2, some: 1, all: 0 }, answered: 3, yourVote: 'some' });
    // The same vote again changes nothing.
    await vote('p2', 'none');
    const view = await round('p2');
    expect(view).toMatchObject({ votes: { none: 2, some: 1, all: 0 }, answered: 3, yourVote: 'none' });
    expect((await round('nobody')).yourVote).toBeNull();
    expect((await round()).yourVote).toBeNull();
  });

  it('a vote for a choice the round lacks, or a bad body, is a coded 400 that changes nothing', async () => {
    const bad: unknown[] = [
      { page: 'p4', choice: 'maybe' },
      { page: 'p 4', choice: 'none' },
      { page: 'p4' },
      { page: 'p4', choice: 'none', extra: 1 },
      { page: 'p4', choice: 7 },
      [],
      '"none"',
    ];
    for (const body of bad) expectCoded(await call('POST', '/api/class/round/vote', body), 400, 'LAB_ERR_BAD_ROUND');
    expectCoded(
      await call('POST', '/api/class/round/vote', '{"page":"p4","choice":"none","__proto__":{"x":1}}'),
      400,
      'LAB_ERR_FORBIDDEN_KEY',
    );
    expectCoded(await call('POST', '/api/class/round/vote', '{"page":'), 400, 'LAB_ERR_BAD_JSON');
    expect(await round()).toMatchObject({ votes: { none: 2, some: 1, all: 0 }, answered: 3 });
  });

  it('a vote from a foreign page (Origin) is refused with 403 and not counted', async () => {
    const forged = await call(
      'POST',
      '/api/class/round/vote',
      { page: 'p9', choice: 'all' },
      { origin: 'http://evil.example' },
    );
    expectCoded(forged, 403, 'LAB_ERR_FOREIGN_ORIGIN');
    expect((await round()).answered).toBe(3);
  });

  it('a student cannot close the votes, reveal or end the round: 401 each, the round asks on', async () => {
    const verdict = { verdict: 'holds', rightChoice: 'none', sentence: 'forged' };
    expectCoded(await call('POST', '/api/class/round/run'), 401, 'LAB_ERR_UNAUTHORIZED');
    expectCoded(await call('POST', '/api/class/round/reveal', verdict), 401, 'LAB_ERR_UNAUTHORIZED');
    expectCoded(await call('DELETE', '/api/class/round'), 401, 'LAB_ERR_UNAUTHORIZED');
    expect(await round()).toMatchObject({ phase: 'asking', verdict: null, answered: 3 });
  });

  it('the run closes the votes: a new vote or a changed one is refused with LAB_ERR_ROUND_CLOSED', async () => {
    const running = await call('POST', '/api/class/round/run', undefined, TEACHER);
    expect(running.status).toBe(200);
    expect(running.body.phase).toBe('running');
    expectCoded(await vote('p1', 'none'), 409, 'LAB_ERR_ROUND_CLOSED');
    expectCoded(await vote('p5', 'all'), 409, 'LAB_ERR_ROUND_CLOSED');
    expectCoded(await call('POST', '/api/class/round/run', undefined, TEACHER), 409, 'LAB_ERR_ROUND_CLOSED');
    expect(await round('p1')).toMatchObject({ votes: { none: 2, some: 1, all: 0 }, yourVote: 'some' });
  });

  it("a reveal names one of the round's choices, else a coded 400", async () => {
    const bad: unknown[] = [
      { verdict: 'holds', rightChoice: 'maybe', sentence: 'x' },
      { verdict: 'probably', rightChoice: 'none', sentence: 'x' },
      { verdict: 'holds', rightChoice: null, sentence: 'x' },
      { verdict: 'holds', rightChoice: 'none' },
      { verdict: 'holds', rightChoice: 'none', sentence: '' },
      { verdict: 'holds', rightChoice: 'none', sentence: 'x', extra: true },
    ];
    for (const body of bad) {
      expectCoded(await call('POST', '/api/class/round/reveal', body, TEACHER), 400, 'LAB_ERR_BAD_ROUND');
    }
    expect((await round()).phase).toBe('running');
  });

  it('the reveal carries the verdict beside the votes, for every page to read', async () => {
    const verdict = {
      verdict: 'holds',
      rightChoice: 'none',
      sentence: '667 B in 1 request (the upgrade), 0 after.',
    };
    const revealed = await call('POST', '/api/class/round/reveal', verdict, TEACHER);
    expect(revealed.status).toBe(200);
    const view = await round('p3');
    expect(view).toMatchObject({
      phase: 'revealed',
      verdict,
      votes: { none: 2, some: 1, all: 0 },
      answered: 3,
      yourVote: 'none',
    });
    expectCoded(await call('POST', '/api/class/round/reveal', verdict, TEACHER), 409, 'LAB_ERR_ROUND_CLOSED');
  });

  it('a new round starts from no votes; ending it leaves no round', async () => {
    const again = await call('POST', '/api/class/round', { ...LESSON, lesson: 'sse-no-binary' }, TEACHER);
    expect(again.body).toMatchObject({ round: 2, lesson: 'sse-no-binary', phase: 'asking', answered: 0 });
    expect((await round('p1')).yourVote).toBeNull();
    const ended = await call('DELETE', '/api/class/round', undefined, TEACHER);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ round: 2, lesson: null, phase: null, answered: 0 });
  });

  it('a malformed round is a coded 400 naming the field, and starts nothing', async () => {
    const bad: unknown[] = [
      { ...LESSON, lesson: 'Not An Id' },
      { ...LESSON, choices: [LESSON.choices[0]] },
      { ...LESSON, choices: [...LESSON.choices, ...LESSON.choices].slice(0, 5) },
      { ...LESSON, choices: [LESSON.choices[0], LESSON.choices[0]] },
      { ...LESSON, choices: [{ id: 'A B', text: 'x' }, LESSON.choices[1]] },
      { ...LESSON, question: '' },
      { ...LESSON, question: 'q'.repeat(301) },
      { ...LESSON, extra: 1 },
      { lesson: LESSON.lesson, claim: LESSON.claim, choices: LESSON.choices },
    ];
    for (const body of bad) {
      const answer = await call('POST', '/api/class/round', body, TEACHER);
      expectCoded(answer, 400, 'LAB_ERR_BAD_ROUND');
    }
    expect((await round()).phase).toBeNull();
  });
});

describe('every lesson', () => {
  it('can be asked as it stands: its id, claim, question and choices fit a round', async () => {
    for (const lesson of LESSONS) {
      const start = {
        lesson: lesson.id,
        claim: lesson.claim,
        question: lesson.prediction.question,
        choices: lesson.prediction.choices,
      };
      const answer = await call('POST', '/api/class/round', start, TEACHER);
      expect(answer.status, `${lesson.id}: ${JSON.stringify(answer.body)}`).toBe(200);
      expect(answer.body.choices.map((c) => c.id)).toEqual(lesson.prediction.choices.map((c) => c.id));
    }
    await call('DELETE', '/api/class/round', undefined, TEACHER);
  });
});

describe('bounded like the class view', () => {
  it(`one address votes from at most ${CLASS_PAGES_PER_ADDRESS} pages; the next is refused, theirs stay changeable`, async () => {
    // Loopback is exempt in real use (the teacher's machine); this lab exempts nobody so the limit shows.
    const limited = await startLab({ perAddressExempt: () => false });
    try {
      expect((await call('POST', '/api/class/round', LESSON, {}, limited.url)).status).toBe(200);
      for (let i = 0; i < CLASS_PAGES_PER_ADDRESS; i++) {
        expect((await vote(`tab-${i}`, 'none', limited.url)).status).toBe(200);
      }
      expectCoded(await vote('one-too-many', 'all', limited.url), 409, 'LAB_ERR_ROUND_FULL');
      const changed = await vote('tab-0', 'all', limited.url);
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({
        answered: CLASS_PAGES_PER_ADDRESS,
        votes: { none: CLASS_PAGES_PER_ADDRESS - 1, all: 1 },
      });
    } finally {
      await limited.close();
    }
  });

  it('holds at most its number of votes in all, and a page id from another address is another page', () => {
    const state = new ClassRoundState(
      () => 1,
      () => true,
      3,
    );
    state.start(LESSON);
    state.vote({ page: 'p', choice: 'none' }, '192.168.1.20');
    state.vote({ page: 'p', choice: 'all' }, '192.168.1.21');
    state.vote({ page: 'q', choice: 'all' }, '192.168.1.22');
    expect(() => state.vote({ page: 'r', choice: 'all' }, '192.168.1.23')).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_ROUND_FULL' }),
    );
    expect(state.view('p', '192.168.1.20')).toMatchObject({
      answered: 3,
      yourVote: 'none',
      votes: { none: 1, all: 2 },
    });
    expect(state.view('p', '192.168.1.21').yourVote).toBe('all');
  });
});
