/**
 * The page's side of segments: latencies by event position (early arrivals
 * of a new segment kept, late ones from before left out), the meter from the
 * segment's zero, request rates that never span a segment's start, charts'
 * marks, and the table's CSV.
 */
import { describe, expect, it } from 'vitest';
import { emptyTransportMetrics, type TransportMetrics } from '../../protocol/metrics.ts';
import { chartMarks, MeterHistory } from './chart-data.ts';
import { pageChangeLabel, segmentsCsv, summarize } from './page-segments.ts';
import { TRANSPORTS } from './palette.ts';
import { TransportRecord } from './transport-record.ts';

const metrics = (requests: number, messages: number, payload: number): TransportMetrics => {
  const m = emptyTransportMetrics();
  m.requests = requests;
  m.messages = messages;
  m.bytes.down.payload = payload;
  m.bytes.down.header = requests * 100;
  return m;
};

describe('a transport record in segments', () => {
  it('keeps the new segment’s early events, leaves out late ones from before, and counts the meter from the zero', () => {
    const record = new TransportRecord();
    for (let seq = 1; seq <= 12; seq++) record.event(seq * 10, 5, { epoch: 'e', seq });
    record.meter = metrics(12, 12, 1200);
    // The lab's segment began after seq 10; the page learns of it after seq 12 arrived.
    record.beginSegment({ epoch: 'e', seq: 10 }, metrics(10, 10, 1000));
    record.event(200, 50, { epoch: 'e', seq: 9 }); // in flight from before: not the segment's
    record.event(210, 7, { epoch: 'e', seq: 13 });
    record.meter = metrics(13, 13, 1300);
    const view = record.view('websocket', true, 300, 100, 0);
    expect(view.messages).toBe(3); // 11, 12, 13
    expect(view.latency.count).toBe(3);
    expect(view.latency.max).toBe(7);
    expect(view.meter).toMatchObject({ requests: 3, messages: 3 });
    expect(view.meter.bytes.down.payload).toBe(300);
    expect(view.ready).toEqual({ latency: true, bytes: true, requests: false });
  });

  it('after a restart, only the new epoch’s events are the segment’s', () => {
    const record = new TransportRecord();
    record.beginSegment({ epoch: 'new', seq: 0 }, null);
    record.event(1, 5, { epoch: 'old', seq: 99 });
    record.event(2, 5, { epoch: 'new', seq: 1 });
    expect(record.view('sse', true, 10, 0, 0).messages).toBe(1);
  });

  it('says "measuring" (not ready) below three events, and for rates below five requests or two seconds', () => {
    const record = new TransportRecord();
    record.beginSegment(null, null);
    record.event(1, 5, { epoch: 'e', seq: 1 });
    record.event(2, 5, { epoch: 'e', seq: 2 });
    record.meter = metrics(9, 2, 200);
    expect(record.view('short-poll', true, 1500, 0, 0).ready).toEqual({
      latency: false,
      bytes: false,
      requests: false,
    });
    expect(record.view('short-poll', true, 2500, 0, 0).ready.requests).toBe(true);
  });
});

describe('the charts across a segment’s start', () => {
  const all = (requests: number): Record<(typeof TRANSPORTS)[number], TransportMetrics> =>
    Object.fromEntries(TRANSPORTS.map((t) => [t, metrics(requests, 0, 0)])) as never;

  it('a request rate never spans the start, and bytes so far count from it', () => {
    const history = new MeterHistory();
    for (let s = 0; s <= 10; s++) history.add(s * 1000, all(s * 10)); // 10 requests/s
    history.beginSegment(10_500, all(105));
    history.add(11_000, all(106));
    expect(history.requestRate('short-poll')).toBe(0); // 0.5 s of segment: too little for a rate
    history.add(12_500, all(109)); // from the zero: 105 → 109 requests over 2 s
    expect(history.requestRate('short-poll')).toBeCloseTo(2, 5);
    const rows = history.rows('cumulativeBytes', 13_000);
    expect(rows.at(-1)?.['short-poll']).toBe(400); // 109 − 105 requests × 100 B of headers
  });

  it('marks each segment that reaches into the window; the oldest one at the left edge without a label', () => {
    const marks = chartMarks(
      [
        { at: 0, label: 'start', reason: 'start', caption: 'a' },
        { at: 50_000, label: '3g', reason: 'network', caption: 'b' },
        { at: 90_000, label: 'drop-all', reason: 'fault', caption: 'c' },
      ],
      100_000,
    );
    // The window is 40–100 s: 'a' ran into it until 50 s, so its stretch starts at the left edge, unlabelled.
    expect(marks).toEqual([
      { at: 0, x: -60, label: null, caption: 'a' },
      { at: 50_000, x: -50, label: '3g', caption: 'b' },
      { at: 90_000, x: -10, label: 'drop-all', caption: 'c' },
    ]);
    // A segment that ended before the window is not drawn at all.
    expect(
      chartMarks(
        [
          { at: 0, label: 'start', reason: 'start', caption: 'a' },
          { at: 30_000, label: 'x', reason: 'rate', caption: 'b' },
        ],
        100_000,
      ),
    ).toEqual([{ at: 30_000, x: -60, label: null, caption: 'b' }]);
  });
});

describe('the segment table', () => {
  it('names a change of the page’s own settings, and nothing for no change', () => {
    const enabled = { 'short-poll': true, 'long-poll': true, sse: true, websocket: true, 'socket-io': true };
    const before = {
      intervalMs: 1000,
      timeoutMs: 25_000,
      socketIoLane: 'default' as const,
      enabled,
      httpVersion: 'page' as const,
    };
    expect(pageChangeLabel(before, before)).toBeNull();
    expect(pageChangeLabel(before, { ...before, intervalMs: 500, enabled: { ...enabled, sse: false } })).toBe(
      'interval 500 ms, SSE off',
    );
    expect(pageChangeLabel(before, { ...before, socketIoLane: 'polling' })).toBe('Socket.IO lane polling');
  });

  it('exports one CSV line per segment and transport with the segment’s figures', () => {
    const record = new TransportRecord();
    record.beginSegment(null, null);
    for (let seq = 1; seq <= 4; seq++) record.event(seq, 10 * seq, { epoch: 'e', seq });
    record.meter = metrics(8, 4, 400);
    const view = record.view('short-poll', true, 4000, 0, 0);
    const views = Object.fromEntries(TRANSPORTS.map((t) => [t, { ...view, transport: t }])) as never;
    const conditions = {
      scenario: 'stock-ticker',
      ratePerSecond: 10,
      payloadBytes: 80,
      network: '3g',
      rttMs: 2000,
      jitterMs: 0,
      downKbps: 400,
      upKbps: 400,
      intervalMs: 1000,
      timeoutMs: 25_000,
      transports: [...TRANSPORTS],
    };
    const row = summarize({ index: 2, reason: 'network', label: '3g', startedAt: 0, conditions }, 4000, views);
    expect(row.transports['short-poll']).toMatchObject({ events: 4, latencyP50Ms: 20, requestsPerSecond: 2 });
    const lines = segmentsCsv([row]).trim().split('\n');
    expect(lines).toHaveLength(1 + TRANSPORTS.length);
    expect(lines[1]).toBe('2,3g,stock-ticker,10,80,3g,2000,1000,25000,4,short-poll,true,4,20,40,200,0,100,2,0,0,0');
  });
});
