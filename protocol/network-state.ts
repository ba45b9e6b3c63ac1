/**
 * The network conditioner on the wire (`/api/network`, see docs/api.md,
 * "Network conditioner"): what it adds, its state, its named profiles and
 * the faults it injects. The lab's conditioner (server/conditioner/) writes
 * these; the page and the tools read them.
 */

/** What the conditioner adds on top of the machine's own network. */
export interface LinkShape {
  /** Added round trip, ms; each direction gets half. 0 = none. */
  rttMs: number;
  /** Up to this much extra one-way delay per chunk, ms, uniformly drawn; bytes are never reordered. 0 = none. */
  jitterMs: number;
  /** Lab → client bandwidth, kbit/s (1 kbit = 1000 bits). 0 = unlimited. */
  downKbps: number;
  /** Client → lab bandwidth, kbit/s. 0 = unlimited. */
  upKbps: number;
}

/** `GET /api/network`, also the answer of `PUT /api/network` and `POST /api/network/faults`. */
export interface NetworkState extends LinkShape {
  /** The profile's id (`none`, `fast-4g`, …, or `custom`). */
  profile: string;
  /**
   * The "WebSocket blocked" switch, independent of the profile: every HTTP request asking to `Upgrade` is
   * answered 403 and closed, as some proxies and firewalls do; plain HTTP (polling, SSE) passes.
   */
  websocketBlocked: boolean;
  /** The conditioner's port; null when it is not running (`conditionerPort: null`, or before the lab listens). */
  port: number | null;
  faults: FaultState;
  /** Connections open through the conditioner now. */
  openConnections: number;
}

/** One of `GET /api/network/profiles`. */
export interface NetworkProfileInfo extends LinkShape {
  id: string;
  title: string;
  /** What to look for with this profile (shown by the dashboard). */
  notice: string;
}

/** `POST /api/network/faults`. */
export type FaultRequest =
  | { action: 'drop-all' }
  | { action: 'stall'; seconds: number }
  | { action: 'chaos'; everySeconds: number }
  | { action: 'calm' };

/** What the API shows about faults. */
export interface FaultState {
  /** How long the current stall still lasts, ms; 0 when there is none. */
  stallRemainingMs: number;
  /** Mean seconds between random cuts of each connection; null when calm. */
  chaosEverySeconds: number | null;
  /** Connections cut by drop-all and chaos since the lab started. */
  cutConnections: number;
}
