/**
 * Students who changed their own poll interval are not mixed into the
 * teacher's spread: pages report their client settings with their figures
 * (over real HTTP), the lab groups each transport's pages by setting, and the
 * teacher's rows keep the differing browsers apart, marked, and say so in words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassView, TransportFigures } from '../protocol/class-report.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import { differingSettingsNote, spreadLanes } from '../web/src/class-setting-lanes.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;

beforeAll(async () => {
  lab = await startLab();
});
afterAll(async () => {
  await lab.close();
});

const figures = (p50: number, settingMs?: number): TransportFigures => ({
  p50,
  p95: p50 * 2,
  p99: p50 * 3,
  messages: 40,
  gaps: 0,
  ...(settingMs === undefined ? {} : { settingMs }),
});

async function report(page: string, transports: Record<string, TransportFigures>): Promise<number> {
  const response = await fetch(`${lab.url}/api/class/report`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ page, transports }),
  });
  return response.status;
}

/** The teacher's own settings: short poll every 1000 ms, long poll held 25 s. */
const teacher = (t: TransportName): number | null => (t === 'short-poll' ? 1000 : t === 'long-poll' ? 25_000 : null);

describe('the spread by setting', () => {
  it('keeps two students polling every 250 ms apart from three at the teacher’s 1000 ms, and says so', async () => {
    for (const [page, p50] of [
      ['a', 500],
      ['b', 520],
      ['c', 540],
    ] as const) {
      expect(await report(page, { 'short-poll': figures(p50, 1000), sse: figures(3) })).toBe(204);
    }
    expect(await report('d', { 'short-poll': figures(130, 250), sse: figures(4) })).toBe(204);
    expect(await report('e', { 'short-poll': figures(140, 250), sse: figures(5) })).toBe(204);

    const view = (await (await fetch(`${lab.url}/api/class`)).json()) as ClassView;
    expect(view.transports['short-poll']?.groups).toEqual([
      {
        settingMs: 1000,
        browsers: 3,
        p50: { min: 500, median: 520, max: 540 },
        p99: { min: 1500, median: 1560, max: 1620 },
      },
      {
        settingMs: 250,
        browsers: 2,
        p50: { min: 130, median: 130, max: 140 },
        p99: { min: 390, median: 390, max: 420 },
      },
    ]);
    // SSE has no client setting: one group, one row.
    expect(view.transports.sse?.groups).toHaveLength(1);

    const lanes = spreadLanes(view, teacher);
    expect(lanes.map((l) => [l.transport, l.settingMs, l.differs, l.browsers])).toEqual([
      ['short-poll', 1000, false, 3],
      ['short-poll', 250, true, 2],
      ['sse', null, false, 5],
    ]);
    expect(lanes[1]?.settingText).toBe('interval 250 ms');
    expect(lanes[1]?.p50).toEqual({ min: 130, median: 130, max: 140 });
    expect(differingSettingsNote(lanes, teacher)).toEqual([
      '2 of 5 browsers run Short polling with their own interval (250 ms) instead of your 1000 ms: their rows are marked ≠ and kept apart from yours.',
    ]);
  });

  it('draws one row per transport, with no note, when everyone runs the teacher’s settings', () => {
    const view: ClassView = {
      browsers: 2,
      transports: {
        'long-poll': {
          browsers: 2,
          p50: { min: 2, median: 2, max: 3 },
          p95: { min: 4, median: 4, max: 6 },
          p99: { min: 6, median: 6, max: 9 },
          messages: { min: 40, median: 40, max: 40 },
          gaps: { min: 0, median: 0, max: 0 },
          groups: [
            { settingMs: 25_000, browsers: 2, p50: { min: 2, median: 2, max: 3 }, p99: { min: 6, median: 6, max: 9 } },
          ],
        },
      },
    };
    const lanes = spreadLanes(view, teacher);
    expect(lanes).toEqual([
      expect.objectContaining({ transport: 'long-poll', settingMs: null, differs: false, browsers: 2 }),
    ]);
    expect(differingSettingsNote(lanes, teacher)).toEqual([]);
    // The teacher changing their own timeout makes the same class differ from it.
    const changed = (t: TransportName) => (t === 'long-poll' ? 5000 : teacher(t));
    expect(spreadLanes(view, changed).map((l) => l.differs)).toEqual([true]);
    expect(differingSettingsNote(spreadLanes(view, changed), changed)[0]).toContain('2 of 2 browsers run Long polling');
  });

  it('one browser apart is said in the singular', () => {
    const spread = { min: 1, median: 1, max: 1 };
    const lane = (settingMs: number, differs: boolean, browsers: number) => ({
      transport: 'short-poll' as const,
      settingMs,
      differs,
      browsers,
      p50: spread,
      p99: spread,
      settingText: null,
    });
    expect(differingSettingsNote([lane(1000, false, 2), lane(250, true, 1)], teacher)).toEqual([
      '1 of 3 browsers runs Short polling with its own interval (250 ms) instead of your 1000 ms: its row is marked ≠ and kept apart from yours.',
    ]);
  });

  it('refuses a setting that is not whole milliseconds with a coded 400', async () => {
    for (const settingMs of [-1, 1.5, 4e6]) {
      const response = await fetch(`${lab.url}/api/class/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ page: 'bad', transports: { 'short-poll': { ...figures(1), settingMs } } }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { code: string; message: string; hint: string };
      expect(body.code).toBe('LAB_ERR_BAD_BODY');
      expect(body.message).toContain('settingMs');
    }
  });
});
