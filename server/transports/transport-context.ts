/** What every transport plugin is given: the feed, the meter and the lab's options. */
import type { Socket } from 'node:net';
import type { Feed } from '../feed/feed.ts';
import type { LabOptions } from '../lab-options.ts';
import type { Meter } from '../meter/meter.ts';
import type { WireInspector } from '../meter/wire-inspector.ts';
import type { UpstreamBudget } from '../security/upstream-budget.ts';
import type { SegmentLog } from '../segment-log.ts';

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
  /** Whether an exact `Origin` value is one of the lab's own pages (the guards' and CORS's predicate). */
  isLabOrigin(origin: string): boolean;
  /**
   * The per-address connection cap (LAN mode), for a transport that answers its own requests outside
   * Fastify's hooks: false when the socket was over the cap and has been cut.
   */
  admitConnection(socket: Socket): boolean;
  /** Streams register here so a graceful shutdown can end them before the server closes. */
  closers: Set<() => void>;
}
