/**
 * A flash for arriving events: the newest seq, topic and latency, and a dot
 * that lights up. It writes to the DOM directly (no React render), on the
 * store's beat: eight times a second, every second beat in the same task as
 * the store's snapshot, so flashes and React's updates share frames. At fifty
 * events a second, a flash per event or per frame would make the browser
 * render sixty frames a second for nothing the eye can follow.
 */
import { useEffect, useRef } from 'react';
import type { FeedEvent, TransportName } from '../../../protocol/feed-event.ts';
import * as fmt from '../format.ts';
import { useStore } from '../lab-context.ts';
import './event-flash.css';

export function EventFlash({ transport }: { transport: TransportName }) {
  const store = useStore();
  const dot = useRef<HTMLSpanElement>(null);
  const text = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    // Per event only two assignments; the text is made once a beat.
    let latest: FeedEvent | null = null;
    let latestMs = 0;
    const stopArrivals = store.onArrival((t, event, latencyMs) => {
      if (t !== transport) return;
      latest = event;
      latestMs = latencyMs;
    });
    let lit = false;
    const stopBeats = store.onBeat(() => {
      // The dot is lit for a beat after events arrived: a discrete change, because an
      // animation would make the browser render every frame while events flow.
      const arrived = latest !== null;
      if (latest && text.current) text.current.textContent = `#${latest.seq} ${latest.topic} · ${fmt.ms(latestMs)} ms`;
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

  // The plain block around the flash is the column's flex item. Chromium lays out a `contain: strict` box
  // (.event-flash) on its own only when it is not itself a flex item; so a new text lays out the flash alone
  // instead of the whole page, eight times a second (measured with `npm run bench:dashboard -- --profile`).
  return (
    <div>
      <div className="event-flash" aria-live="off">
        <span className="flash-dot" ref={dot} />
        <span className="flash-text" data-flash="text" ref={text}>
          waiting for the first event…
        </span>
      </div>
    </div>
  );
}
