/** A load run read from earlier says when it ran (clock time and how long ago) and with which settings. */
import { describe, expect, it } from 'vitest';
import type { LoadRunView } from '../../../protocol/load-run-view.ts';
import { clockTime, loadRunCaption, settingsWords, timeAgo } from './load-run-caption-words.ts';

const NOW = new Date(2026, 11, 1, 14, 30, 0).getTime();
const run = (change: Partial<LoadRunView>): LoadRunView => ({
  state: 'finished',
  settings: {
    clientsPerTransport: 3,
    durationS: 30,
    transports: ['long-poll', 'sse', 'websocket'],
    ratePerSecond: null,
    rampS: 0,
  },
  runId: 'k3x9qa',
  pid: null,
  startedAt: NOW - 12 * 60_000,
  endedAt: NOW - 11 * 60_000,
  elapsedS: 30,
  phase: 'steady',
  clients: {},
  connected: {},
  messagesPerSecond: {},
  errors: {},
  samples: [],
  result: null,
  error: null,
  ...change,
});

describe('the load run caption', () => {
  it('an earlier run: its clock time, how long ago, and every setting', () => {
    expect(loadRunCaption(run({}), NOW)).toBe(
      `Ran at ${clockTime(NOW - 12 * 60_000, NOW)} (12 min ago): 3 clients per transport for 30 s, all started at once, at the feed's own rate; Long polling, Server-Sent Events, WebSocket.`,
    );
  });

  it('a run under way says since when; a set rate and a ramp are named', () => {
    const going = run({
      state: 'running',
      startedAt: NOW - 20_000,
      settings: { clientsPerTransport: 1, durationS: 60, transports: ['sse'], ratePerSecond: 50, rampS: 5 },
    });
    expect(loadRunCaption(going, NOW)).toBe(
      `Running since ${clockTime(NOW - 20_000, NOW)} (20 s ago): 1 client per transport for 60 s, started over 5 s, at 50 events/s; Server-Sent Events.`,
    );
  });

  it('no run yet: no caption', () => {
    expect(loadRunCaption(run({ state: 'idle', settings: null, startedAt: null }), NOW)).toBeNull();
  });

  it('ago in words, and the date when it was not today', () => {
    expect(timeAgo(NOW - 3000, NOW)).toBe('just now');
    expect(timeAgo(NOW - 45_000, NOW)).toBe('45 s ago');
    expect(timeAgo(NOW - 3 * 3_600_000, NOW)).toBe('3 h ago');
    expect(timeAgo(NOW - 3 * 86_400_000, NOW)).toBe('3 days ago');
    const yesterday = NOW - 86_400_000;
    expect(clockTime(yesterday, NOW)).toContain(new Date(yesterday).toLocaleDateString());
    expect(clockTime(NOW - 60_000, NOW)).not.toContain(new Date(NOW).toLocaleDateString());
    expect(
      settingsWords({ clientsPerTransport: 2500, durationS: 600, transports: [], ratePerSecond: 0.5, rampS: 0 }),
    ).toContain('2\u202f500 clients');
  });
});
