/**
 * A flash for arriving events: the newest seq, topic and latency, and a dot
 * that lights up. It writes to the DOM directly (no React render), and all
 * four columns do so together on one shared clock of eight beats a second:
 * at fifty events a second, a flash per event or per frame would make the
 * browser render sixty frames a second for nothing the eye can follow.
 */
import { useEffect, useRef } from 'react';
import type { TransportName } from '../../../protocol/feed-event.ts';
import * as fmt from '../format.ts';
import { useStore } from '../lab-context.ts';

const FLASH_EVERY_MS = 125;
const beats = new Set<() => void>();
let beatTimer: ReturnType<typeof setInterval> | null = null;

/** Joins the shared flash clock; the timer runs only while someone listens. */
function onBeat(callback: () => void): () => void {
  beats.add(callback);
  beatTimer ??= setInterval(() => {
    for (const beat of beats) beat();
  }, FLASH_EVERY_MS);
  return () => {
    beats.delete(callback);
    if (beats.size === 0 && beatTimer !== null) {
      clearInterval(beatTimer);
      beatTimer = null;
    }
  };
}

export function EventFlash({ transport }: { transport: TransportName }) {
  const store = useStore();
  const dot = useRef<HTMLSpanElement>(null);
  const text = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    let latest: string | null = null;
    const stopArrivals = store.onArrival((t, event, latencyMs) => {
      if (t === transport) latest = `#${event.seq} ${event.topic} · ${fmt.ms(latencyMs)} ms`;
    });
    let lit = false;
    const stopBeats = onBeat(() => {
      // The dot is lit for a beat after events arrived: a discrete change, because an
      // animation would make the browser render every frame while events flow.
      const arrived = latest !== null;
      if (arrived && text.current) text.current.textContent = latest;
      latest = null;
      if (arrived !== lit && dot.current) {
        lit = arrived;
        dot.current.classList.toggle('lit', lit);
      }
    });
    return () => {
      stopArrivals();
      stopBeats();
    };
  }, [store, transport]);

  return (
    <div className="event-flash" aria-live="off">
      <span className="flash-dot" ref={dot} />
      <span className="flash-text" ref={text}>
        waiting for the first event…
      </span>
    </div>
  );
}
