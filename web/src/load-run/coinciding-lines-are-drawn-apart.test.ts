/**
 * Lines of a load chart that lie on one another are found (within 3 % or
 * 0.5 of the unit, over at least two shared samples) and drawn one inside
 * the other, the first widest; lines that part anywhere are left alone.
 */
import { describe, expect, it } from 'vitest';
import type { LoadSample } from '../../../protocol/load-run-view.ts';
import { coincidingGroups, lineWidths, NESTED_STEP_PX } from './coinciding-lines.ts';

const sample = (elapsedS: number, rates: LoadSample['messagesPerSecond']): LoadSample => ({
  elapsedS,
  connected: {},
  messagesPerSecond: rates,
});
const rates = (s: LoadSample) => s.messagesPerSecond;
const ALL = ['short-poll', 'long-poll', 'sse', 'websocket'] as const;

describe('coinciding lines', () => {
  it('finds the three push transports on one line at the same rate, and leaves short polling apart', () => {
    const samples = [
      sample(1, { 'short-poll': 0, 'long-poll': 18.2, sse: 18, websocket: 18.1 }),
      sample(2, { 'short-poll': 11, 'long-poll': 19, sse: 19, websocket: 19.2 }),
      sample(3, { 'short-poll': 15, 'long-poll': 20, sse: 20, websocket: 20 }),
    ];
    const groups = coincidingGroups(samples, rates, ALL);
    expect(groups).toEqual([['long-poll', 'sse', 'websocket']]);
    expect(lineWidths(groups, ALL, 2)).toEqual({
      'short-poll': 2,
      'long-poll': 2 + 2 * NESTED_STEP_PX,
      sse: 2 + NESTED_STEP_PX,
      websocket: 2,
    });
  });

  it('leaves lines that part in any one sample apart, and needs two shared samples to call them one', () => {
    const parting = [
      sample(1, { sse: 20, websocket: 20 }),
      sample(2, { sse: 20, websocket: 20 }),
      sample(3, { sse: 20, websocket: 25 }),
    ];
    expect(coincidingGroups(parting, rates, ['sse', 'websocket'])).toEqual([]);
    const once = [sample(1, { sse: 20, websocket: 20 }), sample(2, { sse: 20 })];
    expect(coincidingGroups(once, rates, ['sse', 'websocket'])).toEqual([]);
    expect(lineWidths([], ['sse', 'websocket'], 4)).toEqual({ sse: 4, websocket: 4 });
  });

  it('near zero, half a unit is one line; far from it, 3 % is', () => {
    const low = [sample(1, { sse: 0, websocket: 0.4 }), sample(2, { sse: 0.2, websocket: 0.6 })];
    expect(coincidingGroups(low, rates, ['sse', 'websocket'])).toEqual([['sse', 'websocket']]);
    const high = [sample(1, { sse: 1000, websocket: 1029 }), sample(2, { sse: 1000, websocket: 1031 })];
    expect(coincidingGroups(high, rates, ['sse', 'websocket'])).toEqual([]);
  });
});
