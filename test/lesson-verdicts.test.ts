/**
 * Each lesson's verdict from constructed measurements on both sides of its
 * thresholds: the numbers decide, and a figure that was not measured gives no
 * verdict rather than a guessed one.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionLimitMeasurement, Lesson, RunMeasurement } from '../lessons/lesson.ts';
import { longPollFasterThanAjax } from '../lessons/long-poll-faster-than-ajax.ts';
import { longPollHeaderOnce } from '../lessons/long-poll-header-once.ts';
import { oneConnectionPerRequest } from '../lessons/one-connection-per-request.ts';
import { pollingNotRealTime } from '../lessons/polling-not-real-time.ts';
import { judgeSafely } from '../lessons/run-lesson.ts';
import { sameSizedHeaders } from '../lessons/same-sized-headers.ts';
import { sixConnectionsPerOrigin } from '../lessons/six-connections-per-origin.ts';
import { sseNoBinary } from '../lessons/sse-no-binary.ts';
import { sseNotBidirectional } from '../lessons/sse-not-bidirectional.ts';
import { tcpDeliversInOrder } from '../lessons/tcp-delivers-in-order.ts';
import { websocketHeadersOnce } from '../lessons/websocket-headers-once.ts';
import { websocketLowerLatency } from '../lessons/websocket-lower-latency.ts';
import { websocketTwoBytesOverhead } from '../lessons/websocket-two-bytes-overhead.ts';
import { websocketUpgradeSameConnection } from '../lessons/websocket-upgrade-same-connection.ts';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { feedRun, latency, meter, sample, transport } from './support/lesson-measurements.ts';

function verdictOf(lesson: Lesson, measurements: RunMeasurement[]): string | undefined {
  return lesson.judge(measurements).verdict;
}

describe('websocket-headers-once', () => {
  const run = (wsRequests: number, wsWindowHeader: number, sseRequests = 1) =>
    feedRun({
      'short-poll': transport({ whole: meter({ requests: 16, upHeader: 8000 }), window: meter({ upHeader: 7000 }) }),
      'long-poll': transport({ whole: meter({ requests: 80, upHeader: 40000 }), window: meter({ upHeader: 39000 }) }),
      sse: transport({ whole: meter({ requests: sseRequests, upHeader: 500 }), window: meter({ upHeader: 0 }) }),
      websocket: transport({
        whole: meter({ requests: wsRequests, upHeader: 540, downHeader: 129 }),
        window: meter({ upHeader: wsWindowHeader }),
      }),
      // Socket.IO starts on polling: several requests with their heads before it upgrades.
      'socket-io': transport({ whole: meter({ requests: 5, upHeader: 2600 }), window: meter({ upHeader: 0 }) }),
    });

  it('holds when the WebSocket made one request and sent no header byte after it', () => {
    const judgement = websocketHeadersOnce.judge([run(1, 0)]);
    expect(judgement.verdict).toBe('holds');
    expect(judgement.measured.websocketHeaderBytes).toBe(669);
    expect(judgement.rightChoice).toBe('websocket-sse');
  });

  it('does not hold when the WebSocket sent headers again (a second request)', () => {
    expect(verdictOf(websocketHeadersOnce, [run(2, 540)])).toBe('does-not-hold');
  });

  it('says "WebSocket only" when SSE made more than one request', () => {
    expect(websocketHeadersOnce.judge([run(1, 0, 3)]).rightChoice).toBe('websocket');
  });
});

describe('websocket-two-bytes-overhead', () => {
  const sized = (eventBytes: number, framingPerEvent: number, upFraming = 0, upstreamSent = 0) =>
    feedRun({
      websocket: transport({
        window: meter({
          messages: 10,
          downPayload: eventBytes * 10,
          downFraming: framingPerEvent * 10,
          upFraming,
          upPayload: upstreamSent * 45,
        }),
        upstreamSent,
      }),
    });

  it('holds only if the message goes server → client and is ≤ 125 B, with the measured 4, 10 and 6 B named', () => {
    const judgement = websocketTwoBytesOverhead.judge([sized(100, 2), sized(1000, 4, 42, 7), sized(100_000, 10)]);
    expect(judgement.verdict).toBe('holds-if');
    expect(judgement.condition).toContain('10 B at 100000 B');
    expect(judgement.measured.upstreamFramingBytes).toBe(6);
    expect(judgement.rightChoice).toBe('10');
  });

  it('holds when every class measured 2 B (within the 0.25 B tolerance)', () => {
    expect(verdictOf(websocketTwoBytesOverhead, [sized(100, 2.2), sized(1000, 2, 14, 7), sized(100_000, 2)])).toBe(
      'holds',
    );
  });

  it('does not hold when even small server → client events carry more than 2.25 B', () => {
    expect(verdictOf(websocketTwoBytesOverhead, [sized(100, 2.3), sized(1000, 4), sized(100_000, 10)])).toBe(
      'does-not-hold',
    );
  });
});

describe('same-sized-headers', () => {
  const run = (upgrade: number, pollRequest: number, switching: number, pollAnswer: number) =>
    feedRun({
      'short-poll': transport({ inspect: sample(pollRequest, pollAnswer) }),
      websocket: transport({ inspect: sample(upgrade, switching, 'HTTP/1.1 101 Switching Protocols') }),
    });

  it('holds only for the handshake when both pairs of heads are within 25%', () => {
    const judgement = sameSizedHeaders.judge([run(540, 580, 150, 197)]);
    expect(judgement.verdict).toBe('holds-if');
    expect(judgement.rightChoice).toBe('same');
    expect(judgement.measured.switchingProtocolsBytes).toBe(150);
  });

  it('does not hold when the 101 is more than 25% smaller than a poll answer head', () => {
    const judgement = sameSizedHeaders.judge([run(540, 580, 129, 197)]);
    expect(judgement.verdict).toBe('does-not-hold');
  });

  it('names the larger request head', () => {
    expect(sameSizedHeaders.judge([run(800, 580, 129, 197)]).rightChoice).toBe('upgrade');
  });

  it('gives no verdict when the inspector saw no upgrade', () => {
    const missing = feedRun({ 'short-poll': transport({ inspect: sample(580, 197) }), websocket: transport() });
    const outcome = judgeSafely(sameSizedHeaders, [missing]);
    expect(outcome.judgement).toBeNull();
    expect(outcome.unavailable?.reason).toContain('WebSocket upgrade request');
  });
});

describe('polling-not-real-time', () => {
  const runs = (means: number[]) =>
    means.map((mean) =>
      feedRun(
        { 'short-poll': transport({ latencyMs: latency(mean) }), websocket: transport({ latencyMs: latency(25) }) },
        { rttMs: 50 },
      ),
    );

  it('holds when every interval delivers later than 100 ms on average', () => {
    expect(verdictOf(pollingNotRealTime, runs([101, 300, 1050]))).toBe('holds');
  });

  it('holds only if the interval is long: names the shortest one that missed 100 ms and the one that made it', () => {
    const judgement = pollingNotRealTime.judge(runs([100, 300, 1050]));
    expect(judgement.verdict).toBe('holds-if');
    expect(judgement.condition).toContain('here 500 ms or more');
    expect(judgement.condition).toContain('polling every 50 ms delivered in 100 ms');
    expect(judgement.rightChoice).toBe('yes');
    expect(judgement.theory.shortPollMeanMsAt500).toBe(300);
  });

  it('does not hold when every interval delivered within 100 ms', () => {
    expect(verdictOf(pollingNotRealTime, runs([60, 90, 100]))).toBe('does-not-hold');
  });
});

describe('long-poll-faster-than-ajax', () => {
  // The lesson's grid: T 250 and 1000 ms, each with RTT 20 and 200 ms.
  const RTTS = [20, 200, 20, 200];
  const runs = (ratios: number[]) =>
    ratios.map((ratio, i) =>
      feedRun(
        {
          'short-poll': transport({ latencyMs: latency(100 * ratio) }),
          'long-poll': transport({ latencyMs: latency(100) }),
        },
        { rttMs: RTTS[i] ?? 0, ratePerSecond: 4 },
      ),
    );

  it('holds when every point of the grid is within 25% of 2.5×', () => {
    expect(verdictOf(longPollFasterThanAjax, runs([2.5, 1.9, 3.1, 2.6]))).toBe('holds');
  });

  it('holds only near the points that gave about 2.5×', () => {
    const judgement = longPollFasterThanAjax.judge(runs([13, 3.1, 43, 7]));
    expect(judgement.verdict).toBe('holds-if');
    expect(judgement.condition).toContain('T 250 ms with RTT 200 ms');
    expect(judgement.rightChoice).toBe('curve');
  });

  it('does not hold when no point is within 25% of 2.5×', () => {
    expect(verdictOf(longPollFasterThanAjax, runs([13, 3.2, 43, 1.8]))).toBe('does-not-hold');
  });
});

describe('long-poll-header-once', () => {
  const run = (requests: number, messages: number) =>
    feedRun({ 'long-poll': transport({ whole: meter({ requests, messages, upHeader: requests * 560 }) }) });

  it('holds when one request carried every event', () => {
    expect(verdictOf(longPollHeaderOnce, [run(1, 25)])).toBe('holds');
  });

  it('does not hold with a request per answer, and counts the header bytes per event', () => {
    const judgement = longPollHeaderOnce.judge([run(26, 25)]);
    expect(judgement.verdict).toBe('does-not-hold');
    expect(judgement.measured.headerBytesPerEvent).toBe(582);
    expect(judgement.rightChoice).toBe('about-one-per-event');
  });

  it('gives no verdict when the long poll delivered nothing', () => {
    expect(judgeSafely(longPollHeaderOnce, [run(3, 0)]).judgement).toBeNull();
  });
});

describe('sse-no-binary', () => {
  const run = (sseBytes: number, wsBytes: number, base64 = true) =>
    feedRun({
      sse: transport({
        window: meter({ messages: 10, downPayload: sseBytes * 10 }),
        inspect: {
          ...sample(300, 200),
          event: [
            { kind: 'payload', label: 'the event', bytes: sseBytes, text: base64 ? '{"encoding":"base64"}' : '{}' },
          ],
        },
      }),
      websocket: transport({ window: meter({ messages: 10, downPayload: wsBytes * 10 }) }),
    });

  it('holds when SSE carried base64 text at least 10% larger than the binary frame', () => {
    const judgement = sseNoBinary.judge([run(110, 100)]);
    expect(judgement.verdict).toBe('holds');
    expect(judgement.theory.base64Bytes).toBe(88);
  });

  it('does not hold when the SSE event is less than 10% larger', () => {
    expect(verdictOf(sseNoBinary, [run(109, 100)])).toBe('does-not-hold');
  });

  it('does not hold when the SSE event was not base64', () => {
    expect(verdictOf(sseNoBinary, [run(200, 100, false)])).toBe('does-not-hold');
  });
});

describe('sse-not-bidirectional', () => {
  const run = (sseRequests: number) =>
    feedRun({
      sse: transport({ window: meter({ requests: sseRequests, upHeader: 6000 }), upstreamSent: 10 }),
      websocket: transport({ window: meter({ requests: 0, upFraming: 60, upPayload: 450 }), upstreamSent: 10 }),
    });

  it('holds when every SSE upstream message was a request of its own', () => {
    const judgement = sseNotBidirectional.judge([run(10)]);
    expect(judgement.verdict).toBe('holds');
    expect(judgement.measured.websocketBytesUpPerMessage).toBe(51);
  });

  it('does not hold when upstream messages needed fewer requests than messages', () => {
    expect(verdictOf(sseNotBidirectional, [run(5)])).toBe('does-not-hold');
  });
});

describe('one-connection-per-request', () => {
  const run = (requests: number, connections: number, requestMs: number) =>
    feedRun(
      { 'short-poll': transport({ whole: meter({ requests, connections }), requestMs: latency(requestMs) }) },
      {
        rttMs: 100,
      },
    );

  it('holds only if the requests ask Connection: close, with the cost of each new connection', () => {
    const judgement = oneConnectionPerRequest.judge([run(17, 1, 104), run(14, 14, 204)]);
    expect(judgement.verdict).toBe('holds-if');
    expect(judgement.measured.newConnectionCostMs).toBe(100);
    expect(judgement.rightChoice).toBe('one');
  });

  it('holds when keep-alive too opened (at least 90% of) a connection per request', () => {
    expect(verdictOf(oneConnectionPerRequest, [run(10, 9, 200), run(10, 10, 200)])).toBe('holds');
  });

  it('does not hold when even Connection: close reused connections', () => {
    expect(verdictOf(oneConnectionPerRequest, [run(17, 1, 104), run(14, 12, 204)])).toBe('does-not-hold');
  });
});

describe('websocket-upgrade-same-connection', () => {
  const run = (requests: number, connections: number, status = 'HTTP/1.1 101 Switching Protocols') =>
    feedRun({ websocket: transport({ whole: meter({ requests, connections }), inspect: sample(540, 129, status) }) });

  it('holds with one request, one connection and a 101', () => {
    expect(verdictOf(websocketUpgradeSameConnection, [run(1, 1)])).toBe('holds');
  });

  it('does not hold with a second connection', () => {
    expect(verdictOf(websocketUpgradeSameConnection, [run(1, 2)])).toBe('does-not-hold');
  });

  it('does not hold without a 101', () => {
    expect(verdictOf(websocketUpgradeSameConnection, [run(1, 1, 'HTTP/1.1 426 Upgrade Required')])).toBe(
      'does-not-hold',
    );
  });
});

describe('tcp-delivers-in-order', () => {
  const everyTransport = (change: Partial<Record<TransportName, Parameters<typeof transport>[0]>>) =>
    feedRun(
      {
        ...Object.fromEntries(TRANSPORT_NAMES.map((t) => [t, transport(change[t])])),
      },
      { faults: 3 },
    );

  it('holds when nothing reconnected and nothing was lost', () => {
    expect(verdictOf(tcpDeliversInOrder, [everyTransport({})])).toBe('holds');
  });

  it('holds only within one connection when the cuts forced reconnects', () => {
    const judgement = tcpDeliversInOrder.judge([everyTransport({ sse: { reconnects: 3 } })]);
    expect(judgement.verdict).toBe('holds-if');
    expect(judgement.condition).toContain('3 reconnects');
  });

  it('does not hold when a transport lost an event', () => {
    const judgement = tcpDeliversInOrder.judge([everyTransport({ websocket: { lost: 1, reconnects: 3 } })]);
    expect(judgement.verdict).toBe('does-not-hold');
    expect(judgement.rightChoice).toBe('lost');
  });

  it('does not hold when a transport delivered out of order', () => {
    expect(verdictOf(tcpDeliversInOrder, [everyTransport({ 'long-poll': { seqStrictlyIncreasing: false } })])).toBe(
      'does-not-hold',
    );
  });
});

describe('websocket-lower-latency', () => {
  const run = (ws: number, long: number, short: number) =>
    feedRun(
      {
        'short-poll': transport({ latencyMs: latency(short) }),
        'long-poll': transport({ latencyMs: latency(long) }),
        sse: transport({ latencyMs: latency(ws) }),
        websocket: transport({ latencyMs: latency(ws) }),
      },
      { rttMs: 165, ratePerSecond: 2 },
    );

  it('holds when WebSocket is at least 10% faster than both pollings', () => {
    expect(verdictOf(websocketLowerLatency, [run(80, 89, 700)])).toBe('holds');
  });

  it('holds only against short polling when long polling comes within 10%', () => {
    const judgement = websocketLowerLatency.judge([run(80, 85, 700)]);
    expect(judgement.verdict).toBe('holds-if');
    expect(judgement.rightChoice).toBe('short-only');
    expect(judgement.theory.websocketMeanMs).toBe(82.5);
  });

  it('does not hold when WebSocket is not 10% faster than either', () => {
    expect(verdictOf(websocketLowerLatency, [run(80, 85, 85)])).toBe('does-not-hold');
  });
});

describe('six-connections-per-origin', () => {
  const run = (before: number, after: number): ConnectionLimitMeasurement => ({
    kind: 'browser-connection-limit',
    label: 'constructed',
    requested: 7,
    openedBeforeClose: before,
    openedAfterClose: after,
    waitedAfterCloseMs: after > before ? 5 : null,
    browser: 'Chromium/150',
  });

  it('holds when six opened and the seventh only after one closed', () => {
    expect(verdictOf(sixConnectionsPerOrigin, [run(6, 7)])).toBe('holds');
  });

  it('does not hold when all seven opened at once', () => {
    const judgement = sixConnectionsPerOrigin.judge([run(7, 7)]);
    expect(judgement.verdict).toBe('does-not-hold');
    expect(judgement.rightChoice).toBe('7');
  });

  it('gives no verdict without the browser run', () => {
    expect(judgeSafely(sixConnectionsPerOrigin, []).unavailable?.reason).toContain('browser run');
  });
});
