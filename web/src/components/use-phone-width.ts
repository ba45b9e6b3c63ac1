/**
 * Whether the page is as narrow as a phone (≤ PHONE_MAX_WIDTH CSS px):
 * then the page shows the phone view. Follows rotation and resizes.
 */
import { useSyncExternalStore } from 'react';

/** The widest viewport that gets the phone view (CSS px). */
export const PHONE_MAX_WIDTH = 480;

const QUERY = `(max-width: ${PHONE_MAX_WIDTH}px)`;

function subscribe(onChange: () => void): () => void {
  const list = window.matchMedia(QUERY);
  list.addEventListener('change', onChange);
  return () => list.removeEventListener('change', onChange);
}

export function usePhoneWidth(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(QUERY).matches,
    () => false,
  );
}
