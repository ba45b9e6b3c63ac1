/**
 * The last ten seconds per transport as swim lanes, like a browser's network
 * waterfall: each poll request as a bar from sent to answered, the one SSE
 * response and the one WebSocket connection as long bars, each event as a
 * tick, upstream messages below. Each lane is drawn as a few SVG paths, so the
 * cost does not grow with the number of elements React has to compare.
 */
import { useRef } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import { useLab } from '../lab-context.ts';
import { TIMELINE_WINDOW_MS, type TimelineLane } from '../lab-store.ts';
import { TRANSPORT_LOOK, TRANSPORTS } from '../palette.ts';
import { ConditionsBadge } from './conditions-badge.tsx';
import { useWidth } from './use-width.ts';

const LANE_HEIGHT = 54;
const AXIS_HEIGHT = 22;
const MIN_BAR = 2;

export function Timeline({ presenter }: { presenter: boolean }) {
  const timeline = useLab((s) => s.timeline);
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const labelWidth = presenter ? 210 : 150;
  const plotWidth = Math.max(100, width - labelWidth - 8);
  const from = timeline.now - TIMELINE_WINDOW_MS;
  const x = (at: number): number => labelWidth + ((Math.max(at, from) - from) / TIMELINE_WINDOW_MS) * plotWidth;
  const height = TRANSPORTS.length * LANE_HEIGHT + AXIS_HEIGHT;

  return (
    <section className="timeline panel" aria-label="Timeline of the last ten seconds">
      <div className="panel-head">
        <h2>On the wire, last 10 seconds</h2>
        <ConditionsBadge />
      </div>
      <p className="muted">
        Solid bars: an HTTP request from sent to answered (a held long poll is a long bar; the SSE response and the
        WebSocket stay open). Ticks: events arriving. Outlined bars and triangles below: upstream messages this page
        sent.
      </p>
      <div ref={box} className="timeline-box">
        <svg
          width={width}
          height={height}
          role="img"
          aria-label="Requests, responses and frames per transport over the last 10 seconds"
        >
          {TRANSPORTS.map((t, i) => (
            <Lane key={t} transport={t} lane={timeline.lanes[t]} top={i * LANE_HEIGHT} x={x} now={timeline.now} />
          ))}
          <Axis x={x} now={timeline.now} top={TRANSPORTS.length * LANE_HEIGHT} />
        </svg>
      </div>
    </section>
  );
}

function Lane({
  transport,
  lane,
  top,
  x,
  now,
}: {
  transport: TransportName;
  lane: TimelineLane;
  top: number;
  x: (at: number) => number;
  now: number;
}) {
  const look = TRANSPORT_LOOK[transport];
  const feedBars: string[] = [];
  const upBars: string[] = [];
  const handshakes: string[] = [];
  const rect = (into: string[], start: number, end: number, y: number, h: number): void => {
    const x0 = x(start);
    const w = Math.max(MIN_BAR, x(end) - x0);
    into.push(`M${x0.toFixed(1)} ${y}h${w.toFixed(1)}v${h}h${(-w).toFixed(1)}z`);
  };
  let feedRequests = lane.streams.length;
  for (const request of lane.requests) {
    const isUpstream = request.path.endsWith('/publish');
    if (!isUpstream) feedRequests++;
    rect(
      isUpstream ? upBars : feedBars,
      request.start,
      request.end ?? now,
      isUpstream ? top + 38 : top + 6,
      isUpstream ? 10 : 16,
    );
  }
  for (const stream of lane.streams) {
    const open = stream.open ?? stream.end ?? now;
    rect(handshakes, stream.start, open, top + 10, 8);
    if (stream.open !== null) rect(feedBars, stream.open, stream.end ?? now, top + 6, 16);
  }
  const batches = batchesOf(lane.events, x);
  const ticks = batches.map((b) => `M${b.x.toFixed(1)} ${top + 24}v12`).join('');
  const ups = lane.upstream.map((at) => `M${x(at).toFixed(1)} ${top + 38}l-5 10h10z`).join('');
  // Label batch sizes where a poll answer carried several events at once; too many labels would be noise.
  const labelled = batches.filter((b) => b.count > 2);
  return (
    <g data-lane={transport}>
      <rect x={0} y={top} width="100%" height={LANE_HEIGHT} className="lane-bg" />
      <text x={8} y={top + 22} className="lane-label">
        {look.label}
      </text>
      <text x={8} y={top + 40} className="lane-sub">
        {plural(feedRequests, 'request')} · {plural(lane.events.length, 'event')}
      </text>
      <path d={handshakes.join('')} fill={look.colour} opacity={0.4} />
      {/* The panel-coloured outline separates requests that follow each other without a pause. */}
      <path d={feedBars.join('')} fill={look.colour} opacity={0.75} stroke="var(--panel)" strokeWidth={1} />
      <path d={ticks} stroke="var(--text)" strokeWidth={1.5} />
      {labelled.length <= 40 &&
        labelled.map((b) => (
          <text key={b.x} x={b.x + 3} y={top + 35} className="batch-label">
            ×{b.count}
          </text>
        ))}
      <path d={upBars.join('')} fill="none" stroke={look.colour} strokeWidth={1.5} />
      <path d={ups} fill={look.colour} />
    </g>
  );
}

/** Events that land within one pixel of each other are one batch (one poll answer, usually). */
function batchesOf(times: number[], x: (at: number) => number): Array<{ x: number; count: number }> {
  const out: Array<{ x: number; count: number }> = [];
  for (const at of times) {
    const px = x(at);
    const last = out.at(-1);
    if (last && px - last.x < 1) last.count++;
    else out.push({ x: px, count: 1 });
  }
  return out;
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
