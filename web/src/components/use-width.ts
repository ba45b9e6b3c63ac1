/** The width of an element in CSS pixels, following resizes (see use-observed-size.ts). */
import type { RefObject } from 'react';
import { useObservedSize } from './use-observed-size.ts';

const width = (box: DOMRectReadOnly): number => box.width;

export function useWidth(ref: RefObject<HTMLElement | null>, fallback = 800): number {
  return useObservedSize(ref, fallback, width);
}
