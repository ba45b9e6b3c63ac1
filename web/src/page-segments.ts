/**
 * The page's segments: the lab's (a new scenario, network, fault, restart —
 * protocol/segment.ts) and the page's own (its poll interval, long-poll
 * timeout, a transport on or off, "New segment"). The columns show the
 * current segment only; a segment that ends leaves one row in the table
 * (SegmentSummary), and its start stays on the charts as a labelled marker
 * while it is in their window.
 */
import type { TransportName } from '../../protocol/feed-event.ts';
import { bytesPerEvent, emptyAnswerShare, type PerEvent, requestsPerSecondOver } from '../../protocol/figures.ts';
import type { SegmentConditions, SegmentReason } from '../../protocol/segment.ts';
import type { ClientSettings, TransportView } from './lab-snapshot.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from './palette.ts';

/** Past segments the table keeps (oldest dropped first). */
export const SEGMENTS_KEPT = 50;

/** A segment's conditions: the lab's, and this page's own client settings. */
export interface PageConditions extends SegmentConditions {
  intervalMs: number;
  timeoutMs: number;
  /** The transports that were on. */
  transports: TransportName[];
}

export interface PageSegment {
  /** 1, 2, 3 … on this page. */
  index: number;
  /** `page` for the page's own settings and "New segment". */
  reason: SegmentReason | 'page';
  /** The boundary marker's words. */
  label: string;
  /** Page clock (ms) when the page began it. */
  startedAt: number;
  conditions: PageConditions;
}

/** A figure of one transport over a whole segment; null where it had too little data (see warm-up.ts). */
export interface TransportSummary {
  enabled: boolean;
  events: number;
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
  bytesPerEvent: PerEvent | null;
  requestsPerSecond: number | null;
  emptyAnswerPercent: number | null;
  gaps: number;
  reconnects: number;
}

export interface SegmentSummary extends PageSegment {
  endedAt: number;
  durationMs: number;
  transports: Record<TransportName, TransportSummary>;
}

/** A segment's start on the charts: where (page clock), its marker and the caption of the stretch it begins. */
export interface SegmentMark {
  at: number;
  label: string;
  reason: PageSegment['reason'];
  caption: string;
}

/** The conditions in a few words, for a chart's stretch and the table: "stock-ticker · 10/s · 80 B · 3g". */
export function conditionsCaption(c: PageConditions): string {
  const network = c.network === 'custom' ? `custom +${c.rttMs} ms` : c.network;
  return `${c.scenario} · ${c.ratePerSecond}/s · ${c.payloadBytes} B · ${network}`;
}

/** The words for a change of this page's own settings; null when nothing that is measured changed. */
export function pageChangeLabel(before: ClientSettings, after: ClientSettings): string | null {
  const parts: string[] = [];
  if (after.httpVersion !== before.httpVersion) {
    parts.push(
      after.httpVersion === 'h2' ? 'HTTP/2' : after.httpVersion === 'http/1.1' ? 'HTTP/1.1' : "the page's HTTP",
    );
  }
  if (after.intervalMs !== before.intervalMs) parts.push(`interval ${after.intervalMs} ms`);
  if ((after.shortPollConditional ?? false) !== (before.shortPollConditional ?? false)) {
    parts.push(after.shortPollConditional ? 'conditional polls' : 'unconditional polls');
  }
  if (after.timeoutMs !== before.timeoutMs) parts.push(`timeout ${after.timeoutMs / 1000} s`);
  if (after.socketIoLane !== before.socketIoLane) parts.push(`Socket.IO lane ${after.socketIoLane}`);
  for (const t of TRANSPORTS) {
    if (after.enabled[t] !== before.enabled[t])
      parts.push(`${TRANSPORT_LOOK[t].short} ${after.enabled[t] ? 'on' : 'off'}`);
  }
  return parts.length > 0 ? parts.join(', ') : null;
}

/** A segment that ends, as its table row. */
export function summarize(
  segment: PageSegment,
  endedAt: number,
  views: Record<TransportName, TransportView>,
): SegmentSummary {
  const durationMs = Math.max(0, endedAt - segment.startedAt);
  const transports = Object.fromEntries(
    TRANSPORTS.map((t) => {
      const view = views[t];
      const summary: TransportSummary = {
        enabled: view.enabled,
        events: view.messages,
        latencyP50Ms: view.ready.latency ? view.latency.p50 : null,
        latencyP99Ms: view.ready.latency ? view.latency.p99 : null,
        bytesPerEvent: view.ready.bytes ? bytesPerEvent(view.meter) : null,
        requestsPerSecond: view.ready.requests ? requestsPerSecondOver(view.meter, durationMs) : null,
        emptyAnswerPercent: view.ready.requests ? emptyAnswerShare(view.meter) : null,
        gaps: view.gaps,
        reconnects: view.reconnects,
      };
      return [t, summary];
    }),
  ) as Record<TransportName, TransportSummary>;
  return { ...segment, endedAt, durationMs, transports };
}

/** The table's rows as CSV: one line per segment and transport. */
export function segmentsCsv(rows: readonly SegmentSummary[]): string {
  const header = [
    'segment',
    'label',
    'scenario',
    'rate_per_s',
    'data_bytes',
    'network',
    'rtt_added_ms',
    'short_poll_interval_ms',
    'long_poll_timeout_ms',
    'duration_s',
    'transport',
    'on',
    'events',
    'latency_p50_ms',
    'latency_p99_ms',
    'header_b_per_event',
    'framing_b_per_event',
    'payload_b_per_event',
    'requests_per_s',
    'empty_answers_pct',
    'gaps',
    'reconnects',
  ];
  const cell = (value: string | number | boolean | null): string => {
    if (value === null) return '';
    const text = typeof value === 'number' ? String(Math.round(value * 1000) / 1000) : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [header.join(',')];
  for (const row of rows) {
    const c = row.conditions;
    for (const t of TRANSPORTS) {
      const s = row.transports[t];
      lines.push(
        [
          row.index,
          row.label,
          c.scenario,
          c.ratePerSecond,
          c.payloadBytes,
          c.network,
          c.rttMs,
          c.intervalMs,
          c.timeoutMs,
          row.durationMs / 1000,
          t,
          s.enabled,
          s.events,
          s.latencyP50Ms,
          s.latencyP99Ms,
          s.bytesPerEvent?.header ?? null,
          s.bytesPerEvent?.framing ?? null,
          s.bytesPerEvent?.payload ?? null,
          s.requestsPerSecond,
          s.emptyAnswerPercent,
          s.gaps,
          s.reconnects,
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
