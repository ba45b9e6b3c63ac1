/**
 * A segment: the stretch of time under one set of conditions. Every change of
 * the lab's conditions (scenario, rate, data size, network, a fault, a feed
 * restart, the cluster's nginx config) starts a new one, so a figure never
 * blends two experiments. The page starts segments of its own too, for its
 * own client settings.
 */

export type SegmentReason =
  | 'start'
  | 'scenario'
  | 'rate'
  | 'size'
  | 'network'
  | 'fault'
  | 'restart'
  | 'lesson'
  | 'load-balancer';

/** The lab's side of the conditions a segment was measured under. */
export interface SegmentConditions {
  scenario: string;
  ratePerSecond: number;
  payloadBytes: number;
  /** The conditioner's profile (`none`, `3g`, `custom` …) and what it adds. */
  network: string;
  rttMs: number;
  jitterMs: number;
  downKbps: number;
  upKbps: number;
}

export interface SegmentInfo {
  /** 1, 2, 3 … for the lab's life. */
  id: number;
  reason: SegmentReason;
  /** A few words for the chart's boundary marker: "3g", "drop-all", "large-snapshot". */
  label: string;
  /** Server time the segment started, epoch ms. */
  startedAt: number;
  /**
   * The feed's position when it started: an event belongs to the segment when
   * it is of this epoch and its seq is above this one.
   */
  epoch: string;
  seq: number;
  conditions: SegmentConditions;
}

/** True when `event` was published after the segment began (see SegmentInfo.seq). */
export function eventInSegment(
  event: { epoch: string; seq: number },
  boundary: { epoch: string; seq: number },
): boolean {
  return event.epoch === boundary.epoch && event.seq > boundary.seq;
}
