/**
 * The last ten seconds per transport as swim lanes, like a browser's network
 * waterfall: each poll request as a bar from sent to answered, the one SSE
 * response and the one WebSocket connection as long bars, each event as a
 * tick, upstream messages below, and each fault (drop-all, stall, chaos,
 * calm) as a labelled vertical line across every lane.
 *
 * Each lane is drawn in one-second chunks (see timeline-record.ts), each a
 * few SVG paths in its own coordinates. A chunk the store did not change
 * keeps its object, so React skips it and the browser keeps its parsed paths;
 * a redraw only moves the chunks left and draws the newest second, the
 * requests still waiting for an answer and the streams. At 50 events/s that
 * is a few hundred path commands a redraw instead of thousands.
 */
import { memo, useId, useRef } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import { useLab } from '../lab-context.ts';
import { TIMELINE_WINDOW_MS, type TimelineChunk, type TimelineLane } from '../lab-store.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { isUpstreamRequest } from '../timeline-record.ts';
import { ConditionsBadge } from './conditions-badge.tsx';
import { CONTAINED } from './contained.ts';
import { useWidth } from './use-width.ts';
import './timeline.css';

const LANE_HEIGHT = 54;
const AXIS_HEIGHT = 22;
const MIN_BAR = 2;
/** More batch labels than this in a lane would be noise: then none are shown. */
const MAX_LABELS = 40;

export function Timeline({ presenter }: { presenter: boolean }) {
  const timeline = useLab((s) => s.timeline);
  const marks = useLab((s) => s.segmentMarks);
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const clip = `timeline-plot-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const labelWidth = presenter ? 210 : 150;
  const plotWidth = Math.max(100, width - labelWidth - 8);
  const pxPerMs = plotWidth / TIMELINE_WINDOW_MS;
  const from = timeline.now - TIMELINE_WINDOW_MS;
  const x = (at: number): number => labelWidth + (Math.max(at, from) - from) * pxPerMs;
  const lanesHeight = TRANSPORTS.length * LANE_HEIGHT;
  const height = lanesHeight + AXIS_HEIGHT;

  return (
    <section className="timeline panel" aria-label="Timeline of the last ten seconds" style={CONTAINED}>
      <div className="panel-head">
        <h2>On the wire, last 10 seconds</h2>
        <ConditionsBadge />
      </div>
      <p className="muted">
        Solid bars: an HTTP request from sent to answered (a held long poll is a long bar; the SSE response and the
        WebSocket stay open; Socket.IO's polling GETs, then its upgrade). Ticks: events arriving. Outlined bars and
        triangles below: upstream messages this page sent (Socket.IO's POSTs carry its packets); a labelled line marks
        Socket.IO's upgrade to websocket.
      </p>
      <div ref={box} className="timeline-box">
        <svg
          data-surface="timeline"
          width={width}
          height={height}
          role="img"
          aria-label="Requests, responses and frames per transport over the last 10 seconds"
        >
          <defs>
            <clipPath id={clip}>
              <rect x={labelWidth} y={0} width={plotWidth + 8} height={lanesHeight} />
            </clipPath>
          </defs>
          {TRANSPORTS.map((t, i) => (
            <Lane
              key={t}
              transport={t}
              lane={timeline.lanes[t]}
              top={i * LANE_HEIGHT}
              left={labelWidth}
              x={x}
              pxPerMs={pxPerMs}
              now={timeline.now}
              clip={clip}
            />
          ))}
          {marks
            .filter((mark) => mark.reason === 'fault' && mark.at >= from)
            .map((mark) => (
              <g key={mark.at} data-timeline-fault={mark.label}>
                <line
                  x1={x(mark.at)}
                  x2={x(mark.at)}
                  y1={0}
                  y2={lanesHeight}
                  stroke="var(--text)"
                  strokeWidth={2}
                  strokeDasharray="4 3"
                />
                <text x={x(mark.at) + 4} y={12} fill="var(--text)" style={{ fontSize: '0.75rem' }}>
                  {mark.label}
                </text>
              </g>
            ))}
          <Axis x={x} now={timeline.now} top={lanesHeight} />
        </svg>
      </div>
    </section>
  );
}

function Lane({
  transport,
  lane,
  top,
  left,
  x,
  pxPerMs,
  now,
  clip,
}: {
  transport: TransportName;
  lane: TimelineLane;
  top: number;
  /** Where the plot starts (px): the window's oldest moment. */
  left: number;
  x: (at: number) => number;
  pxPerMs: number;
  now: number;
  clip: string;
}) {
  const look = TRANSPORT_LOOK[transport];
  // What changes every redraw: requests still waiting for their answer, and the streams.
  const feedBars: string[] = [];
  const upBars: string[] = [];
  const handshakes: string[] = [];
  const rect = (into: string[], start: number, end: number, y: number, h: number): void => {
    const x0 = x(start);
    into.push(bar(x0, Math.max(MIN_BAR, x(end) - x0), y, h));
  };
  for (const request of lane.pending) {
    const up = isUpstreamRequest(request);
    rect(up ? upBars : feedBars, request.start, now, up ? top + 38 : top + 6, up ? 10 : 16);
  }
  for (const stream of lane.streams) {
    const open = stream.open ?? stream.end ?? now;
    rect(handshakes, stream.start, open, top + 10, 8);
    if (stream.open !== null) rect(feedBars, stream.open, stream.end ?? now, top + 6, 16);
  }
  const drawings = lane.chunks.map((chunk) => drawingOf(chunk, pxPerMs));
  const showLabels = drawings.reduce((sum, d) => sum + d.labels.length, 0) <= MAX_LABELS;
  const from = now - TIMELINE_WINDOW_MS;
  return (
    <g data-lane={transport}>
      <rect x={0} y={top} width="100%" height={LANE_HEIGHT} className="lane-bg" />
      <text x={8} y={top + 22} className="lane-label">
        {look.label}
      </text>
      <text x={8} y={top + 40} className="lane-sub">
        {plural(lane.feedRequests, 'request')} · {plural(lane.events, 'event')}
      </text>
      <g clipPath={`url(#${clip})`}>
        <path d={handshakes.join('')} fill={look.colour} opacity={0.4} />
        {lane.chunks.map((chunk, i) => (
          <g key={chunk.start} transform={`translate(${(left + (chunk.start - from) * pxPerMs).toFixed(1)} ${top})`}>
            <ChunkDrawing drawing={drawings[i] as Drawing} colour={look.colour} showLabels={showLabels} />
          </g>
        ))}
        {/* The panel-coloured outline separates requests that follow each other without a pause. */}
        <path d={feedBars.join('')} fill={look.colour} opacity={0.75} stroke="var(--panel)" strokeWidth={1} />
        <path d={upBars.join('')} fill="none" stroke={look.colour} strokeWidth={1.5} />
        {lane.marks.map((mark) => (
          <g key={`${mark.at}-${mark.label}`} data-timeline-mark={mark.label}>
            <line x1={x(mark.at)} x2={x(mark.at)} y1={top + 2} y2={top + LANE_HEIGHT - 2} className="lane-mark" />
            <text x={x(mark.at) + 3} y={top + 52} className="batch-label">
              {mark.label}
            </text>
          </g>
        ))}
      </g>
    </g>
  );
}

