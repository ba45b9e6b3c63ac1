/**
 * The class view over real sockets: pages report their figures, the teacher
 * reads the spread across the class. Bad reports get a 400 with a code and
 * change nothing; a page that stops reporting is forgotten after 10 s; the
 * roster never holds more than 500 pages, nor more than 8 from one address.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CLASS_MAX_PAGES,
  CLASS_PAGES_PER_ADDRESS,
  CLASS_STALE_MS,
  ClassRoster,
  spread,
} from '../server/api/class-routes.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;

beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab.close();
});
afterEach(() => {
  vi.useRealTimers();
});

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  messages: number;
  gaps: number;
}

const figures = (p50: number, p99: number, messages = 100, gaps = 0): Figures => ({
  p50,
  p95: (p50 + p99) / 2,
  p99,
  messages,
  gaps,
});

function report(body: unknown): Promise<Response> {
  return fetch(`${lab.url}/api/class/report`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function classView(): Promise<{
  browsers: number;
  transports: Record<string, { browsers: number } & Record<string, { min: number; median: number; max: number }>>;
}> {
  const response = await fetch(`${lab.url}/api/class`);
  expect(response.status).toBe(200);
  return (await response.json()) as Awaited<ReturnType<typeof classView>>;
}

describe('reports and the class-wide spread', () => {
  it('counts each page once, keeps only its last report, and spreads each figure', async () => {
    const start = await classView();
    expect(start.browsers).toBe(0);

    // Page c first reports a figure it later replaces: only the last report counts.
    expect((await report({ page: 'c', transports: { sse: figures(900, 950) } })).status).toBe(204);
    expect(
      (await report({ page: 'a', transports: { sse: figures(2, 10, 50, 0), websocket: figures(1, 4) } })).status,
    ).toBe(204);
    expect((await report({ page: 'b', transports: { sse: figures(4, 30, 70, 1) } })).status).toBe(204);
    expect((await report({ page: 'c', transports: { sse: figures(9, 80, 90, 3) } })).status).toBe(204);
    expect((await report({ page: 'd', transports: {} })).status).toBe(204);

    const view = await classView();
    expect(view.browsers).toBe(4);
    expect(Object.keys(view.transports).sort()).toEqual(['sse', 'websocket']);
    const sse = view.transports.sse;
    expect(sse?.browsers).toBe(3);
    expect(sse?.p50).toEqual({ min: 2, median: 4, max: 9 });
    expect(sse?.p99).toEqual({ min: 10, median: 30, max: 80 });
    expect(sse?.messages).toEqual({ min: 50, median: 70, max: 90 });
    expect(sse?.gaps).toEqual({ min: 0, median: 1, max: 3 });
    expect(view.transports.websocket?.browsers).toBe(1);
    expect(view.transports.websocket?.p50).toEqual({ min: 1, median: 1, max: 1 });
  });

  it('forgets a page that has been silent for 10 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] }); // only Date: the sockets keep real time
    vi.setSystemTime(Date.now() + 60_000); // every page of the test before is stale now
    await report({ page: 'quiet', transports: { websocket: figures(5, 9) } });
    vi.setSystemTime(Date.now() + CLASS_STALE_MS - 1000);
    await report({ page: 'chatty', transports: { websocket: figures(7, 11) } });
    expect((await classView()).browsers).toBe(2);
    vi.setSystemTime(Date.now() + 2000); // quiet: 11 s silent; chatty: 2 s
    const view = await classView();
    expect(view.browsers).toBe(1);
    expect(view.transports.websocket?.p50).toEqual({ min: 7, median: 7, max: 7 });
    vi.setSystemTime(Date.now() + CLASS_STALE_MS + 1);
    expect(await classView()).toEqual({ browsers: 0, transports: {} });
  });
});

describe('bad reports get a coded 400 and change nothing', () => {
  const good = { p50: 1, p95: 2, p99: 3, messages: 4, gaps: 0 };
  const cases: Array<[string, unknown, string]> = [
    ['an array', [], 'LAB_ERR_BAD_BODY'],
    ['a string', '"hello"', 'LAB_ERR_BAD_BODY'],
    ['no page', { transports: {} }, 'LAB_ERR_BAD_BODY'],
    ['no transports', { page: 'p' }, 'LAB_ERR_BAD_BODY'],
    ['a page id with a space', { page: 'a b', transports: {} }, 'LAB_ERR_BAD_BODY'],
    ['a page id of 65 characters', { page: 'x'.repeat(65), transports: {} }, 'LAB_ERR_BAD_BODY'],
    ['an unknown field', { page: 'p', transports: {}, extra: 1 }, 'LAB_ERR_BAD_BODY'],
    ['an unknown transport', { page: 'p', transports: { 'socket.io': good } }, 'LAB_ERR_BAD_BODY'],
    ['transports as an array', { page: 'p', transports: [good] }, 'LAB_ERR_BAD_BODY'],
    [
      'a missing figure',
      { page: 'p', transports: { sse: { p50: 1, p95: 2, p99: 3, messages: 4 } } },
      'LAB_ERR_BAD_BODY',
    ],
    ['an unknown figure', { page: 'p', transports: { sse: { ...good, mean: 2 } } }, 'LAB_ERR_BAD_BODY'],
    ['a latency as a string', { page: 'p', transports: { sse: { ...good, p50: '1' } } }, 'LAB_ERR_BAD_BODY'],
    ['a negative latency', { page: 'p', transports: { sse: { ...good, p50: -1 } } }, 'LAB_ERR_BAD_BODY'],
    ['a latency of over an hour', { page: 'p', transports: { sse: { ...good, p99: 4e6 } } }, 'LAB_ERR_BAD_BODY'],
    ['p50 above p99', { page: 'p', transports: { sse: { ...good, p50: 9 } } }, 'LAB_ERR_BAD_BODY'],
    ['a fractional count', { page: 'p', transports: { sse: { ...good, messages: 1.5 } } }, 'LAB_ERR_BAD_BODY'],
    ['a negative gap count', { page: 'p', transports: { sse: { ...good, gaps: -1 } } }, 'LAB_ERR_BAD_BODY'],
    ['__proto__ at the top', '{"page":"p","transports":{},"__proto__":{"x":1}}', 'LAB_ERR_FORBIDDEN_KEY'],
    ['constructor inside', { page: 'p', transports: { sse: { ...good, constructor: 1 } } }, 'LAB_ERR_FORBIDDEN_KEY'],
    ['prototype as a transport', { page: 'p', transports: { prototype: good } }, 'LAB_ERR_FORBIDDEN_KEY'],
    ['not JSON', '{"page":', 'LAB_ERR_BAD_JSON'],
  ];
  for (const [what, body, code] of cases) {
    it(`${what} → 400 ${code}`, async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 10 * 60_000); // a clean roster: every earlier page is stale
      const response = await report(body);
      const answer = (await response.json()) as { code: string; message: string; hint: string };
      expect(response.status).toBe(400);
      expect(answer.code).toBe(code);
      expect(answer.message.length).toBeGreaterThan(0);
      expect(answer.hint.length).toBeGreaterThan(0);
      expect((await classView()).browsers).toBe(0);
    });
  }

  it('a body that is not JSON gets 415', async () => {
    const response = await fetch(`${lab.url}/api/class/report`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'p50=3',
    });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { code: string }).code).toBe('LAB_ERR_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('one address', () => {
  it(`keeps at most ${CLASS_PAGES_PER_ADDRESS} pages in the class view, its newest`, async () => {
    // Loopback is exempt in real use (the teacher's own pages); this lab exempts nobody so the limit shows.
    const limited = await startLab({ perAddressExempt: () => false });
    try {
      for (let i = 0; i < CLASS_PAGES_PER_ADDRESS + 4; i++) {
        const response = await fetch(`${limited.url}/api/class/report`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ page: `tab-${i}`, transports: { websocket: figures(i, i + 1) } }),
        });
        expect(response.status).toBe(204);
      }
      const view = (await (await fetch(`${limited.url}/api/class`)).json()) as {
        browsers: number;
        transports: { websocket: { p50: { min: number; max: number } } };
      };
      expect(view.browsers).toBe(CLASS_PAGES_PER_ADDRESS);
      expect(view.transports.websocket.p50).toMatchObject({ min: 4, max: CLASS_PAGES_PER_ADDRESS + 3 });
    } finally {
      await limited.close();
    }
  });

  it('on loopback (the teacher, the load generator) is not limited', async () => {
    for (let i = 0; i < CLASS_PAGES_PER_ADDRESS + 4; i++) {
      await report({ page: `loopback-tab-${i}`, transports: { websocket: figures(1, 2) } });
    }
    expect((await classView()).browsers).toBeGreaterThanOrEqual(CLASS_PAGES_PER_ADDRESS + 4);
  });
});

describe('the roster itself', () => {
  it('keeps at most 500 pages, pushing out the one whose report is oldest', () => {
    let now = 0;
    const roster = new ClassRoster(() => now);
    for (let i = 0; i < CLASS_MAX_PAGES + 20; i++) {
      now += 1;
      roster.report({ page: `p${i}`, transports: { sse: figures(i, i + 1) } }, `address-${i}`);
    }
    const view = roster.view();
    expect(view.browsers).toBe(CLASS_MAX_PAGES);
    expect(view.transports.sse?.p50.min).toBe(20); // p0 … p19 were pushed out
    // A page that reports again is the newest: it survives the next push.
    now += 1;
    roster.report({ page: 'p20', transports: { sse: figures(20, 21) } }, 'address-20');
    now += 1;
    roster.report({ page: 'new', transports: { sse: figures(1000, 1001) } }, 'address-new');
    expect(roster.view().transports.sse?.p50.min).toBe(20);
  });

  it('a page id reported from another address is another page: nobody replaces a classmate’s figures', () => {
    const roster = new ClassRoster();
    roster.report({ page: 'p', transports: { sse: figures(5, 6) } }, '192.168.1.20');
    roster.report({ page: 'p', transports: { sse: figures(900, 901) } }, '192.168.1.21');
    expect(roster.view().transports.sse).toMatchObject({ browsers: 2, p50: { min: 5, max: 900 } });
  });

  it('spreads an even count with the nearest-rank median, the lower middle (a value a browser reported)', () => {
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2, max: 4 });
    expect(spread([7])).toEqual({ min: 7, median: 7, max: 7 });
  });
});
