/**
 * One size of an element in CSS pixels, following resizes, from a
 * ResizeObserver only. Its first callback comes after the browser's own
 * layout and before paint; `flushSync` redraws the chart inside that callback,
 * so the first paint already has the right size. Reading `clientWidth` in a
 * layout effect instead forced a layout of the whole page in the middle of
 * React's commit, once per chart: 115 ms of the page's 150 ms start-up task
 * (npm run bench:dashboard).
 */
import { type RefObject, useLayoutEffect, useState } from 'react';
import { flushSync } from 'react-dom';

export function useObservedSize(
  ref: RefObject<HTMLElement | null>,
  fallback: number,
  pick: (box: DOMRectReadOnly) => number,
): number {
  const [size, setSize] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) flushSync(() => setSize(Math.round(pick(entry.contentRect))));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, pick]);
  return size;
}
