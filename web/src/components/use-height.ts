/**
 * The height of an element in CSS pixels, following resizes: for a chart that
 * fills whatever room its layout leaves (the stage's). Measured in a layout
 * effect, as useWidth is, so the first paint has the right size.
 */
import { type RefObject, useLayoutEffect, useState } from 'react';

export function useHeight(ref: RefObject<HTMLElement | null>, fallback = 240): number {
  const [height, setHeight] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setHeight(element.clientHeight);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setHeight(Math.round(entry.contentRect.height));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return height;
}
