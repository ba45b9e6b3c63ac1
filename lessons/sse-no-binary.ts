/**
 * "SSE has no binary message capability": the binary-sensor scenario's 64-byte
 * samples go out raw in WebSocket binary frames, and base64-encoded in JSON
 * text over SSE. The cost shows in the event bytes.
 */
import { payloadPerEvent } from '../protocol/figures.ts';
import { base64Bytes } from '../protocol/theory.ts';
import { feedRun, known, type Lesson, round, transportIn } from './lesson.ts';

const RAW_BYTES = 64;
/** SSE's events must be at least this share larger than WebSocket's binary frames to count as "paying for text". */
const TEXT_OVERHEAD_MIN_SHARE = 0.1;

export const sseNoBinary = {
  id: 'sse-no-binary',
  claim: 'SSE has no binary message capability',
  does: `Plays binary-sensor (${RAW_BYTES}-byte binary samples, 20 a second) over SSE and WebSocket for 4 s and compares the bytes of each event.`,
  prediction: {
    question: `How much larger is one ${RAW_BYTES}-byte sample over SSE than over WebSocket?`,
    choices: [
      { id: 'same', text: 'The same: bytes are bytes' },
      { id: 'some', text: 'Somewhat larger (base64 and JSON text)' },
      { id: 'double', text: 'At least twice as large' },
    ],
  },
  plan: [
    {
      kind: 'feed',
      label: `binary-sensor, ${RAW_BYTES}-byte samples`,
      feed: { scenario: 'binary-sensor', ratePerSecond: 20, payloadBytes: RAW_BYTES },
      transports: ['sse', 'websocket'],
      durationS: 4,
    },
  ],
  judge(measurements) {
    const run = feedRun(measurements, 0);
    const sse = transportIn(run, 'sse');
    const sseEvent = known(payloadPerEvent(sse.window), 'SSE event');
    const wsEvent = known(payloadPerEvent(transportIn(run, 'websocket').window), 'WebSocket event');
    const usesBase64 = sse.inspect?.event?.some((part) => part.text?.includes('"encoding":"base64"')) ?? false;
    const extraShare = sseEvent / wsEvent - 1;
    const holds = usesBase64 && extraShare >= TEXT_OVERHEAD_MIN_SHARE;
    return {
      verdict: holds ? 'holds' : 'does-not-hold',
      rightChoice: extraShare < TEXT_OVERHEAD_MIN_SHARE ? 'same' : extraShare >= 1 ? 'double' : 'some',
      measured: {
        sseEventBytes: round(sseEvent),
        websocketEventBytes: round(wsEvent),
        sseExtraPercent: round(extraShare * 100),
        sseUsesBase64: usesBase64,
      },
      theory: {
        rawBytes: RAW_BYTES,
        base64Bytes: base64Bytes(RAW_BYTES),
        base64ExtraPercent: round((base64Bytes(RAW_BYTES) / RAW_BYTES - 1) * 100),
      },
      sentence: `A ${RAW_BYTES}-byte sample took ${round(wsEvent)} B in a WebSocket binary frame and ${round(sseEvent)} B over SSE (${round(extraShare * 100)}% more${usesBase64 ? ': base64 inside JSON text, as SSE carries only UTF-8 text' : ''}).`,
    };
  },
  tryIt:
    'npm start -- --scenario binary-sensor, then curl -sN \'localhost:3000/api/feed/sse?client=me\': every data line carries "encoding":"base64"',
} satisfies Lesson;
