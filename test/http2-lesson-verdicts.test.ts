/**
 * The HTTP/2 lessons' verdicts from constructed measurements on both sides of
 * their thresholds, as test/lesson-verdicts.test.ts does for the others: the
 * numbers decide, either way, and a run that was not measured gives no verdict.
 */
import { describe, expect, it } from 'vitest';
import { http2LiftsSixConnectionLimit } from '../lessons/http2-lifts-six-connection-limit.ts';
import type { ConnectionLimitMeasurement } from '../lessons/lesson.ts';
import { longPollOneConnectionOverHttp2 } from '../lessons/long-poll-one-connection-over-http2.ts';
import { pollingHeadersShrinkOverHttp2 } from '../lessons/polling-headers-shrink-over-http2.ts';
import { judgeSafely } from '../lessons/run-lesson.ts';
import { feedRun, meter, transport } from './support/lesson-measurements.ts';

describe('http2-lifts-six-connection-limit', () => {
  const run = (before: number): ConnectionLimitMeasurement => ({
    kind: 'browser-connection-limit',
    label: 'constructed',
    requested: 7,
    openedBeforeClose: before,
    openedAfterClose: 7,
    waitedAfterCloseMs: before < 7 ? 5 : null,
    browser: 'Chromium/150',
  });

  it('holds when HTTP/1.1 opened six and HTTP/2 all seven', () => {
    const judgement = http2LiftsSixConnectionLimit.judge([run(6), run(7)]);
    expect(judgement.verdict).toBe('holds');
    expect(judgement.rightChoice).toBe('all');
    expect(judgement.measured).toMatchObject({ openedAtOnceHttp1: 6, openedAtOnceHttp2: 7 });
  });

  it('does not hold when HTTP/2 also stopped at six', () => {
    const judgement = http2LiftsSixConnectionLimit.judge([run(6), run(6)]);
    expect(judgement.verdict).toBe('does-not-hold');
    expect(judgement.rightChoice).toBe('six');
  });

  it('does not hold when nothing was limited over HTTP/1.1 either (no limit to lift)', () => {
    expect(http2LiftsSixConnectionLimit.judge([run(7), run(7)]).verdict).toBe('does-not-hold');
  });

  it('gives no verdict without the second browser run', () => {
    expect(judgeSafely(http2LiftsSixConnectionLimit, [run(6)]).unavailable?.reason).toContain('browser run 2');
  });
});

describe('polling-headers-shrink-over-http2', () => {
  /** One run: header bytes per event of both polls (10 events each, all heads in the down direction). */
  const run = (shortPerEvent: number, longPerEvent: number) =>
    feedRun({
      'short-poll': transport({ window: meter({ messages: 10, downHeader: shortPerEvent * 10 }) }),
      'long-poll': transport({ window: meter({ messages: 10, downHeader: longPerEvent * 10 }) }),
    });

  it('holds when both polls pay ~90 % less header per event', () => {
    const judgement = pollingHeadersShrinkOverHttp2.judge([run(780, 790), run(86, 96)]);
    expect(judgement.verdict).toBe('holds');
    expect(judgement.rightChoice).toBe('ninety');
    expect(judgement.measured.shortPollCutPercent).toBe(89);
    expect(judgement.measured.longPollCutPercent).toBe(87.8);
  });

  it('holds only if, with the condition, when one poll is cut by 80 % or more and the other is not', () => {
    const judgement = pollingHeadersShrinkOverHttp2.judge([run(780, 790), run(86, 400)]);
    expect(judgement.verdict).toBe('holds-if');
    expect(judgement.condition).toContain('short-poll −89 %');
    expect(judgement.rightChoice).toBe('half');
  });

  it('does not hold when the heads are the same size over both versions', () => {
    const judgement = pollingHeadersShrinkOverHttp2.judge([run(780, 790), run(770, 790)]);
    expect(judgement.verdict).toBe('does-not-hold');
    expect(judgement.rightChoice).toBe('same');
  });

  it('gives no verdict when a poll delivered nothing', () => {
    const empty = feedRun({
      'short-poll': transport({ window: meter({ messages: 0 }) }),
      'long-poll': transport({ window: meter({ messages: 0 }) }),
    });
    expect(judgeSafely(pollingHeadersShrinkOverHttp2, [run(780, 790), empty]).unavailable?.reason).toContain(
      'delivered no event',
    );
  });
});

describe('long-poll-one-connection-over-http2', () => {
  const run = (connections: number, protocol: 'h2' | 'http/1.1', upstreamSent = 8) => {
    const whole = meter({ connections, requests: 24 });
    whole.protocols = { 'http/1.1': protocol === 'h2' ? 0 : connections, h2: protocol === 'h2' ? connections : 0 };
    return feedRun({ 'long-poll': transport({ whole, upstreamSent }) });
  };

  it('holds when every poll and POST over HTTP/2 shared one connection', () => {
    const judgement = longPollOneConnectionOverHttp2.judge([run(3, 'http/1.1'), run(1, 'h2')]);
    expect(judgement.verdict).toBe('holds');
    expect(judgement.rightChoice).toBe('one');
    expect(judgement.measured).toMatchObject({ http2Connections: 1, http1Connections: 3 });
  });

  it('does not hold when the POSTs needed a connection of their own over HTTP/2 too', () => {
    const judgement = longPollOneConnectionOverHttp2.judge([run(3, 'http/1.1'), run(2, 'h2')]);
    expect(judgement.verdict).toBe('does-not-hold');
    expect(judgement.rightChoice).toBe('two');
  });

  it('does not hold when the "HTTP/2" run spoke HTTP/1.1', () => {
    expect(longPollOneConnectionOverHttp2.judge([run(3, 'http/1.1'), run(1, 'http/1.1')]).verdict).toBe(
      'does-not-hold',
    );
  });

  it('gives no verdict when no upstream message went beside the polls', () => {
    expect(
      judgeSafely(longPollOneConnectionOverHttp2, [run(3, 'http/1.1'), run(1, 'h2', 0)]).unavailable?.reason,
    ).toContain('no upstream message');
  });
});
