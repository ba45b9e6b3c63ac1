/** The shape of `GET /api/metrics/cluster` (labs sharing one feed through Redis, `--redis`). */
import type { TransportName } from './feed-event.ts';
import type { TransportMetrics } from './metrics.ts';

/** One instance's part of `GET /api/metrics/cluster`. */
export interface InstanceReport {
  /** The instance's name (`LabOptions.instanceName`). */
  name: string;
  /** Server time of the reading, epoch ms. */
  t: number;
  /** Open streams and held polls on this instance: what its next event fans out to. */
  listeners: number;
  transports: Record<TransportName, TransportMetrics>;
}

/** `GET /api/metrics/cluster`. */
export interface ClusterMetrics {
  /** True when the feed is shared through Redis (`--redis`); false: this lab alone, `instances` is itself. */
  shared: boolean;
  epoch: string;
  seq: number;
  /** The instance that answered. */
  answeredBy: string;
  instances: InstanceReport[];
  /** Every live instance's `transports` added up. */
  sums: { listeners: number; transports: Record<TransportName, TransportMetrics> };
}
