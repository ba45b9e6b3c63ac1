/**
 * The formulas the columns show beside the measurements, checked against the
 * wire formats themselves (built here byte by byte) and, for short polling,
 * against a small simulation of the client's own timing model.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrameHeader } from './frame-header.ts';
import {
  longPollRequestsPerSecond,
  pollEnvelopeBytes,
  shortPollEmptyShare,
  shortPollMeanLatencyMs,
  shortPollRequestsPerSecond,
  sseEventFramingBytes,
  webSocketFrameHeaderBytes,
} from './theory.ts';

describe('short polling', () => {
  it('mean latency is (T + RTT)/2 + RTT/2, as a simulation of the re-arming client finds', () => {
    const intervalMs = 1000;
    const rttMs = 40;
    // The client asks at 0, the request reaches the server RTT/2 later, the answer
    // arrives RTT after asking, and the next request leaves T after that answer.
    const arrivals: number[] = [];
    for (let asked = 0; asked < 200_000; asked += intervalMs + rttMs) arrivals.push(asked + rttMs / 2);
    let sum = 0;
    let n = 0;
    let next = 0;
    for (let published = 0.5; published < 190_000; published += 7.3) {
      while ((arrivals[next] ?? Number.POSITIVE_INFINITY) < published) next++;
      const served = arrivals[next];
      if (served === undefined) break;
      sum += served - published + rttMs / 2;
      n++;
    }
    // Events every 7.3 ms sample the cycle finely enough to agree within 0.5%.
    expect(Math.abs(sum / n - shortPollMeanLatencyMs(intervalMs, rttMs))).toBeLessThan(0.005 * 540);
    expect(shortPollMeanLatencyMs(intervalMs, rttMs)).toBe(540);
  });

  it('asks once per interval + round trip', () => {
    expect(shortPollRequestsPerSecond(1000, 0)).toBe(1);
    expect(shortPollRequestsPerSecond(480, 20)).toBe(2);
  });

  it('finds nothing e^(−rate × cycle) of the time for Poisson arrivals, and never when steady events outpace it', () => {
    expect(shortPollEmptyShare(0.1, 1000, 0, 'poisson')).toBeCloseTo(Math.exp(-0.1), 10);
    expect(shortPollEmptyShare(10, 1000, 0, 'steady')).toBe(0);
    expect(shortPollEmptyShare(0.5, 1000, 0, 'steady')).toBeCloseTo(0.5, 10);
  });
});

describe('long polling', () => {
  it('asks once per event while events are further apart than a round trip, at most once per round trip', () => {
    expect(longPollRequestsPerSecond(10, 1, 25_000)).toBeCloseTo(10, 10);
    expect(longPollRequestsPerSecond(1000, 10, 25_000)).toBeCloseTo(100, 10);
    expect(longPollRequestsPerSecond(0, 1, 25_000)).toBeCloseTo(0.04, 10);
    expect(longPollRequestsPerSecond(1, 1, 25_000, 'bursty', 5)).toBeCloseTo(0.2, 10);
  });
});

describe('framing, byte for byte', () => {
  it('SSE: id and data fields, the blank line, the chunk size line and its CRLF', () => {
    for (const [seq, payload] of [
      [1, 80],
      [42, 163],
      [123_456, 4000],
    ] as const) {
      const event = 'x'.repeat(payload);
      const body = `id: ${seq}\ndata: ${event}\n\n`;
      const wire = `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n`;
      expect(sseEventFramingBytes(seq, payload), `seq ${seq}, ${payload} B`).toBe(Buffer.byteLength(wire) - payload);
    }
  });

  it('WebSocket: 2 bytes up to 125, 4 up to 65,535, 10 above; a client adds a 4-byte mask', () => {
    expect(webSocketFrameHeaderBytes(125)).toBe(2);
    expect(webSocketFrameHeaderBytes(126)).toBe(4);
    expect(webSocketFrameHeaderBytes(65_535)).toBe(4);
    expect(webSocketFrameHeaderBytes(65_536)).toBe(10);
    expect(webSocketFrameHeaderBytes(100, true)).toBe(6);
  });

  it('polling: the JSON envelope around the events, with commas between them', () => {
    const events = ['{"seq":1}', '{"seq":2}', '{"seq":3}'];
    const answer = `{"epoch":"abc","next":3,"events":[${events.join(',')}]}`;
    const eventBytes = events.reduce((sum, e) => sum + e.length, 0);
    expect(pollEnvelopeBytes('abc', 3, events.length)).toBe(answer.length - eventBytes);
    expect(pollEnvelopeBytes('abc', 0, 0)).toBe('{"epoch":"abc","next":0,"events":[]}'.length);
  });
});

describe('frame header decoding', () => {
  it('reads FIN, opcode, MASK and the three length forms', () => {
    expect(decodeFrameHeader('81 64')).toMatchObject({
      fin: true,
      opcodeName: 'text',
      masked: false,
      payloadLength: 100,
      headerBytes: 2,
    });
    expect(decodeFrameHeader('81 7e 00 a7')).toMatchObject({ lengthField: 126, payloadLength: 167, headerBytes: 4 });
    expect(decodeFrameHeader('82 7f 00 00 00 00 00 01 00 00')).toMatchObject({
      opcodeName: 'binary',
      payloadLength: 65_536,
      headerBytes: 10,
    });
    expect(decodeFrameHeader('81 85')).toMatchObject({ masked: true, payloadLength: 5, headerBytes: 6 });
    expect(decodeFrameHeader('89 00')).toMatchObject({ opcodeName: 'ping', payloadLength: 0 });
    expect(decodeFrameHeader('81')).toBeNull();
    expect(decodeFrameHeader('81 7e 00')).toBeNull();
  });
});
