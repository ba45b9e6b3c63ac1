/**
 * The load-balancer lesson's effect word (clients/load-balancer-effect.ts),
 * rule by rule and in its order, from the same wire activity a FeedClient
 * reports: each rule can be reached, and the earlier one wins.
 */
import { describe, expect, it } from 'vitest';
import type { WireActivity } from '../clients/feed-client.ts';
import { LoadBalancerEffectRecorder, STALL_MS } from '../clients/load-balancer-effect.ts';
import type { TransportName } from '../protocol/feed-event.ts';

const T0 = 1_000_000;

function wire(transport: TransportName, kind: WireActivity['kind'], detail?: WireActivity['detail']): WireActivity {
  return { kind, at: T0, transport, ...(detail ? { detail } : {}) };
}

describe('the effect word since a switch', () => {
  it('fine: polls answered 200 by one instance, every new event delivered', () => {
    const recorder = new LoadBalancerEffectRecorder('short-poll', T0, 10);
    recorder.wire(wire('short-poll', 'request-end', { path: '/api/feed/short-poll', status: 200 }));
    recorder.answeredBy('lab-1');
    recorder.delivered(11, T0 + 100);
    expect(recorder.effect(T0 + STALL_MS * 2, 11)).toBe('fine');
  });

  it('refused: a feed request answered 4xx/5xx; a publish answered 502 does not count', () => {
    const recorder = new LoadBalancerEffectRecorder('long-poll', T0, 0);
    recorder.wire(wire('long-poll', 'request-end', { path: '/api/feed/publish', status: 502 }));
    expect(recorder.effect(T0, 0)).toBe('fine');
    recorder.wire(wire('long-poll', 'request-end', { path: '/api/feed/long-poll', status: 504 }));
    expect(recorder.effect(T0, 0)).toBe('refused');
  });

  it('refused: a stream that closed before it opened (a refused upgrade); cut: one that closed after', () => {
    const refused = new LoadBalancerEffectRecorder('websocket', T0, 0);
    refused.wire(wire('websocket', 'request-start', { path: '/api/feed/websocket' }));
    refused.wire(wire('websocket', 'close'));
    expect(refused.tally(T0)).toMatchObject({ refused: 1, cut: 0 });
    expect(refused.effect(T0, 0)).toBe('refused');

    const cut = new LoadBalancerEffectRecorder('sse', T0, 0);
    cut.wire(wire('sse', 'request-start', { path: '/api/feed/sse' }));
    cut.wire(wire('sse', 'open'));
    cut.wire(wire('sse', 'close'));
    expect(cut.tally(T0)).toMatchObject({ refused: 0, cut: 1 });
    expect(cut.effect(T0, 0)).toBe('cut');
    // Cut, then refused on the way back: refused comes first.
    cut.wire(wire('sse', 'close'));
    expect(cut.effect(T0, 0)).toBe('refused');
  });

  it('cut: a poll that ended without an answer', () => {
    const recorder = new LoadBalancerEffectRecorder('long-poll', T0, 0);
    recorder.wire(wire('long-poll', 'request-end', { path: '/api/feed/long-poll' }));
    expect(recorder.effect(T0, 0)).toBe('cut');
  });

  it('stalled: the feed has newer events and none arrived for STALL_MS; a quiet feed is not a stall', () => {
    const recorder = new LoadBalancerEffectRecorder('sse', T0, 50);
    // Nothing published since the switch (feed still at 50): fine however long.
    expect(recorder.effect(T0 + STALL_MS * 3, 50)).toBe('fine');
    // The feed moved on to 52; 51 arrived, then nothing.
    recorder.delivered(51, T0 + 1000);
    expect(recorder.effect(T0 + 1000 + STALL_MS - 1, 52)).toBe('fine');
    expect(recorder.effect(T0 + 1000 + STALL_MS, 52)).toBe('stalled');
    recorder.delivered(52, T0 + 1000 + STALL_MS + 1);
    expect(recorder.effect(T0 + 1000 + STALL_MS + 2, 52)).toBe('fine');
  });

  it('moved: answers from two instances; an answer without x-lab-instance names none', () => {
    const recorder = new LoadBalancerEffectRecorder('short-poll', T0, 0);
    recorder.answeredBy('lab-1');
    recorder.answeredBy(null);
    recorder.answeredBy('lab-1');
    expect(recorder.effect(T0, 0)).toBe('fine');
    recorder.answeredBy('lab-2');
    expect(recorder.tally(T0).instances).toEqual(['lab-1', 'lab-2']);
    expect(recorder.effect(T0, 0)).toBe('moved');
    // A stall outranks a move.
    expect(recorder.effect(T0 + STALL_MS, 1)).toBe('stalled');
  });
});
