/**
 * The timeline's record hands out one view per second of wire activity and
 * keeps a second's view (the same object) while nothing in it changes, so the
 * timeline redraws only what changed; what leaves the window is dropped.
 */
import { describe, expect, it } from 'vitest';
import { CHUNK_MS, TIMELINE_WINDOW_MS, TimelineRecord } from './timeline-record.ts';

const T0 = 1_000_000;

describe('timeline record', () => {
  it('keeps the view of a second nothing happened in since, and replaces the one that changed', () => {
    const record = new TimelineRecord();
    record.event(T0 + 100);
    record.event(T0 + 1_100);
    const before = record.lane(T0 + 1_500);
    record.event(T0 + 1_200);
    const after = record.lane(T0 + 1_700);
    expect(after.chunks.map((c) => c.start)).toEqual([T0, T0 + 1_000]);
    expect(after.chunks[0]).toBe(before.chunks[0]);
    expect(after.chunks[1]).not.toBe(before.chunks[1]);
    expect(after.chunks[1]?.events).toEqual([T0 + 1_100, T0 + 1_200]);
    expect(after.events).toBe(3);
  });

  it('shows a request as pending until its answer, then in the second it started in', () => {
    const record = new TimelineRecord();
    record.requestStart(1, T0 + 200, '/api/feed/long-poll');
    const waiting = record.lane(T0 + 900);
    expect(waiting.pending).toEqual([{ start: T0 + 200, end: null, path: '/api/feed/long-poll' }]);
    expect(waiting.feedRequests).toBe(1);
    expect(record.requestEnd(1, T0 + 2_500, 200)?.start).toBe(T0 + 200);
    const answered = record.lane(T0 + 2_600);
    expect(answered.pending).toEqual([]);
    expect(answered.chunks[0]?.requests).toEqual([
      { start: T0 + 200, end: T0 + 2_500, path: '/api/feed/long-poll', status: 200 },
    ]);
    expect(answered.feedRequests).toBe(1);
    expect(record.requestEnd(1, T0 + 2_700, 200)).toBeUndefined();
  });

  it('counts upstream posts apart from feed requests, and streams as requests', () => {
    const record = new TimelineRecord();
    record.requestStart(1, T0, '/api/feed/publish');
    record.requestEnd(1, T0 + 30, 200);
    record.streamStart(T0 + 10);
    record.streamOpen(T0 + 20);
    record.upstreamMessage(T0 + 40);
    const lane = record.lane(T0 + 100);
    expect(lane.feedRequests).toBe(1);
    expect(lane.streams).toEqual([{ start: T0 + 10, open: T0 + 20, end: null }]);
    expect(lane.chunks[0]?.upstream).toEqual([T0 + 40]);
  });

  it('drops seconds that left the window, but keeps one whose request is still waiting or was answered inside it', () => {
    const record = new TimelineRecord();
    record.event(T0 + 100);
    record.requestStart(7, T0 + 500, '/api/feed/long-poll');
    record.event(T0 + 20_100);
    const now = T0 + 20_500;
    expect(record.lane(now).chunks.map((c) => c.start)).toEqual([T0 + 20_000]);
    expect(record.lane(now).pending).toHaveLength(1);
    record.requestEnd(7, now - 1_000, 200);
    const lane = record.lane(now);
    expect(lane.chunks.map((c) => c.start)).toEqual([T0, T0 + 20_000]);
    expect(lane.chunks[0]?.requests[0]?.end).toBe(now - 1_000);
    // Its events stay outside the count: only what happened inside the window counts.
    expect(lane.events).toBe(1);
    expect(record.lane(now + TIMELINE_WINDOW_MS + CHUNK_MS).chunks).toEqual([]);
  });

  it('ends what a stopped client left open', () => {
    const record = new TimelineRecord();
    record.streamStart(T0);
    record.streamOpen(T0 + 5);
    record.requestStart(3, T0 + 10, '/api/feed/short-poll');
    record.endAll(T0 + 50);
    const lane = record.lane(T0 + 60);
    expect(lane.streams).toEqual([{ start: T0, open: T0 + 5, end: T0 + 50 }]);
    expect(lane.pending).toEqual([]);
    expect(lane.chunks[0]?.requests[0]?.end).toBe(T0 + 50);
  });
});
