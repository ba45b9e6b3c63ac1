/**
 * The segments: the current one as it stands, then the ended ones, newest
 * first, each with the conditions it was measured under and per transport
 * its latency, bytes per event, request rate, empty answers and gaps.
 * Downloads as JSON and CSV.
 */
import { memo, useMemo } from 'react';
import { downloadSegmentsCsv, downloadSegmentsJson } from '../export.ts';
import * as fmt from '../format.ts';
import { useLab, useStore } from '../lab-context.ts';
import { conditionsCaption, type SegmentSummary, summarize } from '../page-segments.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { CONTAINED } from './contained.ts';
import './segment-table.css';

export function SegmentTable() {
  const store = useStore();
  const past = useLab((s) => s.pastSegments);
  const segment = useLab((s) => s.segment);
  const transports = useLab((s) => s.transports);
  const now = useLab((s) => s.now);
  const current = useMemo(() => (segment ? summarize(segment, now, transports) : null), [segment, now, transports]);
  return (
    <section className="segment-table" aria-label="Segments" data-segment-table="" style={CONTAINED}>
      <header className="segment-table-head">
        <h2>Segments</h2>
        <p className="muted">
          Every change of conditions starts a new segment; the figures above are the current one's. Ended segments stay
          here.
        </p>
        <div className="chart-tools">
          <button type="button" onClick={() => downloadSegmentsJson(store.segmentRows())}>
            JSON
          </button>
          <button type="button" onClick={() => downloadSegmentsCsv(store.segmentRows())}>
            CSV
          </button>
        </div>
      </header>
      <div className="segment-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">began with</th>
              <th scope="col">conditions</th>
              <th scope="col">length</th>
              <th scope="col">transport</th>
              <th scope="col">p50 ms</th>
              <th scope="col">p99 ms</th>
              <th scope="col" title="HTTP headers · framing · the event itself, both directions, per event">
                B per event (h · f · e)
              </th>
              <th scope="col">requests/s</th>
              <th scope="col">empty answers</th>
              <th scope="col">gaps</th>
              <th scope="col">reconnects</th>
            </tr>
          </thead>
          {current && <SegmentRows row={current} live />}
          {[...past].reverse().map((row) => (
            <SegmentRows key={row.index} row={row} live={false} />
          ))}
        </table>
      </div>
    </section>
  );
}

const SegmentRows = memo(function SegmentRows({ row, live }: { row: SegmentSummary; live: boolean }) {
  const on = TRANSPORTS.filter((t) => row.transports[t].enabled);
  const shown = on.length > 0 ? on : TRANSPORTS.slice(0, 1);
  const optional = (value: number | null, format: (n: number) => string): string =>
    value === null ? '…' : format(value);
  return (
    <tbody
      data-segment-row={row.index}
      data-segment-live={live ? 'true' : undefined}
      className={live ? 'segment-live' : undefined}
    >
      {shown.map((t, i) => {
        const s = row.transports[t];
        const per = s.bytesPerEvent;
        return (
          <tr key={t} data-segment-transport={t}>
            {i === 0 && (
              <>
                <th scope="rowgroup" rowSpan={shown.length}>
                  {row.index}
                  {live && <span className="pill pill-open">now</span>}
                </th>
                <td rowSpan={shown.length} data-segment-label="">
                  {row.label}
                </td>
                <td rowSpan={shown.length}>
                  {conditionsCaption(row.conditions)}
                  <small>
                    {' '}
                    · poll every {row.conditions.intervalMs} ms · long-poll timeout {row.conditions.timeoutMs / 1000} s
                  </small>
                </td>
                <td rowSpan={shown.length}>{fmt.count(Math.round(row.durationMs / 1000))} s</td>
              </>
            )}
            <td>{TRANSPORT_LOOK[t].short}</td>
            <td data-cell="latency-p50">{optional(s.latencyP50Ms, fmt.ms)}</td>
            <td>{optional(s.latencyP99Ms, fmt.ms)}</td>
            <td data-cell="bytes-per-event">
              {per
                ? `${Math.round(per.total)} (${Math.round(per.header)} · ${Math.round(per.framing)} · ${Math.round(per.payload)})`
                : '…'}
            </td>
            <td>{optional(s.requestsPerSecond, fmt.rate)}</td>
            <td>{optional(s.emptyAnswerPercent, (n) => `${Math.round(n)}%`)}</td>
            <td data-cell="gaps">{s.gaps}</td>
            <td data-cell="reconnects">{s.reconnects}</td>
          </tr>
        );
      })}
    </tbody>
  );
});