/** One chunk's paths, in its own coordinates (x from the chunk's start, y from the lane's top). */
interface Drawing {
  feedBars: string;
  upBars: string;
  ticks: string;
  ups: string;
  /** Batches of more than two events (a poll answer carrying several): x and count. */
  labels: Array<{ x: number; count: number }>;
}

/** Drawings by chunk object, for the scale they were drawn at: a chunk is drawn once per change. */
const drawings = new WeakMap<TimelineChunk, { pxPerMs: number; drawing: Drawing }>();

function drawingOf(chunk: TimelineChunk, pxPerMs: number): Drawing {
  const cached = drawings.get(chunk);
  if (cached && cached.pxPerMs === pxPerMs) return cached.drawing;
  const local = (at: number): number => (at - chunk.start) * pxPerMs;
  let feedBars = '';
  let upBars = '';
  for (const request of chunk.requests) {
    const x0 = local(request.start);
    const w = Math.max(MIN_BAR, ((request.end ?? request.start) - request.start) * pxPerMs);
    if (isUpstreamRequest(request)) upBars += bar(x0, w, 38, 10);
    else feedBars += bar(x0, w, 6, 16);
  }
  // Events that land within one pixel of each other are one batch (one poll answer, usually).
  const batches: Array<{ x: number; count: number }> = [];
  for (const at of chunk.events) {
    const px = local(at);
    const last = batches.at(-1);
    if (last && px - last.x < 1) last.count++;
    else batches.push({ x: px, count: 1 });
  }
  const drawing: Drawing = {
    feedBars,
    upBars,
    ticks: batches.map((b) => `M${b.x.toFixed(1)} 24v12`).join(''),
    ups: chunk.upstream.map((at) => `M${local(at).toFixed(1)} 38l-5 10h10z`).join(''),
    labels: batches.filter((b) => b.count > 2),
  };
  drawings.set(chunk, { pxPerMs, drawing });
  return drawing;
}

const ChunkDrawing = memo(function ChunkDrawing({
  drawing,
  colour,
  showLabels,
}: {
  drawing: Drawing;
  colour: string;
  showLabels: boolean;
}) {
  return (
    <>
      {drawing.feedBars && (
        <path d={drawing.feedBars} fill={colour} opacity={0.75} stroke="var(--panel)" strokeWidth={1} />
      )}
      {drawing.ticks && <path d={drawing.ticks} stroke="var(--text)" strokeWidth={1.5} />}
      {showLabels &&
        drawing.labels.map((b) => (
          <text key={b.x} x={b.x + 3} y={35} className="batch-label">
            ×{b.count}
          </text>
        ))}
      {drawing.upBars && <path d={drawing.upBars} fill="none" stroke={colour} strokeWidth={1.5} />}
      {drawing.ups && <path d={drawing.ups} fill={colour} />}
    </>
  );
});

function bar(x: number, w: number, y: number, h: number): string {
  return `M${x.toFixed(1)} ${y}h${w.toFixed(1)}v${h}h${(-w).toFixed(1)}z`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function Axis({ x, now, top }: { x: (at: number) => number; now: number; top: number }) {
  const seconds = [10, 8, 6, 4, 2, 0];
  return (
    <g className="timeline-axis">
      {seconds.map((s) => {
        const px = x(now - s * 1000);
        return (
          <g key={s}>
            <line x1={px} x2={px} y1={0} y2={top} className="axis-line" />
            <text x={px} y={top + 15} textAnchor={s === 0 ? 'end' : 'middle'}>
              {s === 0 ? 'now' : `−${s} s`}
            </text>
          </g>
        );
      })}
    </g>
  );
}
