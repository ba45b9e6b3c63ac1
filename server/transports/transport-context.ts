/** What every transport plugin is given: the feed, the meter and the lab's options. */
import type { Socket } from 'node:net';
import type { Feed } from '../feed/feed.ts';
import type { Meter } from '../meter/meter.ts';
import type { WireInspector } from '../meter/wire-inspector.ts';
import type { LabOptions } from '../lab-options.ts';
import type { SegmentLog } from '../segment-log.ts';
import type { UpstreamBudget } from '../security/upstream-budget.ts';

export interface TransportContext {
  feed: Feed;
  meter: Meter;
  inspector: WireInspector;
  options: LabOptions;
  /** Control actions that change the conditions start a new segment through it. */
  segments: SegmentLog;
  /** What upstream the lab takes, per client address and in total (see upstream-budget.ts). */
  upstream: UpstreamBudget;
  /** The real client of a lab socket: behind the conditioner, the student's address (see client-addresses.ts). */
  clientAddressOf(socket: Socket): string;
  /** Streams register here so a graceful shutdown can end them before the server closes. */
  closers: Set<() => void>;
}
