/** The SVG charts' axes end on a round tick above the data; the bytes chart keeps its rows while nothing changed. */
import { describe, expect, it } from 'vitest';
import { emptyTransportMetrics } from '../../protocol/metrics.ts';
import { bytesRows } from './chart-data.ts';
import { linearAxis } from './components/chart-scale.ts';
import { TRANSPORTS } from './palette.ts';

describe('linear axis', () => {
  it('steps by 1, 2, 2.5 or 5 times a power of ten, from 0 to at least the largest value', () => {
    expect(linearAxis(548)).toEqual({ max: 600, ticks: [0, 200, 400, 600] });
    expect(linearAxis(1502)).toEqual({ max: 2000, ticks: [0, 500, 1000, 1500, 2000] });
    expect(linearAxis(9.9).ticks).toEqual([0, 2.5, 5, 7.5, 10]);
    expect(linearAxis(0.7).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(linearAxis(100).max).toBe(100);
  });

  it('shows 0 … 1 without data, and whole numbers only when asked', () => {
    expect(linearAxis(0).ticks).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linearAxis(Number.NaN).max).toBe(1);
    expect(linearAxis(0, true).ticks).toEqual([0, 1, 2, 3, 4]);
    expect(linearAxis(3, true).ticks).toEqual([0, 1, 2, 3]);
    expect(linearAxis(9.9, true).ticks.every(Number.isInteger)).toBe(true);
  });
});

describe('bytes per event rows', () => {
  it('are the same array while no figure changed, so the chart is not redrawn', () => {
    const meters = Object.fromEntries(TRANSPORTS.map((t) => [t, emptyTransportMetrics()])) as Parameters<
      typeof bytesRows
    >[0];
    meters.sse = {
      ...meters.sse,
      messages: 2,
      bytes: { ...meters.sse.bytes, down: { header: 200, framing: 44, payload: 330, tls: 0 } },
    };
    const first = bytesRows(meters, []);
    expect(first.find((r) => r.transport === 'sse')).toEqual({
      transport: 'sse',
      header: 100,
      framing: 22,
      payload: 165,
      tls: 0,
    });
    expect(bytesRows(meters, first)).toBe(first);
    meters.sse = { ...meters.sse, messages: 4 };
    expect(bytesRows(meters, first)).not.toBe(first);
  });
});
