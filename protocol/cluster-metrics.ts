/** The shape of `GET /api/metrics/cluster` (labs sharing one feed through Redis, `--redis`). */
import type { TransportName } from './feed-event.ts';
import type { TransportMetrics } from './metrics.ts';

/** One instance's part of `GET /api/metrics/cluster`. */
export interface InstanceReport {
  /** The instance's name (`LabOptions.instanceName`). */
  name: string;
  /** Server time of the reading, epoch ms. */
  t: number;
  /** The instance's own address, past the balancer (e.g. `http://127.0.0.1:40123`): where `npm run bench -- --url` reads each one's /api/process. Null before it listens. */
  url?: string | null;
  /** Its process id, for /proc readings on the same machine. */
  pid?: number;
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
