/**
 * "2 bytes/msg overhead": WebSocket framing per event at three event sizes
 * (one per length class of RFC 6455) and per upstream message (masked).
 */
import { downFramingPerEvent, payloadPerEvent } from '../protocol/figures.ts';
import { webSocketFrameHeaderBytes } from '../protocol/theory.ts';
import { type FeedRunMeasurement, feedRun, known, type Lesson, round, transportIn } from './lesson.ts';

/** The claimed overhead, bytes per message. */
const CLAIMED_BYTES = 2;
/** Framing is counted to the byte; this only absorbs an average over whole frames. */
const TOLERANCE_BYTES = 0.25;
const LARGE_CHOICES = [2, 4, 10, 14];

interface SizeClass {
  eventBytes: number;
  framingBytes: number;
}

function sizeClass(run: FeedRunMeasurement): SizeClass {
  const ws = transportIn(run, 'websocket');
  return {
    eventBytes: known(payloadPerEvent(ws.window), `event in "${run.label}"`),
    framingBytes: known(downFramingPerEvent(ws.window), `framing in "${run.label}"`),
  };
}

export const websocketTwoBytesOverhead = {
  id: 'websocket-two-bytes-overhead',
  claim: '2 bytes/msg overhead',
  does: 'Sends WebSocket events of ~100 B, ~1 KB and ~100 KB and small upstream messages, and counts the frame bytes around each one.',
  prediction: {
    question: 'How many framing bytes does WebSocket add to one 100 KB event?',
    choices: LARGE_CHOICES.map((n) => ({ id: String(n), text: `${n} B` })),
  },
  plan: [
    {
      kind: 'feed',
      label: 'multiplayer-game (tiny events)',
      feed: { scenario: 'multiplayer-game', ratePerSecond: 30 },
      transports: ['websocket'],
      durationS: 3,
    },
    {
      kind: 'feed',
      // Upstream rides here: its echoed events are > 125 B and would blur the small run's 2 B.
      label: 'stock-ticker with 1,000-byte data, upstream 2/s',
      feed: { scenario: 'stock-ticker', ratePerSecond: 10, payloadBytes: 1000 },
      transports: ['websocket'],
      upstream: { perSecond: 2, dataBytes: 20 },
      durationS: 4,
    },
    {
      kind: 'feed',
      label: 'large-snapshot with 100,000-byte data',
      feed: { scenario: 'large-snapshot', ratePerSecond: 4, payloadBytes: 100_000 },
      transports: ['websocket'],
      durationS: 3,
    },
  ],
  judge(measurements) {
    const [small, medium, large] = [0, 1, 2].map((i) => sizeClass(feedRun(measurements, i))) as [
      SizeClass,
      SizeClass,
      SizeClass,
    ];
    const ws = transportIn(feedRun(measurements, 1), 'websocket');
    const upFraming = ws.upstreamSent > 0 ? ws.window.bytes.up.framing / ws.upstreamSent : null;
    const upMessageBytes = ws.upstreamSent > 0 ? ws.window.bytes.up.payload / ws.upstreamSent : null;
    const near = (value: number | null, target: number): boolean =>
      value !== null && Math.abs(value - target) <= TOLERANCE_BYTES;
    const holdsFor = [
      near(small.framingBytes, CLAIMED_BYTES),
      near(medium.framingBytes, CLAIMED_BYTES),
      near(large.framingBytes, CLAIMED_BYTES),
      near(upFraming, CLAIMED_BYTES),
    ];
    const verdict = holdsFor.every(Boolean) ? 'holds' : holdsFor[0] ? 'holds-if' : 'does-not-hold';
    const nearest = LARGE_CHOICES.reduce((best, n) =>
      Math.abs(n - large.framingBytes) < Math.abs(best - large.framingBytes) ? n : best,
    );
    const up = upFraming === null ? 'no upstream message was measured' : `${round(upFraming)} B per upstream message`;
    return {
      verdict,
      ...(verdict === 'holds-if'
        ? {
            condition: `the message goes server → client and is ≤ 125 B: ${round(medium.framingBytes)} B at ${round(medium.eventBytes)} B, ${round(large.framingBytes)} B at ${round(large.eventBytes)} B, and ${up} client → server (the 4-byte mask)`,
          }
        : {}),
      rightChoice: String(nearest),
      measured: {
        smallEventBytes: round(small.eventBytes),
        smallFramingBytes: round(small.framingBytes, 2),
        mediumEventBytes: round(medium.eventBytes),
        mediumFramingBytes: round(medium.framingBytes, 2),
        largeEventBytes: round(large.eventBytes),
        largeFramingBytes: round(large.framingBytes, 2),
        upstreamMessageBytes: upMessageBytes === null ? null : round(upMessageBytes),
        upstreamFramingBytes: upFraming === null ? null : round(upFraming, 2),
      },
      theory: {
        smallFramingBytes: webSocketFrameHeaderBytes(small.eventBytes),
        mediumFramingBytes: webSocketFrameHeaderBytes(medium.eventBytes),
        largeFramingBytes: webSocketFrameHeaderBytes(large.eventBytes),
        upstreamFramingBytes: upMessageBytes === null ? null : webSocketFrameHeaderBytes(upMessageBytes, true),
      },
      sentence:
        `Server → client, a ${round(small.eventBytes)} B event carried ${round(small.framingBytes, 2)} B of framing, ` +
        `a ${round(medium.eventBytes)} B event ${round(medium.framingBytes, 2)} B and a ${round(large.eventBytes)} B event ${round(large.framingBytes, 2)} B; ` +
        `client → server, ${up}.`,
    };
  },
  tryIt:
    'In the dashboard pick large-snapshot and open the wire inspector: the WebSocket frame header reads "length=… (64-bit)", 10 bytes',
} satisfies Lesson;
