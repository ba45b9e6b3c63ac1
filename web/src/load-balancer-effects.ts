/**
 * The page's side of the load-balancer lesson: one effect recorder per
 * transport (clients/load-balancer-effect.ts), started when the lab announces
 * a `load-balancer` segment (nginx runs the config the page chose), fed by
 * the page's own clients, which go through nginx like any browser's.
 */

import type { WireActivity } from '../../clients/feed-client.ts';
import {
  type LoadBalancerEffect,
  LoadBalancerEffectRecorder,
  type LoadBalancerTally,
} from '../../clients/load-balancer-effect.ts';
import type { TransportName } from '../../protocol/feed-event.ts';
import { TRANSPORTS } from './palette.ts';

/** What each transport did under the config nginx runs, since it was switched to. */
export interface LoadBalancerEffects {
  /** The config's name (the segment's label). */
  config: string;
  /** ms since nginx ran it. */
  forMs: number;
  words: Record<TransportName, LoadBalancerEffect>;
  tallies: Record<TransportName, LoadBalancerTally>;
}

export class PageLoadBalancerEffects {
  private recorders: Map<TransportName, LoadBalancerEffectRecorder> | null = null;
  private config = '';
  private since = 0;

  /** nginx runs `config` since `now` (the lab's segment began); the feed was at `seq`. */
  begin(config: string, now: number, seq: number): void {
    this.config = config;
    this.since = now;
    this.recorders = new Map(TRANSPORTS.map((t) => [t, new LoadBalancerEffectRecorder(t, now, seq)]));
  }

  /** Another kind of segment began: the conditions are not the switch's alone any more. */
  end(): void {
    this.recorders = null;
  }

  wire(transport: TransportName, activity: WireActivity): void {
    this.recorders?.get(transport)?.wire(activity);
  }

  answeredBy(transport: TransportName, instance: string | null): void {
    this.recorders?.get(transport)?.answeredBy(instance);
  }

  delivered(transport: TransportName, seq: number, at: number): void {
    this.recorders?.get(transport)?.delivered(seq, at);
  }

  /** null until the lab announced a switch (or after another change). */
  effects(now: number, feedSeq: number): LoadBalancerEffects | null {
    const recorders = this.recorders;
    if (!recorders) return null;
    const pick = <T>(read: (recorder: LoadBalancerEffectRecorder) => T): Record<TransportName, T> =>
      Object.fromEntries(TRANSPORTS.map((t) => [t, read(recorders.get(t) as LoadBalancerEffectRecorder)])) as Record<
        TransportName,
        T
      >;
    return {
      config: this.config,
      forMs: now - this.since,
      words: pick((recorder) => recorder.effect(now, feedSeq)),
      tallies: pick((recorder) => recorder.tally(now)),
    };
  }
}
