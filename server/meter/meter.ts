/**
 * The meter's counters: per transport (plus `lab`), and the same per client id
 * so `GET /api/metrics?client=ID` can show one browser's own traffic.
 * Only counters live here; what is counted, and when, is decided where the
 * bytes cross the socket (see wire-tally.ts).
 */
import { type TransportName, TRANSPORT_NAMES } from '../../protocol/feed-event.ts';
import { emptyTransportMetrics, type MetricsSnapshot, type TransportMetrics } from '../../protocol/metrics.ts';

export type MeterBucketName = TransportName | 'lab';
export type Direction = 'up' | 'down';
export type ByteKind = 'header' | 'framing' | 'payload';

/** Where a piece of traffic is counted: always the transport total, and the client's own row when it named itself. */
export interface MeterTarget {
  bucket: MeterBucketName;
  /** The client id, or null when the request named none. */
  client: string | null;
  total: TransportMetrics;
  own: TransportMetrics | null;
}

type ClientRow = Record<TransportName, TransportMetrics>;

/** Something that holds bytes it has not attributed yet and can do so on demand (a socket's tally). */
export interface Settleable {
  settle(): void;
}

/** How many client rows are kept; the oldest are forgotten first (their bytes stay in the totals). */
const MAX_CLIENT_ROWS = 20_000;

export class Meter {
  readonly totals: Record<MeterBucketName, TransportMetrics> = {
    'short-poll': emptyTransportMetrics(),
    'long-poll': emptyTransportMetrics(),
    sse: emptyTransportMetrics(),
    websocket: emptyTransportMetrics(),
    lab: emptyTransportMetrics(),
  };
  private readonly clients = new Map<string, ClientRow>();
  private readonly unsettled = new Set<Settleable>();

  target(bucket: MeterBucketName, client: string | null): MeterTarget {
    const own = client !== null && bucket !== 'lab' ? this.clientRow(client)[bucket] : null;
    return { bucket, client, total: this.totals[bucket], own };
  }

  addBytes(target: MeterTarget, direction: Direction, kind: ByteKind, n: number): void {
    if (n === 0) return;
    target.total.bytes[direction][kind] += n;
    if (target.own) target.own.bytes[direction][kind] += n;
  }

  count(target: MeterTarget, field: 'connections' | 'requests' | 'emptyResponses' | 'messages', n = 1): void {
    target.total[field] += n;
    if (target.own) target.own[field] += n;
  }

  /**
   * Streams note their sends cheaply and are settled here, when someone reads: reading a socket's
   * `bytesWritten` walks its whole send queue, too dear to do for every event to every client.
   */
  markUnsettled(source: Settleable): void {
    this.unsettled.add(source);
  }

  forgetUnsettled(source: Settleable): void {
    this.unsettled.delete(source);
  }

  /** A copy, so a caller can serialize it later without seeing later counts. */
  snapshot(epoch: string, seq: number, now: number, client?: string): MetricsSnapshot {
    for (const source of this.unsettled) source.settle();
    this.unsettled.clear();
    if (client === undefined) {
      const { lab, ...transports } = this.totals;
      return structuredClone({ epoch, seq, t: now, transports, lab });
    }
    const row = this.clients.get(client) ?? emptyClientRow();
    return structuredClone({ epoch, seq, t: now, client, transports: row, lab: emptyTransportMetrics() });
  }

  private clientRow(client: string): ClientRow {
    let row = this.clients.get(client);
    if (!row) {
      if (this.clients.size >= MAX_CLIENT_ROWS) {
        const oldest = this.clients.keys().next().value;
        if (oldest !== undefined) this.clients.delete(oldest);
      }
      row = emptyClientRow();
      this.clients.set(client, row);
    }
    return row;
  }
}

function emptyClientRow(): ClientRow {
  return Object.fromEntries(TRANSPORT_NAMES.map((name) => [name, emptyTransportMetrics()])) as ClientRow;
}
