/**
 * The meter's counters: per transport (plus `lab`), and the same per client id
 * so `GET /api/metrics?client=ID` can show one browser's own traffic.
 * Load-run clients (ids `load-…`) get no rows of their own: their share of each
 * transport is summed under `load`, so a dashboard can tell a load run from its
 * own clients, and 20,000 virtual ids do not churn the rows of real browsers.
 * Only counters live here; what is counted, and when, is decided where the
 * bytes cross the socket (see wire-tally.ts).
 */
import { TRANSPORT_NAMES, type TransportName } from '../../protocol/feed-event.ts';
import {
  emptyTransportMetrics,
  LOAD_CLIENT_PREFIX,
  type MeterReading,
  type TransportMetrics,
} from '../../protocol/metrics.ts';

export type MeterBucketName = TransportName | 'lab';
export type Direction = 'up' | 'down';
export type ByteKind = 'header' | 'framing' | 'payload' | 'tls';

/** Where a piece of traffic is counted: always the transport total, and the client's own row (or `load`) when it named itself. */
export interface MeterTarget {
  bucket: MeterBucketName;
  /**
   * The client id, or null when the request named none. Load-run clients all share
   * `LOAD_CLIENT_PREFIX` here: a pooled keep-alive connection carries several of them,
   * and as one key it counts once in `load`'s connections, as in the transport's.
   * (Poll answers hand this key to the wire inspector, which so keeps one row for all of them.)
   */
  client: string | null;
  total: TransportMetrics;
  /** The client's share: its own row, or for a load-run client the `load` total of the bucket. */
  own: TransportMetrics | null;
}

type ClientRow = Record<TransportName, TransportMetrics>;

/** Where an event stands in the feed. */
export interface EventPosition {
  epoch: string;
  seq: number;
}

/** Told when a poll answer's bytes are counted, with the oldest event it carried. */
export type AnswerListener = (target: MeterTarget, oldest: EventPosition | null) => void;

/** Something that holds bytes it has not attributed yet and can do so on demand (a socket's tally). */
export interface Settleable {
  settle(): void;
}

/** How many client rows are kept; the oldest are forgotten first (their bytes stay in the totals). */
const MAX_CLIENT_ROWS = 20_000;

export class Meter {
  readonly totals: Record<MeterBucketName, TransportMetrics> = { ...emptyClientRow(), lab: emptyTransportMetrics() };
  /** What load-run clients carried, per transport: a part of `totals`. */
  readonly loadTotals: ClientRow = emptyClientRow();
  private readonly clients = new Map<string, ClientRow>();
  private readonly unsettled = new Set<Settleable>();
  private readonly answerListeners = new Set<AnswerListener>();

  target(bucket: MeterBucketName, client: string | null): MeterTarget {
    if (client === null || bucket === 'lab') return { bucket, client, total: this.totals[bucket], own: null };
    if (isLoadClient(client))
      return { bucket, client: LOAD_CLIENT_PREFIX, total: this.totals[bucket], own: this.loadTotals[bucket] };
    return { bucket, client, total: this.totals[bucket], own: this.clientRow(client)[bucket] };
  }

  addBytes(target: MeterTarget, direction: Direction, kind: ByteKind, n: number): void {
    if (n === 0) return;
    target.total.bytes[direction][kind] += n;
    if (target.own) target.own.bytes[direction][kind] += n;
  }

  count(
    target: MeterTarget,
    field: 'connections' | 'requests' | 'emptyResponses' | 'notModified' | 'messages',
    n = 1,
  ): void {
    target.total[field] += n;
    if (target.own) target.own[field] += n;
  }

  /** A poll answer was counted (its bytes are in the counters now). */
  answered(target: MeterTarget, oldest: EventPosition | null): void {
    for (const listener of this.answerListeners) listener(target, oldest);
  }

  onAnswer(listener: AnswerListener): () => void {
    this.answerListeners.add(listener);
    return () => this.answerListeners.delete(listener);
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
  snapshot(epoch: string, seq: number, now: number, client?: string): MeterReading {
    for (const source of this.unsettled) source.settle();
    this.unsettled.clear();
    if (client === undefined) {
      const { lab, ...transports } = this.totals;
      return structuredClone({ epoch, seq, t: now, transports, load: this.loadTotals, lab });
    }
    // A load-run client has no row of its own (see `target`): it reads as zeros, like an unknown id.
    const row = this.clients.get(client) ?? emptyClientRow();
    return structuredClone({
      epoch,
      seq,
      t: now,
      client,
      transports: row,
      load: emptyClientRow(),
      lab: emptyTransportMetrics(),
    });
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

/** A load-run client: `load-<runId>-<transport>-<n>` (load/load-run.ts). */
export function isLoadClient(client: string): boolean {
  return client.startsWith(LOAD_CLIENT_PREFIX);
}

function emptyClientRow(): ClientRow {
  return Object.fromEntries(TRANSPORT_NAMES.map((name) => [name, emptyTransportMetrics()])) as ClientRow;
}
