/**
 * The height of an element in CSS pixels, following resizes: for a chart that
 * fills whatever room its layout leaves (the stage's). See use-observed-size.ts.
 */
import type { RefObject } from 'react';
import { useObservedSize } from './use-observed-size.ts';

const height = (box: DOMRectReadOnly): number => box.height;

export function useHeight(ref: RefObject<HTMLElement | null>, fallback = 240): number {
  return useObservedSize(ref, fallback, height);
}
